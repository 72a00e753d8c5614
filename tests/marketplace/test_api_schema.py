"""The API against its own OpenAPI document (marketplace/catalog/openapi.json), with schemathesis.

Every operation of /api/v1 is called with generated requests: valid ones must be answered as the
document says (status, content type, body, headers) and nothing, valid or not, may answer 5xx.
POST /api/v1/sales is called by a signed-in entrepreneur with a shop. Each operation gets at most
25 examples, so the whole file runs in well under a minute.
"""

import json
import re
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fairs.fairs.models import FairStatus
from marketplace.core.auth.models import Role
from tests.signin import sign_in
from vendors.taxonomy import CATEGORIES, DEPARTMENTS

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SPEC = Path(__file__).resolve().parents[2] / "marketplace" / "catalog" / "openapi.json"


def _load(mode: GenerationMode):
    # Loaded from the file at collection (schemathesis' fixture loader does not work with
    # pytest 9); the app is attached in each test, so requests go to it in-process.
    loaded = schemathesis.openapi.from_path(SPEC)
    loaded.config.generation.update(modes=[mode])
    return loaded


schema = _load(GenerationMode.POSITIVE)
negative = _load(GenerationMode.NEGATIVE)
BOUNDED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def seller(app, make, client, auth):
    """Data for every operation to find, and a client signed in as an entrepreneur with a shop."""
    shop = make.shop(email="rosa@example.hn", stock=10_000, price=150_00)
    fair = make.fair_with_layout(rows=2, cols=2, status=FairStatus.OPEN)
    make.booth_occupant(fair, fair.booths[0])
    assert auth.login("rosa@example.hn").status_code in (302, 303)
    return client, shop, fair


@schema.parametrize()
@BOUNDED
def test_valid_requests_are_answered_as_documented(case, seller):
    client, _shop, _fair = seller
    case.operation.schema.app = client.application  # in-process, through the WSGI transport
    response = case.call(session=client, app=client.application)
    case.validate_response(response, checks=CONFORMANCE)


@negative.parametrize()
@BOUNDED
def test_invalid_requests_never_answer_5xx(case, seller):
    client, _shop, _fair = seller
    case.operation.schema.app = client.application  # in-process, through the WSGI transport
    response = case.call(session=client, app=client.application)
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500


def _real(path: str, method: str = "GET", **parts):
    operation = schema[path][method]
    return operation.Case(**parts)


def _answer(client, case):
    case.operation.schema.app = client.application
    response = case.call(session=client, app=client.application)
    case.validate_response(response, checks=CONFORMANCE)
    return response


def test_real_answers_match_the_document(seller, make):
    """Generated ids rarely find anything: check every shape with rows that exist."""
    client, shop, fair = seller
    product = shop.products[0]
    occupant = next(b for b in fair.booths if b.code == fair.booths[0].code)
    assert _answer(client, _real("/products")).json()["items"]
    assert _answer(client, _real("/products", query={"vendor": shop.slug, "limit": 1}))
    body = _answer(
        client, _real("/products/{product_id}", path_parameters={"product_id": product.id})
    ).json()
    assert body["id"] == product.id
    assert _answer(client, _real("/vendors/{slug}", path_parameters={"slug": shop.slug}))
    fairs = _answer(client, _real("/fairs", query={"limit": 1})).json()
    assert fairs["items"][0]["slug"] == fair.slug
    detail = _answer(client, _real("/fairs/{slug}", path_parameters={"slug": fair.slug})).json()
    vendors = {b["code"]: b["vendor"] for b in detail["booths"]}
    assert vendors[occupant.code] is not None and None in vendors.values()
    assert _answer(client, _real("/categories")).json()["next_cursor"] is None
    mine = _answer(client, _real("/me/products")).json()
    assert {p["id"] for p in mine["items"]} == {p.id for p in shop.products}
    sale = {
        "client_key": "ticket-000001",
        "product_id": product.id,
        "quantity": 2,
        "unit_price": 150_00,
        "payment_method": "cash",
    }
    post = _real("/sales", "POST", body=sale, media_type="application/json")
    assert _answer(client, post).status_code == 201
    assert _answer(client, post).status_code == 200
    changed = _real("/sales", "POST", body={**sale, "quantity": 3}, media_type="application/json")
    assert _answer(client, changed).status_code == 409
    ticket = {
        "client_key": "ticket-000009",
        "payment_method": "card",
        "lines": [
            {"product_id": product.id, "quantity": 1, "unit_price": 150_00},
            {"description": "Bolsa", "quantity": 2, "unit_price": 10_00},
        ],
    }
    ticket_case = _real("/sales", "POST", body=ticket, media_type="application/json")
    recorded = _answer(client, ticket_case)
    assert recorded.status_code == 201 and recorded.json()["total"] == 170_00
    assert _answer(client, ticket_case).status_code == 200
    free = {**sale, "client_key": "ticket-000002", "product_id": None, "description": "Bolsa"}
    free_case = _real("/sales", "POST", body=free, media_type="application/json")
    assert _answer(client, free_case).json()["product_id"] is None


