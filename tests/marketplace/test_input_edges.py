"""Input edges across the whole app: ids past what a column holds, huge numbers in query strings
and forms, never answered with a 5xx.

Every rule of app.url_map with an `id` argument is requested with 2**63, 2**31 and 0 (the
converter answers 404 before any view runs) and with 2**31-1 (a valid id that names nothing, so
the view itself must answer), by GET and by POST where the rule takes them, signed in as an admin,
an organiser and an entrepreneur with a shop.
"""

import re

import pytest

from marketplace.app import create_app
from marketplace.core.auth.models import Role
from marketplace.core.inputs import MAX_ID, IdConverter
from tests.signin import sign_in

PASSWORD = "correct-horse-9"
OUT_OF_RANGE = (2**63, 2**31, 0)


def _rules():
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        if not any(isinstance(c, IdConverter) for c in rule._converters.values()):
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((rule.rule, method))
    return sorted(set(found))


RULES = _rules()


def _path(rule: str, value: int) -> str:
    """The rule with `value` for every id and the first choice of any other argument."""
    path = re.sub(r"<id:[a-z_]+>", str(value), rule)
    return re.sub(r"<any\(([a-z_]+)[^>]*>", lambda m: m.group(1), path)


def _case(rule: str, method: str):
    return pytest.param(rule, method, id=f"{method} {rule}")


@pytest.fixture
def clients(app, make):
    make.admin(email="admin@example.hn")
    make.user(email="org@example.hn", role=Role.ORGANIZER)
    make.shop(email="rosa@example.hn")
    signed_in = {"anonymous": app.test_client()}
    for role, email in (
        ("admin", "admin@example.hn"),
        ("organiser", "org@example.hn"),
        ("entrepreneur", "rosa@example.hn"),
    ):
        client = app.test_client()
        answer = sign_in(client, email)
        assert answer.status_code in (302, 303), role
        signed_in[role] = client
    return signed_in


def test_the_walk_finds_the_rules_with_ids():
    assert len(RULES) > 30
    assert ("/products/<id:product_id>", "GET") in RULES
    assert ("/api/v1/products/<id:product_id>", "GET") in RULES


@pytest.mark.parametrize(("rule", "method"), [_case(r, m) for r, m in RULES])
def test_no_id_answers_5xx(clients, rule, method):
    failures = []
    for value in (*OUT_OF_RANGE, MAX_ID):
        path = _path(rule, value)
        for role, client in clients.items():
            response = client.open(path, method=method, data={})
            if response.status_code >= 500:
                failures.append(f"{role} {method} {path} -> {response.status_code}")
            elif value in OUT_OF_RANGE and method == "GET" and response.status_code != 404:
                failures.append(f"{role} GET {path} -> {response.status_code}, expected 404")
    assert not failures, "\n".join(failures)


def test_a_product_id_past_64_bits_is_not_found(client):
    assert client.get("/products/9223372036854775808").status_code == 404
    assert client.get("/api/v1/products/9223372036854775808").status_code == 404
    body = client.get("/api/v1/products/2147483648").get_json()
    assert body["error"]["code"] == "not_found"


@pytest.mark.parametrize("product_id", [2**63, 2**31])
def test_adding_a_product_id_past_the_column_to_the_cart_is_refused(client, product_id):
    response = client.post("/cart/add", data={"product_id": str(product_id), "quantity": "1"})
    assert response.status_code < 500


