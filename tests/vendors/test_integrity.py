"""Bad and repeated input on the entrepreneurs' forms: a field missing from the post, control
characters, ids out of range, a form sent twice, a decision about a status that changed."""

import re

import pytest

from marketplace.core.audit import AuditEntry
from marketplace.core.database import db
from tests.signin import sign_in
from tests.vendors.conftest import profile_data
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.sales.models import Sale

pytestmark = pytest.mark.usefixtures("english")

CONTROL = pytest.mark.parametrize("bad", ["Café\x00", "Café \u202egnp.exe"])
CONTROL_MESSAGE = "This text contains invisible control characters."


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def key_in(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html)[1]


@pytest.fixture
def owner(auth, make):
    user = make.user(email="rosa@example.hn", name="Rosa Ortiz")
    auth.login("rosa@example.hn")
    return user


@pytest.fixture
def seller(make, auth):
    vendor = make.product_vendor()
    auth.login(vendor.user.email)
    return vendor


@pytest.fixture
def shop(make, auth):
    shop = make.shop(email="tienda@example.hn", stock=10, price=150_00)
    auth.login("tienda@example.hn")
    return shop


def product_form(**fields) -> dict:
    data = {"title": "Bolsa de tuno", "price": "250", "category": "crafts", "stock": "3"}
    return {k: v for k, v in (data | fields).items() if v is not None}


def sale_form(sold, **fields) -> dict:
    data = {
        "client_key": "form-key-0001",
        "product": str(sold.id),
        "quantity": "1",
        "price": "",
        "payment_method": "cash",
    }
    return {k: v for k, v in (data | fields).items() if v is not None}


# --- a field missing from the post ----------------------------------------------------------


def test_a_profile_posted_without_the_year_gets_a_message_and_keeps_the_year(client, owner):
    client.post("/me/profile", data=profile_data())
    vendor = db.session.scalar(db.select(VendorProfile))
    assert vendor.returned_year == 2019
    response = client.post("/me/profile", data=profile_data(returned_year=None, story="Nueva"))
    assert response.status_code == 422
    assert "This form is incomplete. Please reload the page" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (vendor.returned_year, vendor.story) == (2019, "Tostamos café en Marcala.\nDesde 2019.")


def test_an_empty_year_still_clears_it(client, owner):
    client.post("/me/profile", data=profile_data())
    assert client.post("/me/profile", data=profile_data(returned_year="")).status_code == 302
    assert db.session.scalar(db.select(VendorProfile.returned_year)) is None


def test_a_product_edit_posted_without_the_price_gets_a_message_and_changes_nothing(
    client, seller, make
):
    product = make.product(vendor=seller, price=250_00, title="Bolsa de tuno")
    response = client.post(
        f"/me/products/{product.id}/edit", data=product_form(price=None, title="Otra")
    )
    assert response.status_code == 422
    assert "Please enter a price." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (product.price, product.title) == (250_00, "Bolsa de tuno")


# --- control characters ---------------------------------------------------------------------


@CONTROL
def test_a_business_name_with_control_characters_is_refused(client, owner, bad):
    response = client.post("/me/profile", data=profile_data(business_name=bad))
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert count(VendorProfile) == 0


@CONTROL
def test_a_product_title_with_control_characters_is_refused(client, seller, bad):
    response = client.post("/me/products/new", data=product_form(title=bad))
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert count(Product) == 0


@CONTROL
def test_a_sale_description_with_control_characters_is_refused(client, shop, bad):
    data = sale_form(shop.products[0], product="", description=bad, price="20")
    response = client.post("/me/sell", data=data)
    assert response.status_code == 422
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    assert count(Sale) == 0


def test_the_spanish_screen_says_it_in_spanish(client, shop):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    data = sale_form(shop.products[0], product="", description="Jabón\x00", price="20")
    html = client.post("/me/sell", data=data).get_data(as_text=True)
    assert "Este texto contiene caracteres de control invisibles." in html


# --- numbers out of range -------------------------------------------------------------------


@pytest.mark.parametrize("product", ["2147483648", "99999999999999999999", "-1", "0"])
def test_a_sale_of_a_product_id_out_of_range_is_a_message(client, shop, product):
    response = client.post("/me/sell", data=sale_form(shop.products[0], product=product))
    assert response.status_code == 422
    assert "Choose one of your products." in response.get_data(as_text=True)
    assert count(Sale) == 0


@pytest.mark.parametrize("page", ["99999999999999999999", "0", "dos"])
def test_a_page_number_out_of_range_is_a_message(client, seller, make, page):
    response = client.get(f"/me/products?page={page}")
    assert response.status_code == 400
    assert "The page number must be a whole number from 1 to 100,000." in response.get_data(
        as_text=True
    )
    make.organizer(email="lucia@example.hn")
    sign_in(client, "lucia@example.hn")
    assert client.get(f"/admin/vendors?page={page}").status_code == 400


@pytest.mark.parametrize("stock", ["²", "١٢", "100001", "-1"])
def test_a_stock_that_is_not_a_plain_count_is_a_message(client, seller, stock):
    response = client.post("/me/products/new", data=product_form(stock=stock))
    assert response.status_code == 422
    assert "Stock must be a whole number from 0 to 100,000." in response.get_data(as_text=True)
    assert count(Product) == 0


