"""Products, vendors and categories as the public JSON API shows them."""

from flask import url_for
from sqlalchemy import select

from marketplace.catalog.images import variant_urls
from marketplace.catalog.stock import stock_state
from marketplace.core.extensions import db
from vendors.photos.models import Image
from vendors.products.models import ProductPhoto
from vendors.taxonomy import CATEGORIES


def photo_urls(product_ids: list[int]) -> dict[int, list[str]]:
    """Every photo's variant URLs for many products in one query, photos in their order."""
    if not product_ids:
        return {}
    rows = db.session.execute(
        select(ProductPhoto.product_id, Image.variants)
        .join(Image, Image.id == ProductPhoto.image_id)
        .where(ProductPhoto.product_id.in_(product_ids))
        .order_by(ProductPhoto.product_id, ProductPhoto.position, ProductPhoto.id)
    )
    urls: dict[int, list[str]] = {pid: [] for pid in product_ids}
    for product_id, variants in rows:
        urls[product_id] += variant_urls(variants)
    return urls


def product_json(p, images: list[str]) -> dict:
    """A listing row or a Product: the contract's fields, plus description, stock and url."""
    vendor = getattr(p, "vendor", None)
    return {
        "id": p.id,
        "title": p.title,
        "description": p.description,
        "price": p.price,
        "currency": "HNL",
        "category": p.category,
        "stock": p.stock,
        "stock_state": stock_state(p.stock),
        "vendor": {
            "slug": vendor.slug if vendor else p.vendor_slug,
            "business_name": vendor.business_name if vendor else p.vendor_name,
        },
        "images": images,
        "url": url_for("catalog.product", product_id=p.id, _external=True),
    }


def vendor_json(vendor, contact: dict, visits) -> dict:
    return {
        "slug": vendor.slug,
        "business_name": vendor.business_name,
        "story": vendor.story,
        "category": vendor.category,
        "department": vendor.department,
        "municipality": vendor.municipality,
        "phone": contact["phone"],
        "whatsapp": contact["whatsapp"],
        "fairs": [
            {
                "slug": v.fair.slug,
                "name": v.fair.name,
                "starts_on": v.fair.starts_on.isoformat(),
                "booth": v.booth_code,
            }
            for v in visits
        ],
        "url": url_for("catalog.vendor", slug=vendor.slug, _external=True),
    }


def categories_json(counts: dict[str, int]) -> list[dict]:
    return [
        {"code": code, "label": str(label), "products": counts.get(code, 0)}
        for code, label in CATEGORIES.items()
    ]