def test_a_huge_quantity_for_the_cart_is_not_a_5xx(client, make):
    product = make.shop(email="ana@example.hn").products[0]
    response = client.post("/cart/add", data={"product_id": product.id, "quantity": str(2**63)})
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"min_price": str(2**63)}, "price_too_high"),
        ({"max_price": str(2**31)}, "price_too_high"),
        ({"max_price": "1e400"}, "price_too_high"),
        ({"min_price": "NaN"}, "invalid_price"),
        ({"limit": "1_0"}, "invalid_limit"),
        ({"limit": "١٢"}, "invalid_limit"),
        ({"cursor": "x" * 5000}, "invalid_cursor"),
        ({"cursor": "WyJuZXdlc3QiLFsiMjAyNiIsOTIyMzM3MjAzNjg1NDc3NTgwOF1d.abc"}, "invalid_cursor"),
        ({"vendor": "ana\x00"}, "unknown_vendor"),
    ],
)
def test_catalogue_query_edges_answer_400_in_the_api(client, query, code):
    response = client.get("/api/v1/products", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


@pytest.mark.parametrize("limit", [str(2**63), str(2**31), "99999999999999999999999"])
def test_a_huge_limit_is_capped(client, limit):
    assert client.get("/api/v1/products", query_string={"limit": limit}).status_code == 200
    assert client.get("/api/v1/fairs", query_string={"limit": limit}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"min_price": str(2**63)},
        {"max_price": str(2**31)},
        {"limit": str(2**63)},
        {"cursor": "no-es-un-cursor"},
        {"page": str(2**63)},
        {"q": "café\x00"},
        {"fair": "feria\x00"},
        {"vendor": "a\u202eb"},
        {"category": "x" * 500},
    ],
)
def test_catalogue_pages_carry_on_with_a_notice(client, query):
    response = client.get("/catalog", query_string=query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "cursor",
    [
        # base64 of "2026-08-15|9223372036854775808" and "2026-08-15|0": ids no fair can have
        "MjAyNi0wOC0xNXw5MjIzMzcyMDM2ODU0Nzc1ODA4",
        "MjAyNi0wOC0xNXww",
        "OTk5OS0xMi0zMXwx",
    ],
)
def test_a_fairs_cursor_naming_an_impossible_id_is_refused(client, cursor):
    response = client.get("/api/v1/fairs", query_string={"cursor": cursor})
    assert response.status_code in (200, 400)
    if "OTk5" not in cursor:
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "bad_query"


@pytest.mark.parametrize("slug", ["feria%00", "a%E2%80%AEb", "x" * 300])
def test_a_slug_with_control_characters_is_not_found(client, slug):
    assert client.get(f"/api/v1/fairs/{slug}").status_code == 404
    assert client.get(f"/api/v1/vendors/{slug}").status_code == 404
    assert client.get(f"/vendors/{slug}").status_code == 404


@pytest.mark.parametrize(
    ("product", "quantity"),
    [
        *[
            (p, "1")
            for p in (str(2**63), str(2**31), "²", "1" * 30, "0", "-1", "12\x00", "{'x': 1}")
        ],
        ("", str(2**63)),
        ("", "²"),
    ],
)
def test_the_booth_sale_form_never_answers_5xx(clients, product, quantity):
    form = {
        "client_key": "edge-0000001",
        "product": product,
        "description": "Bolsa",
        "quantity": quantity,
        "price": "150",
        "payment_method": "cash",
    }
    response = clients["entrepreneur"].post("/me/sell", data=form)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "data",
    [
        {"client_key": "edge-0000001", "quantity": 1, "unit_price": 100, "payment_method": "cash"},
        {"client_key": "edge-0000001", "description": ["a"], "quantity": 1},
        {"client_key": "edge-0000001", "product_id": 2**64, "quantity": 2**64, "unit_price": 1},
        {"client_key": "edge-0000001", "product_id": 1.5, "quantity": 1, "unit_price": 1},
        {"client_key": "edge-0000001", "product_id": True, "quantity": 1, "unit_price": 1},
        {"client_key": "edge-0000001", "description": "ok", "recorded_at": {"t": 1}},
    ],
)
def test_the_sales_api_answers_a_wrong_body_with_4xx_and_stores_nothing(clients, data):
    from marketplace.core.database import db
    from vendors.sales.models import Sale

    response = clients["entrepreneur"].post("/api/v1/sales", json=data)
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]["code"]
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 0
