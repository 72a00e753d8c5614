"""Recording sales from the booth: the JSON API the offline queue uses, and the plain form."""

import re

import pytest

from marketplace.core.database import db
from tests.panels import render_panel
from vendors.photos.models import Image
from vendors.products.models import Product, ProductPhoto
from vendors.sales.models import Sale

API = "/api/v1/sales"


@pytest.fixture
def shop(make, auth):
    shop = make.shop(email="rosa@example.hn", stock=10, price=150_00)
    auth.login("rosa@example.hn")
    return shop


def sale_body(product, **kw):
    body = {
        "client_key": "3f2b8c1e-venta-0001",
        "product_id": product.id,
        "quantity": 2,
        "unit_price": 135_00,
        "payment_method": "cash",
        "recorded_at": "2026-11-28T16:05:00.000Z",
    }
    return body | kw


def count_sales() -> int:
    return db.session.scalar(db.select(db.func.count(Sale.id)))


def stock_of(product) -> int:
    return db.session.scalar(db.select(Product.stock).where(Product.id == product.id))


def test_a_sale_is_recorded_once_and_a_repeat_answers_the_same_sale(client, shop):
    product = shop.products[0]
    first = client.post(API, json=sale_body(product))
    assert first.status_code == 201
    sale = first.get_json()
    assert sale["client_key"] == "3f2b8c1e-venta-0001"
    assert (sale["total"], sale["currency"], sale["quantity"]) == (270_00, "HNL", 2)
    again = client.post(API, json=sale_body(product))
    assert again.status_code == 200
    assert again.get_json()["id"] == sale["id"]
    assert count_sales() == 1
    assert stock_of(product) == 8


def test_a_free_text_item_is_recorded(client, shop):
    body = {
        "client_key": "suelto-00001",
        "description": "Bolsa reutilizable",
        "quantity": 1,
        "unit_price": 25_00,
        "payment_method": "transfer",
    }
    response = client.post(API, json=body)
    assert response.status_code == 201
    assert response.get_json()["description"] == "Bolsa reutilizable"
    assert response.get_json()["product_id"] is None


@pytest.mark.parametrize(
    ("change", "status", "code", "message"),
    [
        ({"quantity": 0}, 400, "invalid_quantity", "cantidad"),
        ({"quantity": -3}, 400, "invalid_quantity", "cantidad"),
        ({"quantity": 2.5}, 400, "invalid_quantity", "cantidad"),
        ({"unit_price": 0}, 400, "invalid_price", "precio"),
        ({"unit_price": 100_000_01}, 400, "invalid_price", "L 100,000.00"),
        ({"unit_price": "150"}, 400, "invalid_price", "precio"),
        ({"payment_method": "bitcoin"}, 400, "invalid_payment_method", "efectivo"),
        ({"payment_method": "online"}, 400, "invalid_payment_method", "efectivo"),
        ({"client_key": "corta"}, 400, "invalid_client_key", "clave"),
        ({"client_key": "tiene espacios 123"}, 400, "invalid_client_key", "clave"),
        ({"client_key": "x" * 65}, 400, "invalid_client_key", "clave"),
        ({"client_key": None}, 400, "invalid_client_key", "clave"),
        ({"client_key": "venta\x00-0001"}, 400, "invalid_client_key", "clave"),
        ({"client_key": "venta\u202e-0001"}, 400, "invalid_client_key", "clave"),
        ({"product_id": 999_999}, 404, "product_not_found", "producto"),
        ({"product_id": "abc"}, 400, "invalid_product_id", "producto"),
        ({"product_id": {"id": 1}}, 400, "invalid_product_id", "producto"),
        ({"product_id": 2**63}, 404, "product_not_found", "producto"),
        ({"product_id": 2**31}, 404, "product_not_found", "producto"),
        ({"quantity": 2**63}, 400, "invalid_quantity", "cantidad"),
        ({"unit_price": 2**64}, 400, "invalid_price", "precio"),
        ({"unit_price": {"L": 1}}, 400, "invalid_price", "precio"),
        ({"payment_method": ["cash"]}, 400, "invalid_payment_method", "efectivo"),
        ({"client_key": {"k": "abcdefghij"}}, 400, "invalid_client_key", "clave"),
        ({"recorded_at": 5}, 400, "invalid_recorded_at", "fecha"),
        ({"recorded_at": "0001-01-01T00:00:00+05:00"}, 400, "invalid_recorded_at", "fecha"),
        (
            {"product_id": None, "description": "Bolsa\x00"},
            422,
            "forbidden_characters",
            "invisibles",
        ),
        (
            {"product_id": None, "description": "Bolsa\u202egnp"},
            422,
            "forbidden_characters",
            "invisibles",
        ),
        ({"product_id": None, "description": {"x": 1}}, 400, "invalid_description", "escriba"),
        ({"product_id": None, "description": ""}, 400, "invalid_description", "escriba"),
        ({"product_id": None, "description": 12}, 400, "invalid_description", "escriba"),
        ({"recorded_at": "ayer"}, 400, "invalid_recorded_at", "fecha"),
        ({"recorded_at": "2020-01-01T10:00:00Z"}, 400, "recorded_at_out_of_range", "fecha"),
    ],
)
def test_bad_sales_are_refused_in_spanish_and_change_nothing(
    client, shop, change, status, code, message
):
    product = shop.products[0]
    response = client.post(API, json=sale_body(product, **change))
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert message in error["message"].lower() or message in error["message"]
    assert count_sales() == 0
    assert stock_of(product) == 10