@pytest.mark.parametrize("year", ["²⁰¹⁹", "١٩٩٩", "1800"])
def test_a_year_that_is_not_four_plain_digits_is_a_message(client, owner, year):
    response = client.post("/me/profile", data=profile_data(returned_year=year))
    assert response.status_code == 422
    assert "Write the year with four digits" in response.get_data(as_text=True)


# --- the sale form, sent twice --------------------------------------------------------------


def test_the_plain_sale_form_sent_twice_records_one_sale_and_answers_alike(client, shop):
    product = shop.products[0]
    html = client.get("/me/sell").get_data(as_text=True)
    data = sale_form(product, client_key=key_in(html, "client_key"), quantity="2")
    first = client.post("/me/sell", data=data, follow_redirects=True)
    again = client.post("/me/sell", data=data, follow_redirects=True)
    for page in (first, again):
        assert page.status_code == 200
        assert f"Sale recorded: {product.title}." in page.get_data(as_text=True)
    assert count(Sale) == 1
    assert db.session.get(Product, product.id).stock == 8


def test_a_key_reused_for_another_sale_keeps_the_first_and_offers_a_new_key(client, shop):
    product = shop.products[0]
    client.post("/me/sell", data=sale_form(product))
    response = client.post("/me/sell", data=sale_form(product, quantity="3"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already used for a different sale. The first sale was kept." in html
    fresh = key_in(html, "client_key")
    assert fresh != "form-key-0001"
    again = client.post("/me/sell", data=sale_form(product, quantity="3", client_key=fresh))
    assert again.status_code == 303
    assert db.session.scalars(db.select(Sale.quantity).order_by(Sale.id)).all() == [1, 3]


def test_selling_past_the_stock_keeps_the_sale_and_asks_for_a_recount(client, shop):
    product = shop.products[0]
    assert client.post("/me/sell", data=sale_form(product, quantity="12")).status_code == 303
    db.session.expire_all()
    assert (product.stock, product.needs_stock_check) == (0, True)
    assert count(Sale) == 1
    assert "Please count the stock again" in client.get("/me/sell").get_data(as_text=True)
    # Counting again (saving the product with a stock figure) clears the flag.
    client.post(f"/me/products/{product.id}/edit", data=product_form(title=product.title))
    db.session.expire_all()
    assert (product.stock, product.needs_stock_check) == (3, False)


# --- a new product, sent twice --------------------------------------------------------------


def test_a_new_product_sent_twice_is_made_once(client, seller):
    key = key_in(client.get("/me/products/new").get_data(as_text=True), "submission_key")
    data = product_form(submission_key=key)
    first = client.post("/me/products/new", data=data)
    again = client.post("/me/products/new", data=data)
    assert (first.status_code, again.status_code) == (303, 303)
    assert first.location == again.location
    assert count(Product) == 1
    assert "“Bolsa de tuno” was saved." in client.get(again.location).get_data(as_text=True)


def test_a_refused_new_product_can_be_corrected_and_sent_with_the_same_key(client, seller):
    key = key_in(client.get("/me/products/new").get_data(as_text=True), "submission_key")
    refused = client.post("/me/products/new", data=product_form(submission_key=key, price="0"))
    assert refused.status_code == 422
    assert count(Product) == 0
    response = client.post("/me/products/new", data=product_form(submission_key=key))
    assert response.status_code == 303
    assert count(Product) == 1


# --- verification decisions -----------------------------------------------------------------


@pytest.fixture
def organizer(auth, make):
    user = make.organizer(email="lucia@example.hn")
    auth.login("lucia@example.hn")
    return user


def decisions(vendor_id) -> int:
    return db.session.scalar(
        db.select(db.func.count(AuditEntry.id)).where(
            AuditEntry.target_id == vendor_id,
            AuditEntry.action.in_(("vendor.verified", "vendor.rejected")),
        )
    )


def test_a_decision_sent_twice_is_made_once_and_answered_alike(client, make, organizer, mailbox):
    owner = make.user(email="rosa@example.hn")
    vendor = make.vendor(user=owner, status=VendorStatus.PENDING)
    html = client.get(f"/admin/vendors/{vendor.id}").get_data(as_text=True)
    data = {"submission_key": key_in(html, "submission_key"), "seen_status": "pending"}
    first = client.post(f"/admin/vendors/{vendor.id}/verify", data=data)
    again = client.post(f"/admin/vendors/{vendor.id}/verify", data=data)
    assert (first.status_code, again.status_code) == (303, 303)
    assert first.location == again.location
    assert decisions(vendor.id) == 1
    assert len(mailbox("rosa@example.hn")) == 1


def test_a_decision_about_a_status_that_changed_meanwhile_is_refused(client, make, organizer):
    vendor = make.vendor(status=VendorStatus.VERIFIED)
    # The organiser's page still showed "pending"; rejecting a verified profile is allowed in
    # itself, but not by someone who did not see that it was verified.
    response = client.post(
        f"/admin/vendors/{vendor.id}/reject",
        data={"reason": "Falta una foto", "seen_status": "pending"},
    )
    assert response.status_code == 409
    assert "Another organiser decided about this profile a moment ago" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(VendorProfile, vendor.id).status == VendorStatus.VERIFIED.value
    assert decisions(vendor.id) == 0
