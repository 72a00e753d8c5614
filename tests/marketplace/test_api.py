"""The public read API: products, vendors and categories as outside clients see them."""

import json
from pathlib import Path

import pytest

from marketplace.catalog.filters import MAX_LIMIT
from vendors.profiles.models import VendorStatus


def get(client, url, **params):
    return client.get(url, query_string=params, headers={"Accept-Language": "en"})


def test_products_list_has_the_public_shape(client, make):
    vendor = make.listed_vendor(slug="cafe-lenca", business_name="Café Lenca")
    product = make.listed_product(
        vendor=vendor,
        title="Café molido",
        price=12550,
        stock=None,
        category="coffee_cacao",
        photos=2,
    )
    response = get(client, "/api/v1/products")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    body = response.get_json()
    assert body["next_cursor"] is None
    (item,) = body["items"]
    assert item["id"] == product.id and item["title"] == "Café molido"
    assert item["price"] == 12550 and item["currency"] == "HNL"
    assert item["category"] == "coffee_cacao" and item["stock_state"] == "made_to_order"
    assert item["vendor"] == {"slug": "cafe-lenca", "business_name": "Café Lenca"}
    assert len(item["images"]) == 12 and all(u.startswith("/media/") for u in item["images"])
    assert item["url"] == f"http://localhost/products/{product.id}"


def test_filters_and_cursor_pagination(client, make):
    vendor = make.listed_vendor(department="Yoro")
    ids = [make.listed_product(vendor=vendor, price=1000 * (i + 1)).id for i in range(5)]
    make.listed_product(price=50000)
    seen, cursor = [], None
    while True:
        params = {"department": "Yoro", "sort": "price_asc", "limit": 2}
        body = get(client, "/api/v1/products", **params, **({"cursor": cursor} if cursor else {}))
        body = body.get_json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == ids
    cheap = get(client, "/api/v1/products", min_price=2000, max_price=3000).get_json()
    assert [i["price"] for i in cheap["items"]] == [3000, 2000]


def test_limit_is_capped(client, make):
    vendor = make.listed_vendor()
    for _ in range(3):
        make.listed_product(vendor=vendor)
    assert len(get(client, "/api/v1/products", limit=100000).get_json()["items"]) == 3
    assert MAX_LIMIT == 100
    assert len(get(client, "/api/v1/products", limit=0).get_json()["items"]) == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": "abc"}, "invalid_limit"),
        ({"category": "spaceships"}, "unknown_category"),
        ({"department": "Narnia"}, "unknown_department"),
        ({"min_price": "-1"}, "negative_price"),
        ({"min_price": "12.5"}, "invalid_price"),
        ({"min_price": "900", "max_price": "100"}, "reversed_price_range"),
        ({"fair": "nope"}, "unknown_fair"),
        ({"vendor": "nobody"}, "unknown_vendor"),
        ({"cursor": "tampered"}, "invalid_cursor"),
    ],
)
def test_bad_parameters_get_a_json_error(client, make, params, code):
    make.listed_product()
    response = get(client, "/api/v1/products", **params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


def test_a_cursor_made_for_another_order_is_refused(client, make):
    vendor = make.listed_vendor()
    for _ in range(3):
        make.listed_product(vendor=vendor)
    cursor = get(client, "/api/v1/products", limit=1).get_json()["next_cursor"]
    response = get(client, "/api/v1/products", limit=1, sort="price_asc", cursor=cursor)
    assert response.status_code == 400


def test_product_detail_and_404s(client, make):
    product = make.listed_product(title="Hamaca", photos=1)
    body = get(client, f"/api/v1/products/{product.id}").get_json()
    assert body["title"] == "Hamaca" and len(body["images"]) == 6
    hidden = make.listed_product(visible=False)
    pending = make.listed_product(vendor=make.listed_vendor(status=VendorStatus.PENDING))
    for missing in (hidden.id, pending.id, 999999):
        response = get(client, f"/api/v1/products/{missing}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_vendor_detail_shows_only_published_contact_and_fairs(client, make):
    vendor = make.listed_vendor(
        slug="tejidos", whatsapp="+50499990000", show_whatsapp=True, phone="+50422220000"
    )
    make.at_fair(vendor, make.fair(slug="feria-ceiba"), booth_code="C-03")
    body = get(client, "/api/v1/vendors/tejidos").get_json()
    assert body["whatsapp"] == "+50499990000" and body["phone"] is None
    assert body["fairs"][0]["slug"] == "feria-ceiba" and body["fairs"][0]["booth"] == "C-03"
    assert "gender" not in body and "user_id" not in body
    pending = make.listed_vendor(status=VendorStatus.PENDING)
    assert get(client, f"/api/v1/vendors/{pending.slug}").status_code == 404


def test_categories_with_counts(client, make):
    make.listed_product(category="food")
    make.listed_product(category="food", visible=False)
    items = get(client, "/api/v1/categories").get_json()["items"]
    food = next(i for i in items if i["code"] == "food")
    assert food == {"code": "food", "label": "Food", "products": 1}


def test_etags_give_304_until_the_data_changes(client, make):
    make.listed_product()
    for url in ("/api/v1/products", "/api/v1/categories"):
        first = get(client, url)
        again = client.get(
            url, headers={"If-None-Match": first.headers["ETag"], "Accept-Language": "en"}
        )
        assert again.status_code == 304
    etag = get(client, "/api/v1/products").headers["ETag"]
    make.listed_product()
    assert get_with(client, "/api/v1/products", etag).status_code == 200


def test_openapi_document_is_served_and_describes_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/products", "/products/{product_id}", "/vendors/{slug}", "/categories"):
        assert path in spec["paths"]
    on_disk = Path(__file__).parents[2] / "marketplace" / "catalog" / "openapi.json"
    assert json.loads(on_disk.read_text()) == spec


def get_with(client, url, etag):
    return client.get(url, headers={"If-None-Match": etag, "Accept-Language": "en"})