def test_a_sale_of_another_vendors_product_is_refused(client, shop, make):
    other = make.shop(stock=5)
    response = client.post(API, json=sale_body(other.products[0]))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "product_not_found"
    assert count_sales() == 0
    assert stock_of(other.products[0]) == 5


def test_a_reused_key_with_other_content_conflicts_and_keeps_the_first(client, shop):
    product = shop.products[0]
    client.post(API, json=sale_body(product, quantity=1))
    response = client.post(API, json=sale_body(product, quantity=4))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "client_key_reused"
    assert "primera venta" in response.get_json()["error"]["message"]
    assert db.session.scalar(db.select(Sale.quantity)) == 1
    assert stock_of(product) == 9


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("no es json", "application/json"),
        ("[1, 2]", "application/json"),
        ('{"client_key": "abcdefgh12"}', "text/plain"),
        ("[" * 5000 + "]" * 5000, "application/json"),  # nested past Python's recursion limit
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(client, shop, data, content_type):
    response = client.post(API, data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    assert count_sales() == 0


def test_an_oversized_body_is_refused(client, shop):
    body = sale_body(shop.products[0], description="x" * 10_000)
    response = client.post(API, json=body)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert count_sales() == 0


def test_an_organiser_cannot_record_sales(client, make, auth):
    shop = make.shop()
    make.organizer(email="org@example.hn")
    auth.login("org@example.hn")
    response = client.post(API, json=sale_body(shop.products[0]))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert count_sales() == 0


def test_signed_out_sales_get_a_json_401(client, make):
    shop = make.shop()
    response = client.post(API, json=sale_body(shop.products[0]))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "sign_in_required"


def test_an_entrepreneur_without_a_profile_is_told_to_complete_it(client, make, auth):
    make.user(email="nueva@example.hn")
    auth.login("nueva@example.hn")
    response = client.post(API, json={"client_key": "abcdefgh12"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "no_profile"
    assert "perfil" in client.get("/me/sell").get_data(as_text=True)


def test_the_api_needs_the_csrf_header(client, shop, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    product = shop.products[0]
    refused = client.post(API, json=sale_body(product))
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert count_sales() == 0
    token = client.get("/api/v1/me/products").get_json()["csrf_token"]
    accepted = client.post(API, json=sale_body(product), headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_my_products_lists_only_my_products_with_price_and_stock(client, shop, make):
    make.shop()
    items = client.get("/api/v1/me/products").get_json()["items"]
    assert sorted(i["id"] for i in items) == sorted(p.id for p in shop.products)
    assert items[0]["price"] == 150_00 and items[0]["stock"] == 10


# --- the screen, with and without JavaScript -----------------------------------------------


def test_the_screen_shows_products_as_big_buttons_with_price_and_stock(client, shop):
    page = client.get("/me/sell")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Registrar venta" in html
    assert shop.products[0].title in html
    assert "L 150.00" in html
    assert "Existencias: 10" in html
    assert 'src="/static/js/sell.js"' in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_a_product_photo_shows_on_its_button_in_its_smallest_size(client, shop):
    image = Image(
        hash="a" * 64,
        width=1280,
        height=960,
        variants=[
            {"width": w, "height": w * 3 // 4, "format": f, "key": f"ab/foto-{w}.{f}"}
            for w in (1280, 320)
            for f in ("webp", "jpeg")
        ],
    )
    db.session.add(ProductPhoto(product=shop.products[0], image=image))
    db.session.commit()
    html = client.get("/me/sell").get_data(as_text=True)
    assert 'src="/media/ab/foto-320.webp"' in html
    photo = client.get("/api/v1/me/products").get_json()["items"][0]["photo"]
    assert photo == "/media/ab/foto-320.webp"


def test_the_plain_form_records_a_sale_with_the_products_price(client, shop):
    product = shop.products[0]
    data = {
        "client_key": "form-key-0001",
        "product": str(product.id),
        "quantity": "3",
        "price": "",
        "payment_method": "card",
    }
    response = client.post("/me/sell", data=data)
    assert response.status_code == 303
    again = client.post("/me/sell", data=data)
    assert again.status_code == 303
    sale = db.session.scalar(db.select(Sale))
    assert (sale.total, sale.payment_method, count_sales()) == (450_00, "card", 1)
    assert "L 450.00" in client.get("/me/sell").get_data(as_text=True)


def test_the_plain_form_takes_a_discounted_price_in_lempiras(client, shop):
    data = {"product": str(shop.products[0].id), "quantity": "1", "payment_method": "cash"}
    assert client.post("/me/sell", data=data | {"price": "120.5"}).status_code == 303
    assert client.post("/me/sell", data=data | {"price": "L 1,250"}).status_code == 303
    prices = db.session.scalars(db.select(Sale.unit_price).order_by(Sale.id)).all()
    assert prices == [120_50, 1250_00]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quantity": "0"}, "La cantidad debe ser"),
        ({"price": "gratis"}, "Escriba el precio como un número"),
        ({"payment_method": "trueque"}, "Elija cómo se pagó"),
        ({"quantity": "dos"}, "Escriba un número entero"),
        ({"product": "", "description": ""}, "Escriba el precio"),
        ({"product": "", "description": "", "price": "20"}, "escriba lo que vendió"),
    ],
)
def test_the_plain_form_explains_bad_input(client, shop, data, message):
    base = {"product": str(shop.products[0].id), "quantity": "1", "payment_method": "cash"}
    response = client.post("/me/sell", data=base | data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_sales() == 0


def test_voiding_from_todays_list_restores_stock_and_shows_the_reason(client, shop, make):
    product = shop.products[0]
    sale = make.sale(shop, product, quantity=2)
    url = f"/me/sell/sales/{sale.id}/void"
    assert client.post(url, data={"reason": "Me equivoqué de producto"}).status_code == 303
    page = client.get("/me/sell").get_data(as_text=True)
    assert "Anulada" in page and "Me equivoqué de producto" in page
    assert stock_of(product) == 10
    twice = client.post(url, data={"reason": "Otra vez"})
    assert twice.status_code == 409
    assert "ya estaba anulada" in twice.get_data(as_text=True)
    assert stock_of(product) == 10


def test_a_void_without_a_reason_changes_nothing(client, shop, make):
    sale = make.sale(shop, shop.products[0])
    response = client.post(f"/me/sell/sales/{sale.id}/void", data={"reason": ""})
    assert response.status_code == 422
    assert not db.session.get(Sale, sale.id).is_void


def test_another_vendors_sale_cannot_be_voided(client, shop, make):
    other = make.shop(stock=5)
    sale = make.sale(other, other.products[0])
    response = client.post(f"/me/sell/sales/{sale.id}/void", data={"reason": "No es mía"})
    assert response.status_code == 404
    assert not db.session.get(Sale, sale.id).is_void
    assert stock_of(other.products[0]) == 4


def test_the_service_worker_is_served_for_the_sales_screen(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200
        assert response.headers["Service-Worker-Allowed"] == "/me/sell"
        assert "javascript" in response.content_type
        assert "/api/v1/me/products" in response.get_data(as_text=True)


def test_the_dashboard_panel_shows_todays_total(app, client, shop, make):
    make.sale(shop, shop.products[0], quantity=2)
    with app.test_request_context():
        html = render_panel("vendors/_dash_sales.html", shop.user)
    assert "L 300.00" in html
    assert re.search(r'href="/me/sell"', html)


def ticket_body(shop, **kw):
    first, second = shop.products[:2]
    body = {
        "client_key": "tiquete-0001",
        "payment_method": "cash",
        "recorded_at": "2026-11-28T16:05:00Z",
        "lines": [
            {"product_id": first.id, "quantity": 2, "unit_price": 150_00},
            {"product_id": second.id, "quantity": 1, "unit_price": 140_00},
            {"description": "Bolsa reutilizable", "quantity": 3, "unit_price": 25_00},
        ],
    }
    return body | kw


def test_a_ticket_of_several_lines_is_recorded_once(client, shop):
    first = client.post(API, json=ticket_body(shop))
    assert first.status_code == 201
    ticket = first.get_json()
    assert ticket["client_key"] == "tiquete-0001"
    assert [line["quantity"] for line in ticket["lines"]] == [2, 1, 3]
    assert ticket["total"] == 2 * 150_00 + 140_00 + 3 * 25_00
    assert ticket["lines"][2]["product_id"] is None
    assert {line["payment_method"] for line in ticket["lines"]} == {"cash"}
    again = client.post(API, json=ticket_body(shop))
    assert again.status_code == 200
    assert [x["id"] for x in again.get_json()["lines"]] == [x["id"] for x in ticket["lines"]]
    assert count_sales() == 3
    assert stock_of(shop.products[0]) == 8 and stock_of(shop.products[1]) == 9


@pytest.mark.parametrize(
    "change",
    [
        lambda body: body["lines"][0].update(quantity=5),  # a line differs
        lambda body: body["lines"].pop(),  # fewer lines
        lambda body: body["lines"].append(dict(body["lines"][2])),  # more lines
        lambda body: body.update(payment_method="card"),
    ],
)
def test_a_ticket_key_reused_for_a_different_ticket_conflicts_and_keeps_the_first(
    client, shop, change
):
    assert client.post(API, json=ticket_body(shop)).status_code == 201
    body = ticket_body(shop)
    change(body)
    response = client.post(API, json=body)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "client_key_reused"
    assert count_sales() == 3
    assert stock_of(shop.products[0]) == 8


def test_a_ticket_key_and_a_single_sale_key_cannot_be_shared(client, shop):
    product = shop.products[0]
    assert client.post(API, json=sale_body(product, client_key="compartida-01")).status_code == 201
    response = client.post(API, json=ticket_body(shop, client_key="compartida-01"))
    assert response.status_code == 409
    assert client.post(API, json=ticket_body(shop, client_key="tiquete-0002")).status_code == 201
    response = client.post(API, json=sale_body(product, client_key="tiquete-0002"))
    assert response.status_code == 409
    assert count_sales() == 4


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"lines": []}, 400, "invalid_lines"),
        ({"lines": {"a": 1}}, 400, "invalid_lines"),
        ({"lines": ["x"]}, 400, "invalid_lines"),
        (
            {"lines": [{"description": "x", "quantity": 1, "unit_price": 1}] * 51},
            400,
            "invalid_lines",
        ),
        ({"client_key": "k" * 61}, 400, "invalid_client_key"),
        ({"client_key": "tiquete\x00-01"}, 400, "invalid_client_key"),
        ({"payment_method": "bitcoin"}, 400, "invalid_payment_method"),
        (
            {"lines": [{"product_id": 2**63, "quantity": 1, "unit_price": 1}]},
            404,
            "product_not_found",
        ),
        (
            {"lines": [{"description": "a\x00", "quantity": 1, "unit_price": 1}]},
            422,
            "forbidden_characters",
        ),
        (
            {"lines": [{"description": "ok", "quantity": 0, "unit_price": 1}]},
            400,
            "invalid_quantity",
        ),
    ],
)
def test_a_bad_ticket_is_refused_whole_and_changes_nothing(client, shop, change, status, code):
    body = ticket_body(shop) | change
    if code == "invalid_quantity":
        body["lines"] = ticket_body(shop)["lines"] + change["lines"]
    response = client.post(API, json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert count_sales() == 0
    assert stock_of(shop.products[0]) == 10
