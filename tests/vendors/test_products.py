"""An entrepreneur adds, edits, hides and deletes products; nobody else can touch them."""

import io

import pytest
from sqlalchemy import event

from marketplace.core.audit import history
from marketplace.core.database import db
from marketplace.core.storage import get_storage
from tests import images_factory as factory
from vendors.photos.models import Image
from vendors.products.models import Product, ProductPhoto
from vendors.profiles.models import VendorStatus

pytestmark = pytest.mark.usefixtures("english")


def jpeg(colour=(200, 120, 40), size=(120, 90)) -> bytes:
    return factory.encode(factory.upright_photo(size, colour), "JPEG", quality=85)


def form(photos=(), **fields):
    data = {
        "title": "Bolsa de tuno",
        "price": "1,250.50",
        "category": "crafts",
        "stock": "3",
        "description": "Hecha a mano en Olancho.",
        "visible": "y",
    }
    data.update(fields)
    data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return data


def stored_keys() -> set[str]:
    return set(get_storage().iter_keys("img/"))


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def seller(make, auth):
    vendor = make.product_vendor()
    auth.login(vendor.user.email)
    return vendor


def test_entrepreneur_adds_a_product_with_photos(client, seller):
    response = client.post(
        "/me/products/new",
        data=form([("frente.jpg", jpeg()), ("lado.jpg", jpeg((30, 90, 160)))]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    product = db.session.scalars(db.select(Product)).one()
    assert (product.title, product.price, product.stock) == ("Bolsa de tuno", 125050, 3)
    assert product.vendor_id == seller.id and product.is_public
    assert [p.position for p in product.photos] == [0, 1]
    assert product.photos[0].alt_text == "Bolsa de tuno"
    for variant in product.cover.variants:
        assert get_storage().exists(variant["key"])
    page = client.get("/me/products").get_data(as_text=True)
    assert "Bolsa de tuno" in page and "L 1,250.50" in page and "3 in stock" in page


def test_made_to_order_has_no_stock_count(client, seller):
    client.post("/me/products/new", data=form(stock="", made_to_order="y"))
    product = db.session.scalars(db.select(Product)).one()
    assert product.stock is None and product.made_to_order


def test_stock_is_asked_for_unless_made_to_order(client, seller):
    response = client.post("/me/products/new", data=form(stock=""))
    assert response.status_code == 422
    assert "Please enter how many you have" in response.get_data(as_text=True)
    assert count(Product) == 0


def test_a_product_of_an_unverified_vendor_is_saved_but_not_public(client, make, auth):
    vendor = make.product_vendor(status=VendorStatus.PENDING)
    auth.login(vendor.user.email)
    client.post("/me/products/new", data=form())
    product = db.session.scalars(db.select(Product)).one()
    assert not product.is_public
    assert "waiting for verification" in client.get("/me/products").get_data(as_text=True)


def test_without_a_profile_the_entrepreneur_is_sent_to_the_profile_form(app, client, make, auth):
    if "vendors.edit_profile" not in app.view_functions:
        pytest.skip("the profile form is not in this build")
    user = make.user()
    auth.login(user.email)
    response = client.get("/me/products/new")
    assert response.status_code == 302 and response.location.endswith("/me/profile")
    assert count(Product) == 0


def test_editing_changes_fields_and_adds_photos_after_the_existing_ones(client, make, seller):
    product = make.product(vendor=seller)
    client.post(f"/me/products/{product.id}/edit", data=form([("a.jpg", jpeg())]))
    client.post(
        f"/me/products/{product.id}/edit",
        data=form([("b.jpg", jpeg((10, 10, 200)))], title="Bolsa grande", price="300"),
    )
    db.session.refresh(product)
    assert (product.title, product.price) == ("Bolsa grande", 30000)
    assert [p.position for p in product.photos] == [0, 1]
    page = client.get(f"/me/products/{product.id}/edit").get_data(as_text=True)
    assert 'value="300"' in page and 'accept="image/*"' in page and "data-shrink" in page
    assert "js/photo-upload.js" in page


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-20", "The price cannot be negative."),
        ("0", "The price must be more than zero."),
        ("veinte", "Please write the price with numbers only"),
        ("5000000", "That price looks too high."),
        ("12.345", "at most two decimals"),
    ],
)
def test_a_bad_price_is_explained_and_nothing_is_saved(client, seller, price, message):
    before = stored_keys()
    response = client.post("/me/products/new", data=form([("a.jpg", jpeg())], price=price))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'value="Bolsa de tuno"' in page
    assert count(Product) == 0 and count(Image) == 0
    assert stored_keys() == before


def test_photos_can_be_reordered_described_and_removed(client, make, seller):
    product = make.product(vendor=seller)
    photos = [(f"{i}.jpg", jpeg((40 * i, 100, 100))) for i in range(3)]
    client.post(f"/me/products/{product.id}/edit", data=form(photos))
    first, second, third = [p.id for p in product.photos]
    url = f"/me/products/{product.id}/photos"
    client.post(f"{url}/{third}/move", data={"direction": "up"})
    client.post(f"{url}/{first}/move", data={"direction": "up"})  # already first: nothing
    client.post(f"{url}/{second}/alt", data={"alt_text": "Bolsa vista de lado"})
    client.post(f"{url}/{first}/remove")
    db.session.expire_all()
    assert [p.id for p in product.photos] == [third, second]
    assert [p.position for p in product.photos] == [0, 1]
    assert product.photos[1].alt_text == "Bolsa vista de lado"
    assert "Bolsa vista de lado" in client.get(url).get_data(as_text=True)


