"""An entrepreneur downloads all their data or deletes the account; nobody else's is reachable."""

import io
import json
import zipfile

import pytest

from marketplace.core.auth.models import User
from marketplace.core.database import db
from marketplace.core.storage import get_storage
from tests.factories import PASSWORD
from tests.vendors.conftest import png_bytes
from vendors.products.models import Product, ProductPhoto
from vendors.profiles import privacy
from vendors.profiles.logo import store_image
from vendors.profiles.models import VendorProfile
from vendors.sales.models import Sale


@pytest.fixture
def rosa(make):
    """A verified entrepreneur with a logo, a product with a photo, and a sale."""
    user = make.user(email="rosa@example.hn", name="Rosa Ortiz")
    vendor = make.vendor(
        user=user,
        business_name="Café Doña Rosa",
        phone="+50498765432",
        story="Mi historia",
        gender="woman",
    )
    vendor.logo = store_image(png_bytes(colour=(10, 20, 30)))
    product = Product(vendor=vendor, title="Café molido", category="coffee_cacao", price=15000)
    db.session.add(product)
    product.photos.append(ProductPhoto(image=store_image(png_bytes(colour=(90, 60, 30)))))
    db.session.add(
        Sale(
            vendor=vendor,
            product=product,
            description="Café molido",
            quantity=2,
            unit_price=15000,
            total=30000,
            payment_method="cash",
            client_key="k-1",
        )
    )
    db.session.commit()
    return vendor


def download(client) -> zipfile.ZipFile:
    with client.get("/me/export") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_export_holds_the_profile_products_sales_and_photos(client, auth, make, rosa):
    make.vendor(business_name="Otro Negocio")
    auth.login("rosa@example.hn")
    archive = download(client)
    data = json.loads(archive.read("mercado-retorno.json"))
    assert data["account"]["email"] == "rosa@example.hn"
    assert data["profile"]["business_name"] == "Café Doña Rosa"
    assert data["profile"]["phone"] == "+50498765432"
    assert [p["title"] for p in data["products"]] == ["Café molido"]
    assert data["sales"][0]["total_centavos"] == 30000
    names = archive.namelist()
    assert any(n.startswith("files/logo.") for n in names)
    assert any(n.startswith("files/product-") for n in names)
    assert "Otro Negocio" not in json.dumps(data, ensure_ascii=False)


def test_other_areas_add_their_part_to_the_export(client, auth, monkeypatch, rosa):
    monkeypatch.setitem(
        privacy.EXPORT_SECTIONS, "applications", lambda vendor: [{"fair": "Feria de Tegucigalpa"}]
    )
    auth.login("rosa@example.hn")
    data = json.loads(download(client).read("mercado-retorno.json"))
    assert data["applications"] == [{"fair": "Feria de Tegucigalpa"}]


def test_someone_without_a_profile_can_export_their_account(client, auth, make):
    make.user(email="nueva@example.hn")
    auth.login("nueva@example.hn")
    data = json.loads(download(client).read("mercado-retorno.json"))
    assert data["account"]["email"] == "nueva@example.hn"
    assert "profile" not in data


def test_a_wrong_password_deletes_nothing(client, auth, rosa):
    auth.login("rosa@example.hn")
    response = client.post("/me/delete", data={"password": "no-es-esta"})
    assert response.status_code == 422
    assert "La contraseña no es correcta. No se eliminó nada." in response.get_data(as_text=True)
    db.session.refresh(rosa)
    assert rosa.business_name == "Café Doña Rosa" and rosa.deleted_at is None


def test_deleting_removes_the_person_and_keeps_anonymous_sales(client, auth, rosa, mailbox):
    keys = [v["key"] for v in rosa.logo.variants]
    keys += [v["key"] for v in rosa.products[0].photos[0].image.variants]
    vendor_id, user_id = rosa.id, rosa.user_id
    auth.login("rosa@example.hn")
    response = client.post("/me/delete", data={"password": PASSWORD})
    assert response.headers["Location"] == "/"
    db.session.expire_all()
    vendor = db.session.get(VendorProfile, vendor_id)
    assert vendor.business_name == "—"
    assert vendor.user_id is None and vendor.deleted_at is not None
    assert vendor.phone is None and vendor.story == "" and vendor.gender is None
    assert vendor.slug.startswith("eliminado-")
    assert vendor.logo_id is None
    assert not vendor.is_verified
    assert db.session.scalar(db.select(VendorProfile.id).where(VendorProfile.is_listed())) is None
    product = db.session.scalar(db.select(Product))
    assert product.deleted_at is not None and not product.visible and product.photos == []
    sale = db.session.scalar(db.select(Sale))
    assert sale.vendor_id == vendor_id and sale.total == 30000
    user = db.session.get(User, user_id)
    assert user.email != "rosa@example.hn" and user.name == "" and not user.active
    assert not any(get_storage().exists(key) for key in keys)
    # Signed out, cannot sign in again, and the e-mail is free to register anew.
    assert client.get("/me").status_code == 302
    assert auth.login("rosa@example.hn").status_code == 401
    again = {"name": "Rosa", "email": "rosa@example.hn", "password": "otra-clave-9"}
    assert client.post("/register", data={**again, "confirm": "otra-clave-9"}).status_code == 303
    [(subject, _body)] = mailbox("rosa@example.hn")
    assert subject == "Confirme su correo en Mercado Retorno"  # a new account, not the old one


def test_another_entrepreneurs_profile_is_never_reachable(client, auth, make, rosa):
    make.user(email="otra@example.hn")
    auth.login("otra@example.hn")
    # Their own pages show only their own (empty) data...
    assert "Café Doña Rosa" not in client.get("/me").get_data(as_text=True)
    assert "Café Doña Rosa" not in client.get("/me/profile").get_data(as_text=True)
    # ...and the organisers' pages about Rosa are closed to them.
    assert client.get(f"/admin/vendors/{rosa.id}").status_code == 403
    assert client.post(f"/admin/vendors/{rosa.id}/edit", data={}).status_code == 403
