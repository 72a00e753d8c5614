"""Completing and editing a business profile, and the bad input around it."""

import io
import re

import pytest

from marketplace.core.database import db
from marketplace.core.storage import get_storage
from tests.vendors.conftest import png_bytes, profile_data
from vendors.products.models import Product
from vendors.profiles.contact import normalise_phone, whatsapp_link
from vendors.profiles.models import VendorProfile, VendorStatus


def count_profiles() -> int:
    return db.session.scalar(db.select(db.func.count(VendorProfile.id)))


@pytest.fixture
def entrepreneur(auth, make):
    user = make.user(email="rosa@example.hn", name="Rosa Ortiz")
    auth.login("rosa@example.hn")
    return user


def test_after_registering_the_entrepreneur_lands_on_the_profile_form(client, mailbox):
    client.post(
        "/register",
        data={
            "name": "Rosa Ortiz",
            "email": "rosa@example.hn",
            "password": "buena-clave-1",
            "confirm": "buena-clave-1",
        },
    )
    [(_subject, body)] = mailbox("rosa@example.hn")
    response = client.post(re.search(r"http://localhost(/register/confirm/\S+)", body).group(1))
    assert response.headers["Location"] == "/me/profile"
    page = client.get("/me/profile").get_data(as_text=True)
    assert "Complete su perfil" in page


def test_the_dashboard_asks_for_a_profile_first(client, entrepreneur):
    page = client.get("/me").get_data(as_text=True)
    assert "Paso 1: complete su perfil" in page
    assert 'href="/me/profile"' in page


def test_a_completed_profile_waits_for_verification(client, entrepreneur):
    response = client.post("/me/profile", data=profile_data())
    assert response.headers["Location"] == "/me"
    vendor = db.session.scalar(db.select(VendorProfile))
    assert vendor.user_id == entrepreneur.id
    assert vendor.slug == "cafe-dona-rosa"
    assert vendor.status == VendorStatus.PENDING.value
    assert vendor.phone == "+50498765432"
    assert vendor.whatsapp == "+50433124455"
    assert vendor.returned_year == 2019
    # Contact numbers stay private until the entrepreneur switches them on.
    assert not vendor.show_phone and not vendor.show_whatsapp
    page = client.get("/me").get_data(as_text=True)
    assert "Pendiente de verificación" in page
    assert "Café Doña Rosa" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "1234-5678", "Este no es un número de Honduras"),
        ("phone", "+1 305 555 1234", "Este no es un número de Honduras"),
        ("whatsapp", "9876-543", "Este no es un número de Honduras"),
        ("business_name", "", "Escriba el nombre de su negocio."),
        ("business_name", "N" * 121, "como máximo 120 caracteres"),
        ("story", "x" * 2001, "como máximo 2000 caracteres"),
        ("municipality", "", "Escriba su municipio."),
        ("category", "armas", "Elija una categoría de la lista."),
        ("department", "Texas", "Elija un departamento de la lista."),
        ("returned_year", "dos mil", "Escriba el año con cuatro dígitos"),
        ("returned_year", "1800", "Escriba el año con cuatro dígitos"),
        ("gender", "robot", "Elija una opción de la lista."),
    ],
)
def test_bad_profile_input_is_explained_and_nothing_is_saved(
    client, entrepreneur, field, value, message
):
    response = client.post("/me/profile", data=profile_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_profiles() == 0


def test_english_speakers_read_the_phone_rule_in_english(client, entrepreneur):
    response = client.post(
        "/me/profile",
        data=profile_data(phone="555-1234"),
        headers={"Accept-Language": "en"},
    )
    assert "This is not a Honduran number." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("98765432", "+50498765432"),
        ("9876-5432", "+50498765432"),
        ("+504 9876 5432", "+50498765432"),
        ("504-2234-5678", "+50422345678"),
        ("(504) 3312.4455", "+50433124455"),
        ("7712 3456", "+50477123456"),
        ("88123456", "+50488123456"),
        ("1234 5678", None),
        ("6123 4567", None),
        ("987654321", None),
        ("+1 305 555 1234", None),
        ("ocho", None),
    ],
)
def test_honduran_numbers_are_normalised(typed, stored):
    assert normalise_phone(typed) == stored