def test_hiding_and_deleting(client, make, seller):
    product = make.product(vendor=seller)
    client.post(f"/me/products/{product.id}/visibility", data={"visible": "0"})
    db.session.refresh(product)
    assert not product.visible and not product.is_public
    assert client.get(f"/me/products/{product.id}/delete").status_code == 200
    client.post(f"/me/products/{product.id}/delete")
    db.session.refresh(product)
    assert product.deleted_at is not None
    page = client.get("/me/products").get_data(as_text=True)
    assert "was deleted" in page and "product-row" not in page
    assert client.get(f"/me/products/{product.id}/edit").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/edit", None),
        ("post", "/edit", {"title": "Robado", "price": "1", "category": "food", "stock": "1"}),
        ("post", "/visibility", {"visible": "0"}),
        ("get", "/delete", None),
        ("post", "/delete", {}),
        ("get", "/photos", None),
        ("post", "/photos/{photo}/move", {"direction": "down"}),
        ("post", "/photos/{photo}/alt", {"alt_text": "Robado"}),
        ("post", "/photos/{photo}/remove", {}),
    ],
)
def test_another_entrepreneurs_product_is_not_found_and_unchanged(
    client, make, seller, method, path, data
):
    theirs = make.product(title="Miel de Copán")
    image = Image(hash="f" * 32, width=10, height=10, variants=[])
    photo = ProductPhoto(product_id=theirs.id, image=image, alt_text="Miel", position=0)
    db.session.add_all([image, photo, ProductPhoto(product_id=theirs.id, image=image, position=1)])
    db.session.commit()
    url = f"/me/products/{theirs.id}" + path.format(photo=photo.id)
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 404
    db.session.expire_all()
    assert (theirs.title, theirs.visible, theirs.deleted_at) == ("Miel de Copán", True, None)
    assert [(p.id, p.alt_text) for p in theirs.photos][0] == (photo.id, "Miel")


def test_a_photo_of_another_product_is_not_found(client, make, seller):
    mine = make.product(vendor=seller)
    theirs = make.product()
    image = Image(hash="e" * 32, width=10, height=10, variants=[])
    photo = ProductPhoto(product_id=theirs.id, image=image, alt_text="Miel")
    db.session.add(photo)
    db.session.commit()
    response = client.post(f"/me/products/{mine.id}/photos/{photo.id}/remove")
    assert response.status_code == 404
    assert db.session.get(ProductPhoto, photo.id) is not None


def test_organisers_hide_a_product_with_a_reason_and_it_is_audited(client, make, auth):
    product = make.product()
    organiser = make.organizer()
    auth.login(organiser.email)
    url = f"/admin/products/{product.id}/moderate"
    assert client.post(url, data={"reason": ""}).status_code == 422
    client.post(url, data={"reason": "La foto muestra un número de teléfono."})
    db.session.refresh(product)
    assert product.moderated_at is not None and not product.is_public
    [entry] = history("product", product.id)
    assert entry.action == "product.hidden" and entry.actor_id == organiser.id
    assert entry.details == {"reason": "La foto muestra un número de teléfono."}
    # The entrepreneur sees why, and showing it again does not undo the organisers' decision.
    auth.logout()
    auth.login(product.vendor.user.email)
    client.post(f"/me/products/{product.id}/visibility", data={"visible": "1"})
    db.session.refresh(product)
    assert not product.is_public
    assert "La foto muestra un número de teléfono." in client.get("/me/products").get_data(
        as_text=True
    )
    auth.logout()
    auth.login(organiser.email)
    client.post(url, data={"action": "restore"})
    db.session.refresh(product)
    assert product.is_public
    assert [e.action for e in history("product", product.id)][0] == "product.restored"


def test_an_entrepreneur_cannot_moderate(client, make, seller):
    product = make.product()
    response = client.post(f"/admin/products/{product.id}/moderate", data={"reason": "x"})
    assert response.status_code == 403
    db.session.refresh(product)
    assert product.moderated_at is None and history("product", product.id) == []


def test_the_list_is_paginated_and_always_offers_the_next_product(client, make, seller):
    for i in range(25):
        make.product(vendor=seller, title=f"Jabón {i:02d}")
    first = client.get("/me/products").get_data(as_text=True)
    assert "Jabón 24" in first and "Jabón 00" not in first and "/me/products/new" in first
    assert "Jabón 00" in client.get("/me/products?page=2").get_data(as_text=True)


def test_spanish_is_the_default(client, make, auth):
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)  # signing in remembers the language
    vendor = make.product_vendor()
    auth.login(vendor.user.email)
    response = client.post("/me/products/new", data=form(price="-3", stock=""))
    page = response.get_data(as_text=True)
    assert "El precio no puede ser negativo." in page
    assert "Por favor escriba cuántas unidades tiene, o marque «Hecho a pedido»." in page
    client.post("/me/products/new", data=form(stock="", made_to_order="y"))
    assert "Hecho a pedido" in client.get("/me/products").get_data(as_text=True)


def test_the_list_loads_photos_in_a_fixed_number_of_queries(app, client, make, seller):
    for i in range(6):
        client.post("/me/products/new", data=form([(f"{i}.jpg", jpeg((i * 30, 60, 90)))]))
    statements = []

    def count_statement(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        page = client.get("/me/products").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    assert page.count("<picture>") == 6
    assert len(statements) <= 8, len(statements)
