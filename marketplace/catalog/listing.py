"""The catalogue listing: one statement per page, keyset-paginated, built once per shape.

Sold-out products stay in their place in every order (marked "out of stock"): buyers still find
what a vendor makes and may ask for it, and a stable order keeps keyset pagination index-backed.

Building and fingerprinting a SQLAlchemy statement costs more than running it on a warm
database, so each shape of query (sort, which filters, search or not, cursor or not) is built
once with bind parameters and reused; only the values change between requests
(bench/read_paths.py, 100 000 products: listing pages take 0.88× the server time of building
each statement on SQLite, 0.85× on PostgreSQL).
"""

from dataclasses import dataclass

from sqlalchemy import Float, Integer, and_, bindparam, or_, select, tuple_

from fairs.applications.models import Application, ApplicationStatus
from marketplace.catalog import search
from marketplace.catalog.cursor import InvalidCursor, decode_cursor, encode_cursor
from marketplace.catalog.filters import CatalogFilters
from marketplace.catalog.queries import CARD_COLUMNS, first_photo, visible_products
from marketplace.core.extensions import db
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile

_STATEMENTS: dict[tuple, object] = {}


@dataclass
class Page:
    items: list
    next_cursor: str | None
    sort: str
    cursor_rejected: bool = False


def _sort_columns(sort: str, score):
    """(expressions in key order, descending?) for each sort."""
    return {
        "newest": ((Product.created_at, Product.id), True),
        "price_asc": ((Product.price, Product.id), False),
        "price_desc": ((Product.price, Product.id), True),
        "name": ((Product.title, Product.id), False),
        "relevance": ((score, Product.id), True),
    }[sort]


def _after(sort: str, columns, descending: bool):
    """Rows strictly after the cursor's key: a row-value comparison that the sort indexes
    serve, spelled out for the computed relevance score."""
    key = (
        bindparam("k0", type_=Float if sort == "relevance" else columns[0].type),
        bindparam("k1"),
    )
    if sort != "relevance":
        return tuple_(*columns) < tuple_(*key) if descending else tuple_(*columns) > tuple_(*key)
    (a, b), (ka, kb) = columns, key
    if descending:
        return or_(a < ka, and_(a == ka, b < kb))
    return or_(a > ka, and_(a == ka, b > kb))


_FILTERS = {
    "category": lambda: Product.category == bindparam("category"),
    "department": lambda: VendorProfile.department == bindparam("department"),
    "vendor": lambda: Product.vendor_id == bindparam("vendor_id"),
    "fair": lambda: Product.vendor_id.in_(
        select(Application.vendor_id).where(
            Application.fair_id == bindparam("fair_id"),
            Application.status == ApplicationStatus.APPROVED.value,
        )
    ),
    "min_price": lambda: Product.price >= bindparam("min_price"),
    "max_price": lambda: Product.price <= bindparam("max_price"),
}


def _filter_values(f: CatalogFilters) -> dict:
    values = {
        "category": f.category,
        "department": f.department,
        "vendor_id": f.vendor.id if f.vendor else None,
        "fair_id": f.fair.id if f.fair else None,
        "min_price": f.min_price,
        "max_price": f.max_price,
    }
    return {k: v for k, v in values.items() if v is not None}


_PARAM_OF = {"vendor": "vendor_id", "fair": "fair_id"}


def _matches(after: bool, bounded: bool):
    """The search matches; when `bounded`, only the best-ranked candidates after the cursor."""
    found = search.matching_products()
    if not bounded:
        return found
    key = (found.c.score, found.c.product_id)
    candidates = select(*key)
    if after:
        candidates = candidates.where(_after("relevance", key, True))
    order = (found.c.score.desc(), found.c.product_id.desc())
    return (
        candidates.order_by(*order)
        .limit(bindparam("candidates", type_=Integer, literal_execute=True))
        .subquery("best")
    )


def _build(sort: str, searching: bool, filters: tuple[str, ...], after: bool, bounded: bool):
    """Inner query: the page's ids by sort key; outer query: their columns and first photo."""
    matches = _matches(after, bounded) if searching else None
    columns, descending = _sort_columns(sort, matches.c.score if searching else None)
    inner = (
        select(Product.id.label("pid"), columns[0].label("k0"))
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products())
    )
    if searching:
        inner = inner.join(matches, matches.c.product_id == Product.id)
    for name in filters:
        inner = inner.where(_FILTERS[name]())
    if after:
        inner = inner.where(_after(sort, columns, descending))
    order = [c.desc() if descending else c.asc() for c in columns]
    page = (
        inner.order_by(*order)
        .limit(bindparam("limit", type_=Integer, literal_execute=True))
        .subquery("page")
    )
    keys = (page.c.k0, page.c.pid)
    return (
        select(*CARD_COLUMNS, first_photo().label("photo"), page.c.k0)
        .join_from(page, Product, Product.id == page.c.pid)
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .order_by(*[k.desc() if descending else k.asc() for k in keys])
    )


def _run(shape: tuple, bounded: bool, params: dict) -> list:
    key = (db.engine.dialect.name, *shape, bounded)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = _build(*shape, bounded)
    return db.session.connection().execute(stmt, params).all()


def list_products(f: CatalogFilters, terms: list[str]) -> Page:
    """One page of public products matching the filters and search terms."""
    searching = bool(terms)
    sort = f.effective_sort(searching)
    params = {"limit": f.limit + 1, **_filter_values(f)}
    if searching:
        params.update(search.match_parameters(terms))
    rejected = False
    if f.cursor:
        try:
            params["k0"], params["k1"] = decode_cursor(f.cursor, sort)
        except InvalidCursor:
            rejected = True
    filters = tuple(name for name in _FILTERS if _PARAM_OF.get(name, name) in params)
    shape = (sort, searching, filters, "k0" in params)
    # Ranking is over every match, but joining and filtering need only the best few hundred:
    # most products are public, so the page is nearly always among them. When the filters
    # leave too few, the page is fetched again from all the matches.
    bounded = sort == "relevance"
    params["candidates"] = max(200, 8 * (f.limit + 1))
    rows = _run(shape, bounded, params)
    if bounded and len(rows) <= f.limit:
        rows = _run(shape, False, params)
    next_cursor = None
    if len(rows) > f.limit:
        rows = rows[: f.limit]
        next_cursor = encode_cursor(sort, (rows[-1].k0, rows[-1].id))
    return Page(rows, next_cursor, sort, rejected)