def test_html_in_the_story_is_shown_as_plain_text(client, auth, make, entrepreneur):
    story = '<script>alert("x")</script>\n<b>Segunda</b> línea'
    client.post("/me/profile", data=profile_data(story=story))
    vendor = db.session.scalar(db.select(VendorProfile))
    assert vendor.story == story  # kept as typed, escaped whenever shown
    make.organizer(email="org@example.hn")
    auth.login("org@example.hn")
    page = client.get(f"/admin/vendors/{vendor.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert" not in page
    assert "&lt;b&gt;Segunda&lt;/b&gt;" in page


def test_a_second_business_with_the_same_name_gets_its_own_address(client, make, entrepreneur):
    make.vendor(business_name="Café Doña Rosa", slug="cafe-dona-rosa")
    response = client.post("/me/profile", data=profile_data())
    assert response.status_code == 302
    mine = db.session.scalar(
        db.select(VendorProfile).where(VendorProfile.user_id == entrepreneur.id)
    )
    assert mine.slug == "cafe-dona-rosa-2"


def test_editing_keeps_the_address_that_qr_codes_point_to(client, entrepreneur):
    client.post("/me/profile", data=profile_data())
    response = client.post("/me/profile", data=profile_data(business_name="Café Rosa y Familia"))
    assert response.headers["Location"] == "/me"
    vendor = db.session.scalar(db.select(VendorProfile))
    assert 'value="9876-5432"' in client.get("/me/profile").get_data(as_text=True)
    assert vendor.business_name == "Café Rosa y Familia"
    assert vendor.slug == "cafe-dona-rosa"
    assert count_profiles() == 1


def test_a_verified_entrepreneur_sees_the_way_to_their_public_page(client, make, entrepreneur):
    make.vendor(user=entrepreneur, slug="tejidos-lenca")
    page = client.get("/me").get_data(as_text=True)
    assert "Verificado" in page
    assert 'href="/vendors/tejidos-lenca"' in page


def test_a_corrected_rejected_profile_goes_back_to_the_queue(client, make, entrepreneur):
    make.vendor(user=entrepreneur, status=VendorStatus.REJECTED, status_reason="Falta municipio")
    page = client.get("/me").get_data(as_text=True)
    assert "Rechazado" in page and "Falta municipio" in page
    client.post("/me/profile", data=profile_data())
    vendor = db.session.scalar(db.select(VendorProfile))
    assert vendor.status == VendorStatus.PENDING.value


def test_a_logo_is_stored_as_clean_variants(client, entrepreneur):
    data = profile_data()
    data["logo_file"] = (io.BytesIO(png_bytes()), "logo.png")
    response = client.post("/me/profile", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    vendor = db.session.scalar(db.select(VendorProfile))
    assert vendor.logo is not None
    for variant in vendor.logo.variants:
        assert get_storage().exists(variant["key"])
    assert 'class="profile-logo" src="/media/img/' in client.get("/me").get_data(as_text=True)


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_saved(client, entrepreneur):
    data = profile_data()
    data["logo_file"] = (io.BytesIO(b"%PDF-1.4 not a photo"), "logo.jpg")
    response = client.post("/me/profile", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "No podemos leer este archivo como foto." in response.get_data(as_text=True)
    assert count_profiles() == 0


def test_whatsapp_link_only_when_published_and_names_the_product(make):
    vendor = make.vendor(whatsapp="+50433124455", business_name="Tejidos Lenca")
    product = Product(vendor_id=vendor.id, title="Bolso lenca", category="textiles", price=125000)
    assert whatsapp_link(vendor) is None
    vendor.show_whatsapp = True
    link = whatsapp_link(vendor, product)
    assert link.startswith("https://wa.me/50433124455?text=")
    assert "Bolso%20lenca" in link
    assert "L%201%2C250.00" in link
    assert "Mercado%20Retorno" in link
    assert "Tejidos%20Lenca" in whatsapp_link(vendor)
