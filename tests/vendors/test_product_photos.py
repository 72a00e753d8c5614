"""Photo uploads that go wrong: a clear message next to the photo field, nothing saved or stored."""

import io

import pytest

from marketplace.core.database import db
from tests import images_factory as factory
from tests.vendors.test_products import count, form, jpeg, stored_keys
from vendors.photos.models import Image
from vendors.products.models import Product, ProductPhoto

NOT_A_PHOTO = "This file is not a photo we can read. Please use JPEG, PNG, WebP or HEIC."
TOO_LARGE = "This photo is larger than 15 MB. Please choose a smaller one."

pytestmark = pytest.mark.usefixtures("english")


def truncated_jpeg() -> bytes:
    whole = jpeg(size=(800, 600))
    return whole[: len(whole) // 2]


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><script>alert(1)</script></svg>'
)


def post_30_mb(client, url, **fields):
    big = b"\xff\xd8\xff" + bytes(30 * 1024 * 1024)
    response = client.post(url, data=form([("grande.jpg", big)], **fields))
    # The test client spools a big body to a temporary file that only the reader would close.
    response.request.environ["wsgi.input"].close()
    return response


@pytest.fixture
def seller(make, auth):
    vendor = make.product_vendor()
    auth.login(vendor.user.email)
    return vendor


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("precios.jpg", lambda: b"Lista de precios: queso, 80 lempiras\n", NOT_A_PHOTO),
        (
            "enorme.png",
            lambda: factory.png_header_only(100_000, 100_000),
            "This photo has more than 40 megapixels. Please use a smaller photo.",
        ),
        (
            "cortada.jpg",
            truncated_jpeg,
            "This photo seems damaged or incomplete. Please try sending it again.",
        ),
        ("vacia.jpg", lambda: b"", "The file is empty. Please choose a photo."),
        ("dibujo.svg", lambda: SVG, NOT_A_PHOTO),
        ("gif.gif", lambda: factory.encode(factory.upright_photo(), "GIF"), NOT_A_PHOTO),
        ("factura.jpg", lambda: factory.encode(factory.upright_photo(), "PDF"), NOT_A_PHOTO),
    ],
    ids=["text-as-jpg", "png-100000x100000", "truncated-jpeg", "zero-bytes", "svg", "gif", "pdf"],
)
def test_a_bad_photo_refuses_the_whole_save_with_its_file_name(
    client, seller, name, content, message
):
    before = stored_keys()
    response = client.post(
        "/me/products/new", data=form([("buena.jpg", jpeg()), (name, content())])
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"{name}: {message}" in page
    assert 'value="Bolsa de tuno"' in page  # what was typed stays
    assert count(Product) == 0 and count(Image) == 0 and count(ProductPhoto) == 0
    assert stored_keys() == before


def test_a_bad_photo_while_editing_changes_nothing(client, make, seller):
    product = make.product(vendor=seller)
    before = stored_keys()
    response = client.post(
        f"/me/products/{product.id}/edit",
        data=form([("a.jpg", jpeg()), ("b.jpg", b"not a photo")], title="Otro nombre"),
    )
    assert response.status_code == 422
    db.session.refresh(product)
    assert product.title == "Bolsa de tuno" and product.photos == []
    assert stored_keys() == before


def test_a_30_mb_upload_gets_the_form_back_with_a_friendly_message(client, seller):
    response = post_30_mb(client, "/me/products/new")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and 'name="title"' in page and "<form" in page
    assert count(Product) == 0


def test_a_30_mb_upload_on_the_edit_page_shows_the_product_again(client, make, seller):
    product = make.product(vendor=seller, title="Miel de jicote")
    response = post_30_mb(client, f"/me/products/{product.id}/edit")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and 'value="Miel de jicote"' in page


def test_a_30_mb_upload_to_someone_elses_product_is_still_not_found(client, make, seller):
    theirs = make.product()
    response = post_30_mb(client, f"/me/products/{theirs.id}/edit")
    assert response.status_code == 404


def test_a_ninth_photo_is_refused(client, make, seller):
    photos = [(f"{i}.jpg", jpeg((20 * i, 80, 120), (40, 30))) for i in range(9)]
    response = client.post("/me/products/new", data=form(photos))
    assert response.status_code == 422
    assert "A product can have up to 8 photos." in response.get_data(as_text=True)
    assert count(Product) == 0

    product = make.product(vendor=seller)
    client.post(f"/me/products/{product.id}/edit", data=form(photos[:8]))
    db.session.refresh(product)
    assert len(product.photos) == 8
    before = stored_keys()
    response = client.post(
        f"/me/products/{product.id}/edit", data=form([("9.jpg", jpeg((1, 2, 3), (40, 30)))])
    )
    assert response.status_code == 422
    assert "It has 8, so you can add 0 more." in response.get_data(as_text=True)
    assert stored_keys() == before and count(ProductPhoto) == 8


def test_the_form_without_a_chosen_file_saves_the_product_without_photos(client, seller):
    data = form()
    data["photos"] = [(io.BytesIO(b""), "")]  # what a browser sends when nothing was chosen
    assert client.post("/me/products/new", data=data).status_code == 303
    assert count(Product) == 1 and count(ProductPhoto) == 0


def test_the_same_photo_twice_is_stored_once(client, make, seller):
    photo = jpeg()
    client.post("/me/products/new", data=form([("a.jpg", photo)]))
    client.post("/me/products/new", data=form([("a.jpg", photo)], title="Otra bolsa"))
    assert count(Product) == 2 and count(ProductPhoto) == 2 and count(Image) == 1


def test_a_30_mb_upload_with_csrf_checks_on(app, client, make, auth, monkeypatch):
    """In production the CSRF check reads the body first, before the view's own checks."""
    product = make.product()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    anonymous = post_30_mb(client, f"/me/products/{product.id}/edit")
    assert anonymous.status_code == 413
    assert "The file is too large." in anonymous.get_data(as_text=True)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    auth.login(product.vendor.user.email)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    owner = post_30_mb(client, f"/me/products/{product.id}/edit")
    assert owner.status_code == 413 and TOO_LARGE in owner.get_data(as_text=True)
