"""The buyers' catalogue, product and vendor pages: what is shown, to whom, and bad input."""

import json
import re

import pytest
from sqlalchemy import event

from fairs.fairs.models import FairStatus
from marketplace.core.database import db
from vendors.profiles.models import VendorStatus

EN = {"Accept-Language": "en"}


def page(client, url, **headers):
    response = client.get(url, headers={**EN, **headers})
    return response, response.get_data(as_text=True)


def product_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/products/(\d+)" class="product-link"', html)]


def next_link(html: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_only_public_products_of_verified_vendors_are_listed(client, make):
    shown = make.listed_product(title="Bolsa de henequén")
    hidden = make.listed_product(title="Oculto", visible=False)
    deleted = make.listed_product(title="Borrado", deleted_at=shown.created_at)
    pending = make.listed_product(vendor=make.listed_vendor(status=VendorStatus.PENDING))
    gone = make.listed_product(vendor=make.listed_vendor(deleted_at=shown.created_at))
    response, html = page(client, "/catalog")
    assert response.status_code == 200
    assert product_ids(html) == [shown.id]
    for product in (hidden, deleted, pending, gone):
        assert client.get(f"/products/{product.id}").status_code == 404
    assert client.get("/products/999999").status_code == 404


def test_cards_show_price_vendor_department_and_stock_state(client, make):
    vendor = make.listed_vendor(business_name="Café Lenca", department="Intibucá")
    make.listed_product(vendor=vendor, title="Café molido", price=125050, stock=0, photos=1)
    make.listed_product(vendor=vendor, title="Tazas", stock=3)
    make.listed_product(vendor=vendor, title="Canasta", stock=None)
    _, html = page(client, "/catalog", **{"Accept-Language": "es"})
    assert "L 1,250.50" in html
    assert "Café Lenca" in html and "Intibucá" in html
    assert "Sin existencias" in html and "Quedan 3" in html and "Hecho a pedido" in html
    assert 'srcset="/media/img/' in html and 'width="1200" height="900"' in html


def test_cards_escape_what_vendors_wrote(client, make):
    vendor = make.listed_vendor(business_name="Dulces <b>Ana</b>", department="Yoro")
    make.listed_product(vendor=vendor, title='Cajeta "de leche" & <i>coco</i>', photos=1)
    _, html = page(client, "/catalog")
    assert "<b>Ana</b>" not in html and "Dulces &lt;b&gt;Ana&lt;/b&gt;" in html
    assert "<i>coco</i>" not in html
    assert "<h3>Cajeta &#34;de leche&#34; &amp; &lt;i&gt;coco&lt;/i&gt;</h3>" in html
    assert 'alt="Cajeta &#34;de leche&#34; &amp; &lt;i&gt;coco&lt;/i&gt;"' in html


def test_pages_are_cursor_paginated_with_filters_kept(client, make):
    vendor = make.listed_vendor()
    ids = [make.listed_product(vendor=vendor, category="food").id for _ in range(30)]
    make.listed_product(category="crafts")
    _, first = page(client, "/catalog?category=food")
    assert product_ids(first) == ids[::-1][:24]
    link = next_link(first)
    assert "category=food" in link and "cursor=" in link and "page=" not in link
    _, second = page(client, link)
    assert product_ids(second) == ids[::-1][24:]
    assert next_link(second) is None


def test_a_tampered_cursor_shows_a_notice_and_the_first_page(client, make):
    product = make.listed_product()
    for cursor in ("garbage", "W10.AAAA", "x" * 500, "%00"):
        response, html = page(client, f"/catalog?cursor={cursor}")
        assert response.status_code == 200
        assert "started again from the first page" in html
        assert product_ids(html) == [product.id]


def test_sorting_by_price_and_name(client, make):
    a = make.listed_product(title="Bolsa", price=30000)
    b = make.listed_product(title="Anillo", price=50000)
    c = make.listed_product(title="Collar", price=10000)
    assert product_ids(page(client, "/catalog?sort=price_asc")[1]) == [c.id, a.id, b.id]
    assert product_ids(page(client, "/catalog?sort=price_desc")[1]) == [b.id, a.id, c.id]
    assert product_ids(page(client, "/catalog?sort=name")[1]) == [b.id, a.id, c.id]
    assert product_ids(page(client, "/catalog?sort=bogus")[1]) == [c.id, b.id, a.id]


def test_filters_by_category_department_price_vendor_and_fair(client, make):
    north = make.listed_vendor(department="Atlántida")
    south = make.listed_vendor(department="Choluteca")
    cheap = make.listed_product(vendor=north, category="food", price=5000)
    dear = make.listed_product(vendor=north, category="crafts", price=90000)
    other = make.listed_product(vendor=south, category="food", price=20000)
    fair = make.fair()
    make.at_fair(south, fair)
    assert product_ids(page(client, "/catalog?category=food")[1]) == [other.id, cheap.id]
    assert product_ids(page(client, "/catalog?department=Atl%C3%A1ntida")[1]) == [dear.id, cheap.id]
    assert product_ids(page(client, "/catalog?min_price=100&max_price=250.50")[1]) == [other.id]
    assert product_ids(page(client, f"/catalog?vendor={north.slug}")[1]) == [dear.id, cheap.id]
    assert product_ids(page(client, f"/catalog?fair={fair.slug}")[1]) == [other.id]


def test_a_fair_only_counts_approved_vendors(client, make):
    fair = make.fair()
    waiting = make.listed_vendor()
    make.listed_product(vendor=waiting)
    from fairs.applications.models import ApplicationStatus

    make.at_fair(waiting, fair, status=ApplicationStatus.SUBMITTED)
    assert product_ids(page(client, f"/catalog?fair={fair.slug}")[1]) == []


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("category=spaceships", "We do not know the filter"),
        ("department=Narnia", "We do not know the filter"),
        ("min_price=-5", "cannot be negative"),
        ("min_price=500&max_price=100", "swapped them"),
        ("min_price=abc", "must be a number"),
        ("min_price=1e999", "too high"),
        ("fair=no-such-fair", "could not find that fair"),
        ("vendor=nobody", "could not find that business"),
    ],
)
def test_bad_filters_are_ignored_with_a_notice(client, make, query, notice):
    make.listed_product(price=20000)
    response, html = page(client, f"/catalog?{query}")
    assert response.status_code == 200
    assert notice in html


