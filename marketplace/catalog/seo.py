"""Being found and shared: canonical URLs, schema.org data, sitemap.xml and robots.txt."""

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from fairs.fairs.models import PUBLIC_STATUSES, Fair
from marketplace.catalog.images import largest_url
from marketplace.catalog.queries import public_vendor_condition, visible_products
from marketplace.catalog.stock import stock_state
from marketplace.core.extensions import db
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile

#: The sitemap protocol's limit for one file.
SITEMAP_MAX_URLS = 50_000

_AVAILABILITY = {
    "in_stock": "https://schema.org/InStock",
    "few_left": "https://schema.org/LimitedAvailability",
    "made_to_order": "https://schema.org/PreOrder",
    "out_of_stock": "https://schema.org/OutOfStock",
}


def canonical(endpoint: str, **args) -> str:
    """The page's one public address: its own arguments only, never tracking parameters."""
    return url_for(endpoint, _external=True, **{k: v for k, v in args.items() if v})


def absolute(path: str | None) -> str | None:
    if not path:
        return None
    if path.startswith(("http://", "https://")):
        return path
    return request.host_url.rstrip("/") + path


def cursor_notice() -> str:
    return _("That page link was damaged or has expired, so we started again from the first page.")


def product_json_ld(product: Product) -> dict:
    """schema.org Product, for search engines; rendered with |tojson so it cannot break out."""
    images = [absolute(largest_url(p.image.variants)) for p in product.photos]
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.description[:500],
        "image": [i for i in images if i],
        "url": canonical("catalog.product", product_id=product.id),
        "brand": {"@type": "Brand", "name": product.vendor.business_name},
        "offers": {
            "@type": "Offer",
            "price": f"{product.price / 100:.2f}",
            "priceCurrency": "HNL",
            "availability": _AVAILABILITY[stock_state(product.stock)],
            "url": canonical("catalog.product", product_id=product.id),
        },
    }


def robots():
    body = render_template("catalog/robots.txt", sitemap=url_for("seo.sitemap", _external=True))
    return Response(body, mimetype="text/plain")


def sitemap():
    """Home, catalogue, public fairs, verified vendors and their visible products."""
    products = db.session.execute(
        select(Product.id, Product.updated_at)
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(visible_products())
        .order_by(Product.id)
        .limit(SITEMAP_MAX_URLS)
    ).all()
    vendors = db.session.scalars(
        select(VendorProfile.slug).where(public_vendor_condition()).order_by(VendorProfile.id)
    ).all()
    fairs = db.session.scalars(
        select(Fair.slug).where(Fair.status.in_(PUBLIC_STATUSES)).order_by(Fair.starts_on)
    ).all()
    body = render_template("catalog/sitemap.xml", products=products, vendors=vendors, fairs=fairs)
    return Response(body, mimetype="application/xml")
