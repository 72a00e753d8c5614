"""What buyers may see, and the catalogue listing: one query per page, keyset-paginated.

Only visible, undeleted products of verified, undeleted vendors are ever listed or shown.
Sold-out products stay in their place in every order (marked "out of stock"): buyers still find
what a vendor makes and may ask for it, and a stable order keeps keyset pagination index-backed.
"""

from dataclasses import dataclass

from sqlalchemy import Index, and_, func, or_, select, tuple_

from fairs.models import Application, ApplicationStatus
from marketplace import search
from marketplace.catalog.cursor import InvalidCursor, decode_cursor, encode_cursor
from marketplace.catalog.filters import CatalogFilters
from marketplace.extensions import db
from vendors.models import Image, Product, ProductPhoto, VendorProfile, VendorStatus

# Declared here too (created by migration 0002_search) so the metadata knows them.
Index("ix_products_created_id", Product.created_at, Product.id)
Index("ix_products_price_id", Product.price, Product.id)
Index("ix_products_title_id", Product.title, Product.id)


def visible_products():
    """Conditions that make a product public (the query must join VendorProfile)."""
    return and_(
        Product.visible.is_(True),
        Product.deleted_at.is_(None),
        _mostly_true(VendorProfile.status == VendorStatus.VERIFIED.value),
        VendorProfile.deleted_at.is_(None),
    )


def _mostly_true(condition):
    """Tell SQLite's planner (which has no statistics) that nearly every vendor is verified, so
    it walks products in sort order instead of starting from the vendors' status index and
    sorting the whole catalogue. PostgreSQL's planner knows this from its own statistics."""
    if db.engine.dialect.name == "sqlite":
        return func.likely(condition)
    return condition


def public_vendor_condition():
    return and_(
        VendorProfile.status == VendorStatus.VERIFIED.value, VendorProfile.deleted_at.is_(None)
    )


def first_image_variants():
    """The variants of a product's first photo, as a correlated scalar subquery."""
    return (
        select(Image.variants)
        .join(ProductPhoto, ProductPhoto.image_id == Image.id)
        .where(ProductPhoto.product_id == Product.id)
        .order_by(ProductPhoto.position, ProductPhoto.id)
        .limit(1)
        .scalar_subquery()
    )


CARD_COLUMNS = (
    Product.id,
    Product.title,
    Product.price,
    Product.stock,
    Product.category,
    Product.description,
    Product.created_at,
    Product.updated_at,
    VendorProfile.slug.label("vendor_slug"),
    VendorProfile.business_name.label("vendor_name"),
    VendorProfile.department.label("department"),
    VendorProfile.updated_at.label("vendor_updated_at"),
)


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


def _after(sort: str, columns, key, descending: bool):
    """Rows strictly after `key` in the order: a row-value comparison that the sort indexes
    serve, spelled out for the computed relevance score."""
    if sort != "relevance":
        return tuple_(*columns) < tuple_(*key) if descending else tuple_(*columns) > tuple_(*key)
    (a, b), (ka, kb) = columns, key
    if descending:
        return or_(a < ka, and_(a == ka, b < kb))
    return or_(a > ka, and_(a == ka, b > kb))


def apply_filters(stmt, f: CatalogFilters):
    if f.category:
        stmt = stmt.where(Product.category == f.category)
    if f.department:
        stmt = stmt.where(VendorProfile.department == f.department)
    if f.vendor:
        stmt = stmt.where(Product.vendor_id == f.vendor.id)
    if f.fair:
        at_fair = select(Application.vendor_id).where(
            Application.fair_id == f.fair.id,
            Application.status == ApplicationStatus.APPROVED.value,
        )
        stmt = stmt.where(Product.vendor_id.in_(at_fair))
    if f.min_price is not None:
        stmt = stmt.where(Product.price >= f.min_price)
    if f.max_price is not None:
        stmt = stmt.where(Product.price <= f.max_price)
    return stmt


def list_products(f: CatalogFilters, terms: list[str]) -> Page:
    """One page of public products matching the filters and search terms.

    One statement, in two steps: an inner query finds the page's ids by the sort key alone,
    then the outer one fetches those rows' columns and first photo, so no per-row work (the
    photo lookup above all) is done for rows that are sorted away.
    """
    matches = search.matching_products(terms)
    sort = f.effective_sort(searching=matches is not None)
    if matches is None and sort == "relevance":
        sort = "newest"
    score = matches.c.score if matches is not None else None
    columns, descending = _sort_columns(sort, score)
    inner = (
        select(Product.id.label("pid"), columns[0].label("k0"))
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products())
    )
    if matches is not None:
        inner = inner.join(matches, matches.c.product_id == Product.id)
    inner = apply_filters(inner, f)
    rejected = False
    if f.cursor:
        try:
            inner = inner.where(_after(sort, columns, decode_cursor(f.cursor, sort), descending))
        except InvalidCursor:
            rejected = True
    order = [c.desc() if descending else c.asc() for c in columns]
    page = inner.order_by(*order).limit(f.limit + 1).subquery("page")
    keys = (page.c.k0, page.c.pid)
    stmt = (
        select(*CARD_COLUMNS, first_image_variants().label("variants"), page.c.k0)
        .join_from(page, Product, Product.id == page.c.pid)
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .order_by(*[k.desc() if descending else k.asc() for k in keys])
    )
    rows = db.session.execute(stmt).all()
    next_cursor = None
    if len(rows) > f.limit:
        rows = rows[: f.limit]
        next_cursor = encode_cursor(sort, (rows[-1].k0, rows[-1].id))
    return Page(rows, next_cursor, sort, rejected)


def category_counts() -> dict[str, int]:
    stmt = (
        select(Product.category, func.count())
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products())
        .group_by(Product.category)
    )
    return dict(db.session.execute(stmt).all())


def newest_products(limit: int = 8, vendor_id: int | None = None, exclude: int | None = None):
    stmt = (
        select(*CARD_COLUMNS, first_image_variants().label("variants"))
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products())
    )
    if vendor_id is not None:
        stmt = stmt.where(Product.vendor_id == vendor_id)
    if exclude is not None:
        stmt = stmt.where(Product.id != exclude)
    order = (Product.created_at.desc(), Product.id.desc())
    return db.session.execute(stmt.order_by(*order).limit(limit)).all()


def featured_products(fair_id: int, limit: int = 6):
    """In-stock products with a photo, from vendors approved for the given fair."""
    at_fair = select(Application.vendor_id).where(
        Application.fair_id == fair_id, Application.status == ApplicationStatus.APPROVED.value
    )
    variants = first_image_variants()
    stmt = (
        select(*CARD_COLUMNS, variants.label("variants"))
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products(), Product.vendor_id.in_(at_fair), variants.is_not(None))
        .where(or_(Product.stock.is_(None), Product.stock > 0))
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return db.session.execute(stmt).all()
