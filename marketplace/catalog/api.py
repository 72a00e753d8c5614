"""The public, read-only JSON API of the catalogue: /api/v1/products, vendors, categories."""

import json

from flask import current_app, request, url_for
from flask_babel import gettext as _

from marketplace.catalog import listing, pages, queries, search, serialise
from marketplace.catalog.contact import public_contact
from marketplace.catalog.filters import parse_filters
from marketplace.catalog.http import conditional, data_etag
from marketplace.core.errors import error_response
from marketplace.core.timeutil import local_today


def _open_to_any_site(response):
    """Anyone may read the catalogue from a browser; no credentials are ever involved."""
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag"
    return response


def _json(etag: str, body):
    """A JSON response for `body` (or a function building it, skipped on a 304)."""

    def render():
        data = body() if callable(body) else body
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return current_app.response_class(text, mimetype="application/json")

    return conditional(etag, render)


def products():
    f = parse_filters(request.args, money_in_lempiras=False)
    if f.problems:
        return error_response(400, f.problems[0].message, f.problems[0].code)
    page = listing.list_products(f, search.parse_query(f.q))
    if page.cursor_rejected:
        return error_response(
            400, _("This cursor is not valid. Start again without it."), "invalid_cursor"
        )
    images = serialise.photo_urls([r.id for r in page.items])
    version = [(r.id, r.updated_at, r.vendor_updated_at) for r in page.items]
    return _json(
        data_etag(version, images, page.next_cursor),
        lambda: {
            "items": [serialise.product_json(r, images[r.id]) for r in page.items],
            "next_cursor": page.next_cursor,
        },
    )


def product(product_id: int):
    item = pages.get_public_product(product_id)
    urls = serialise.photo_urls([item.id])[item.id]
    body = serialise.product_json(item, urls)
    return _json(data_etag(item.updated_at, item.vendor.updated_at, urls), body)


def vendor(slug: str):
    profile = pages.get_public_vendor(slug)
    visits = pages.upcoming_visits(profile.id, local_today())
    body = serialise.vendor_json(profile, public_contact(profile), visits)
    body["products_url"] = url_for("catalog_api.products", vendor=profile.slug, _external=True)
    return _json(data_etag(profile.updated_at, body), body)


def categories():
    body = {"items": serialise.categories_json(queries.category_counts()), "next_cursor": None}
    return _json(data_etag(body), body)


def openapi():
    path = current_app.root_path + "/catalog/openapi.json"
    with open(path, encoding="utf-8") as f:
        return current_app.response_class(f.read(), mimetype="application/json")