def test_sales_refusals_are_documented_json(app, seller, make):
    client, shop, _fair = seller
    bad = _real("/sales", "POST", body={"client_key": 5}, media_type="application/json")
    assert _answer(client, bad).status_code == 400
    hidden = {
        "client_key": "ticket-000003",
        "description": "Bolsa\u202e",
        "quantity": 1,
        "unit_price": 100,
        "payment_method": "cash",
    }
    refused = _answer(client, _real("/sales", "POST", body=hidden, media_type="application/json"))
    assert refused.status_code == 422
    anonymous = app.test_client()
    assert (
        _answer(
            anonymous, _real("/sales", "POST", body=hidden, media_type="application/json")
        ).status_code
        == 401
    )
    make.user(email="org@example.hn", role=Role.ORGANIZER)
    organiser = app.test_client()
    sign_in(organiser, "org@example.hn")
    assert _answer(anonymous, _real("/me/products")).status_code == 401
    assert _answer(organiser, _real("/me/products")).status_code == 403
    assert (
        _answer(
            organiser, _real("/sales", "POST", body=hidden, media_type="application/json")
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"category": "bitcoin"}, "unknown_category"),
        ({"category": "FOOD"}, "unknown_category"),
        ({"department": "Texas"}, "unknown_department"),
        ({"department": "atlantida"}, "unknown_department"),
        ({"sort": "random"}, "unknown_sort"),
        ({"fair": "no-such-fair"}, "unknown_fair"),
        ({"vendor": "nadie"}, "unknown_vendor"),
        ({"vendor": "a\x00b"}, "unknown_vendor"),
        ({"fair": "a\u202eb"}, "unknown_fair"),
    ],
)
def test_values_outside_an_enum_are_refused_with_400(client, query, code):
    response = client.get("/api/v1/products", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_the_document_lists_the_enums_the_code_knows(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/products"]["get"]["parameters"]}
    assert params["category"]["schema"]["enum"] == list(CATEGORIES)
    assert params["department"]["schema"]["enum"] == list(DEPARTMENTS)
    sale = spec["components"]["schemas"]["OneSale"]["properties"]
    assert sale["payment_method"]["enum"] == ["cash", "card", "transfer", "other"]
    assert set(spec["paths"]) == {
        "/products",
        "/products/{product_id}",
        "/vendors/{slug}",
        "/fairs",
        "/fairs/{slug}",
        "/categories",
        "/sales",
        "/me/products",
        "/openapi.json",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/products"),
        ("DELETE", "/api/v1/products/1"),
        ("PUT", "/api/v1/vendors/ana"),
        ("POST", "/api/v1/fairs"),
        ("PATCH", "/api/v1/fairs/feria"),
        ("POST", "/api/v1/categories"),
        ("GET", "/api/v1/sales"),
        ("DELETE", "/api/v1/sales"),
    ],
)
def test_a_method_an_address_does_not_take_answers_405_with_allow(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert response.headers.get("Allow")
    assert method not in response.headers["Allow"]
    assert json.loads(response.data)["error"]["code"] == "method_not_allowed"


def test_every_api_rule_and_method_is_in_the_document(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented
