"""What buyers may see: visibility rules, card columns, and the home page's short lists.

Only visible, undeleted products of verified, undeleted vendors are ever listed or shown.
"""

from sqlalchemy import Index, Text, and_, bindparam, cast, func, or_, select

from fairs.applications.models import Application, ApplicationStatus
from marketplace.core.extensions import db
from vendors.photos.models import Image
from vendors.products.models import Product, ProductPhoto
from vendors.profiles.models import VendorProfile, VendorStatus

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


def first_photo():
    """The variants of a product's first photo as JSON text, in a correlated scalar subquery:
    cards decode it once per photo (cards.py), not once per row."""
    return (
        select(cast(Image.variants, Text))
        .join(ProductPhoto, ProductPhoto.image_id == Image.id)
        .where(ProductPhoto.product_id == Product.id)
        .order_by(ProductPhoto.position, ProductPhoto.id)
        .limit(bindparam("first", 1, literal_execute=True))
        .scalar_subquery()
    )


CARD_COLUMNS = (
    Product.id,
    Product.title,
    Product.price,
    Product.stock,
    Product.category,
    Product.description,
    Product.updated_at,
    VendorProfile.slug.label("vendor_slug"),
    VendorProfile.business_name.label("vendor_name"),
    VendorProfile.department.label("department"),
    VendorProfile.updated_at.label("vendor_updated_at"),
)


def category_counts() -> dict[str, int]:
    stmt = (
        select(Product.category, func.count())
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products())
        .group_by(Product.category)
    )
    return dict(db.session.execute(stmt).all())


def newest_products(limit: int = 8):
    stmt = (
        select(*CARD_COLUMNS, first_photo().label("photo"))
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products())
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return db.session.execute(stmt).all()


def featured_products(fair_id: int, limit: int = 6):
    """In-stock products with a photo, from vendors approved for the given fair."""
    at_fair = select(Application.vendor_id).where(
        Application.fair_id == fair_id, Application.status == ApplicationStatus.APPROVED.value
    )
    photo = first_photo()
    stmt = (
        select(*CARD_COLUMNS, photo.label("photo"))
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products(), Product.vendor_id.in_(at_fair), photo.is_not(None))
        .where(or_(Product.stock.is_(None), Product.stock > 0))
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return db.session.execute(stmt).all()