def test_a_reversed_price_range_is_swapped(client, make):
    inside = make.listed_product(price=20000)
    make.listed_product(price=90000)
    _, html = page(client, "/catalog?min_price=500&max_price=100")
    assert product_ids(html) == [inside.id]


def test_an_empty_result_suggests_what_to_do(client, make):
    make.listed_product(title="Bolsa de cuero")
    _, html = page(client, "/catalog?q=bolsa&category=food")
    assert "No products match" in html
    assert "Remove the filters" in html and "?category=crafts" in html


def test_the_number_of_queries_does_not_grow_with_the_page_size(app, client, make):
    vendor = make.listed_vendor()
    for _ in range(30):
        make.listed_product(vendor=vendor, photos=2)

    def count(url):
        db.session.remove()  # each request starts from a fresh session, as in production
        statements = []

        def listener(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert count("/catalog?limit=2") == count("/catalog?limit=24") <= 3
    assert count("/api/v1/products?limit=2") == count("/api/v1/products?limit=30")


def test_the_listing_builds_each_shape_of_query_once_and_reuses_it_with_any_values(
    client, make, monkeypatch
):
    """Effect: a second page of the same shape (sort, filters, search or not) builds nothing.
    Safety: no value stays in the reused statement; each page shows its own products."""
    from marketplace.catalog import listing

    miel = make.listed_product(title="Miel de abeja", category="food")
    bolsa = make.listed_product(title="Bolsa de cuero", category="leather")
    jarron = make.listed_product(title="Jarrón lenca", category="crafts")
    built = []
    build = listing._build
    monkeypatch.setattr(listing, "_STATEMENTS", {})
    monkeypatch.setattr(listing, "_build", lambda *shape: built.append(shape) or build(*shape))

    def shown(url):
        response, html = page(client, url)
        assert response.status_code == 200
        return product_ids(html)

    assert shown("/catalog?category=food") == [miel.id]
    assert shown("/catalog?q=miel") == [miel.id]
    assert shown("/catalog?limit=1") == [jarron.id]
    first = len(built)
    assert shown("/catalog?category=leather") == [bolsa.id]
    assert shown("/catalog?q=bolsa") == [bolsa.id]
    assert shown("/catalog?limit=2") == [jarron.id, bolsa.id]
    assert len(built) == first


@pytest.mark.postgres
def test_buyers_pages_read_in_autocommit_then_leave_the_session_transactional(client, make):
    """Without BEGIN and ROLLBACK, PostgreSQL keeps the pages' prepared statements between
    requests; the session used after the page must write in a real transaction again."""
    from sqlalchemy import text

    product = make.listed_product(title="Miel")
    db.session.commit()
    seen = []

    def listener(conn, *args):
        seen.append(conn.connection.dbapi_connection.autocommit)

    urls = ("/", "/catalog", "/catalog?q=miel", f"/products/{product.id}", "/api/v1/products")
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for url in urls:
            db.session.remove()  # each request starts from a fresh session, as in production
            assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert seen and all(seen)

    # The driver prepares a query it has run five times; a rollback would have forgotten it.
    # Enough pages for every connection the pool may hand out in turn.
    for _ in range(60):
        db.session.remove()
        assert client.get("/catalog").status_code == 200
    prepared = "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE '\\_pg3\\_%'"
    assert db.session.scalar(text(prepared)) > 0
    db.session.rollback()

    # After a page, without removing the session: its next write is in a transaction.
    assert client.get("/catalog").status_code == 200
    same = db.session.get(type(product), product.id)
    same.title = "Miel de abeja"
    db.session.flush()
    assert not db.session.connection().connection.dbapi_connection.autocommit
    db.session.rollback()
    assert db.session.get(type(product), product.id).title == "Miel"


def test_catalogue_pages_answer_304_until_something_changes(client, make):
    product = make.listed_product(title="Miel")
    first = client.get("/catalog")
    etag = first.headers["ETag"]
    again = client.get("/catalog", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    product.title = "Miel de abeja"
    db.session.commit()
    changed = client.get("/catalog", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Miel de abeja" in changed.get_data(as_text=True)
    detail = client.get(f"/products/{product.id}")
    assert (
        client.get(
            f"/products/{product.id}", headers={"If-None-Match": detail.headers["ETag"]}
        ).status_code
        == 304
    )


def test_any_edit_to_a_listed_card_changes_the_catalogue_etag(client, make):
    """Not only the newest row: an older product, its stock, or its vendor."""
    vendor = make.listed_vendor()
    older = make.listed_product(vendor=vendor, title="Jarrón", stock=4, age_minutes=30)
    make.listed_product(title="Hamaca", age_minutes=5)
    etags = [client.get("/catalog").headers["ETag"]]
    for change in (
        lambda: setattr(older, "stock", 3),
        lambda: setattr(older, "price", 99900),
        lambda: setattr(vendor, "business_name", "Barro Lenca"),
    ):
        change()
        db.session.commit()
        response = client.get("/catalog", headers={"If-None-Match": etags[-1]})
        assert response.status_code == 200
        etags.append(response.headers["ETag"])
    assert len(set(etags)) == 4


def test_a_page_kept_by_the_browser_is_sent_again_when_the_session_changed_it(client, make):
    """Adding to the cart comes back to the product page: a 304 there would hide the message
    and the cart badge, and a page kept from before signing in carries a stale form token."""
    product = make.listed_product(title="Miel", stock=5)
    url = f"/products/{product.id}"
    etag = client.get(url, headers=EN).headers["ETag"]
    assert client.get(url, headers={**EN, "If-None-Match": etag}).status_code == 304
    client.post(
        "/cart/add", data={"product_id": product.id, "quantity": 1, "next": url}, headers=EN
    )
    response, html = page(client, url, **{"If-None-Match": etag})
    assert response.status_code == 200
    assert "Added to your cart." in html and '<span class="badge">1</span>' in html
    with client.session_transaction() as session:
        session["csrf_token"] = "a new session's token"
    assert (
        client.get(url, headers={**EN, "If-None-Match": response.headers["ETag"]}).status_code
        == 200
    )


def test_product_page_shows_gallery_vendor_contact_and_next_booth(client, make):
    vendor = make.listed_vendor(
        business_name="Tejidos Lenca",
        story="Volví en 2019.\nTejo con mi mamá.",
        whatsapp="+50499998888",
        show_whatsapp=True,
    )
    product = make.listed_product(vendor=vendor, title="Camino de mesa", photos=2, stock=3)
    sibling = make.listed_product(vendor=vendor, title="Cojín")
    fair = make.fair(name="Feria Tegucigalpa")
    make.at_fair(vendor, fair, booth_code="B-07")
    response, html = page(client, f"/products/{product.id}?utm_source=whatsapp")
    assert response.status_code == 200
    assert html.count("<picture>") == 2 and 'type="image/webp"' in html
    assert 'sizes="(min-width: 48rem) 36rem, 100vw"' in html
    assert "Only 3 left" in html and "L 100.00" in html
    assert "https://wa.me/50499998888?text=" in html
    # The prefilled message is Spanish, for the entrepreneur, and names the product and its price.
    assert "Camino%20de%20mesa%20%28L%20100.00%29" in html
    assert "Feria Tegucigalpa" in html and "Booth B-07" in html
    assert f"/products/{sibling.id}" in html
    assert f'<link rel="canonical" href="http://localhost/products/{product.id}">' in html
    assert 'property="og:image" content="http://localhost/media/img/' in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(ld)
    assert data["@type"] == "Product" and data["offers"]["priceCurrency"] == "HNL"
    assert data["offers"]["price"] == "100.00"


def test_contact_appears_only_when_published(client, make):
    vendor = make.listed_vendor(whatsapp="+50499998888", phone="+50422223333")
    product = make.listed_product(vendor=vendor)
    _, html = page(client, f"/products/{product.id}")
    assert "wa.me" not in html and "22223333" not in html


def test_json_ld_cannot_break_out_of_its_script(client, make):
    product = make.listed_product(title="</script><script>alert(1)</script>")
    _, html = page(client, f"/products/{product.id}")
    assert "<script>alert(1)" not in html


def test_vendor_page_shows_escaped_story_products_and_fairs(client, make):
    vendor = make.listed_vendor(business_name="Dulces Doña Tere", story="<b>Hola</b>\nDulces")
    product = make.listed_product(vendor=vendor)
    make.at_fair(vendor, make.fair(name="Feria La Ceiba"), booth_code="A-01")
    past = make.fair(name="Feria vieja", status=FairStatus.FINISHED)
    make.at_fair(vendor, past)
    response, html = page(client, f"/vendors/{vendor.slug}")
    assert response.status_code == 200
    assert "&lt;b&gt;Hola&lt;/b&gt;\nDulces" in html
    assert f"/products/{product.id}" in html
    assert "Feria La Ceiba" in html and "Booth A-01" in html and "Feria vieja" not in html
    pending = make.listed_vendor(status=VendorStatus.PENDING)
    assert client.get(f"/vendors/{pending.slug}").status_code == 404
    assert client.get("/vendors/nobody").status_code == 404


def test_home_shows_next_fair_categories_and_new_products(client, make):
    fair = make.fair(name="Feria San Pedro Sula")
    vendor = make.listed_vendor()
    make.at_fair(vendor, fair)
    make.listed_product(
        vendor=vendor, title="Chocolate artesanal", category="coffee_cacao", photos=1
    )
    make.listed_product(title="Aretes", category="jewellery")
    _, html = page(client, "/")
    assert "Feria San Pedro Sula" in html and f"/catalog?fair={fair.slug}" in html
    assert 'Coffee and cacao <span class="muted">(1)</span>' in html
    assert "Chocolate artesanal" in html and "Aretes" in html
    assert 'role="search"' in html


def test_sitemap_and_robots(client, make):
    product = make.listed_product()
    hidden = make.listed_product(visible=False)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"http://localhost/products/{product.id}</loc>" in sitemap
    assert f"/products/{hidden.id}<" not in sitemap
    assert f"/vendors/{product.vendor.slug}" in sitemap
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in robots and "Disallow: /admin/" in robots


def test_demo_load_can_generate_a_large_catalogue(runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    demo_only = len(client.get("/api/v1/products?limit=100").get_json()["items"])
    result = runner.invoke(args=["demo", "load", "--scale", "40"])
    assert result.exit_code == 0, result.output
    assert "Generated 40 products from 4 vendors." in result.output
    body = client.get("/api/v1/products?limit=100").get_json()
    # A few generated products are hidden on purpose.
    assert 30 <= len(body["items"]) - demo_only <= 40
    again = runner.invoke(args=["demo", "load", "--scale", "40"])
    assert "already loaded" in again.output


def test_vendor_page_shares_the_logo(client, make):
    vendor = make.listed_vendor()
    vendor.logo_id = make.catalog_image().id
    db.session.commit()
    _, html = page(client, f"/vendors/{vendor.slug}")
    assert 'property="og:image" content="http://localhost/media/img/' in html
    assert 'content="profile"' in html
