"""What the sales screen shows: the seller's products, today's sales and today's total."""

from flask import current_app
from sqlalchemy.orm import selectinload

from marketplace.core.extensions import db
from marketplace.core.sqltime import utc_bounds
from marketplace.core.timeutil import local_today
from vendors.products.models import Product, ProductPhoto
from vendors.profiles.models import VendorProfile
from vendors.sales.models import Sale
from vendors.sales.report import Line, today_total

TODAY_LIMIT = 100


def sellable_products(vendor: VendorProfile) -> list[Product]:
    """Everything the vendor may sell at the booth (hidden from the shop or not), by name."""
    stmt = (
        db.select(Product)
        .where(Product.vendor_id == vendor.id, Product.deleted_at.is_(None))
        .options(selectinload(Product.photos).selectinload(ProductPhoto.image))
        .order_by(Product.title, Product.id)
    )
    return list(db.session.scalars(stmt))


def product_json(product: Product) -> dict:
    return {
        "id": product.id,
        "title": product.title,
        "price": product.price,
        "currency": "HNL",
        "stock": product.stock,
        "needs_stock_check": product.needs_stock_check,
        "photo": photo_url(product),
    }


def photo_url(product: Product) -> str | None:
    """The smallest variant of the first photo: a button needs no more on weak data."""
    storage = current_app.extensions.get("storage")
    if storage is None or not product.photos or not product.photos[0].image.variants:
        return None
    variants = product.photos[0].image.variants
    smallest = min(variants, key=lambda v: (v.get("width", 0), v.get("format") != "webp"))
    return storage.url(smallest["key"])


def todays_sales(vendor: VendorProfile) -> list[Sale]:
    """Today's sales (Tegucigalpa's day), newest first, voided ones included."""
    start, end = utc_bounds(local_today(), local_today())
    stmt = (
        db.select(Sale)
        .where(Sale.vendor_id == vendor.id, Sale.recorded_at >= start, Sale.recorded_at < end)
        .order_by(Sale.recorded_at.desc(), Sale.id.desc())
        .limit(TODAY_LIMIT)
    )
    return list(db.session.scalars(stmt))


def sales_panel(vendor: VendorProfile) -> Line:
    """Data for the dashboard's sales panel: today's total and number of sales."""
    return today_total(vendor.id)
