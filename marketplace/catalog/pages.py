"""Loading one public product or vendor page: the object, checked, and what the page shows."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import contains_eager, selectinload

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import PUBLIC_STATUSES, Fair, FairStatus
from fairs.layout.models import Booth
from marketplace.catalog.queries import public_vendor_condition, visible_products
from marketplace.core.extensions import db
from marketplace.core.inputs import has_forbidden_characters
from vendors.products.models import Product, ProductPhoto
from vendors.profiles.models import VendorProfile


@dataclass
class FairVisit:
    fair: Fair
    booth_code: str | None


def _built_once(build):
    """A statement built on first use (per database dialect) and then reused with bind
    parameters: building one costs more than running it on these small lookups."""
    built = {}

    def statement():
        dialect = db.engine.dialect.name
        if dialect not in built:
            built[dialect] = build()
        return built[dialect]

    return statement


@_built_once
def _public_product():
    return (
        select(Product)
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(Product.id == bindparam("product_id"), visible_products())
        # Two statements in all: the product with its vendor, then the photos with their images.
        .options(
            contains_eager(Product.vendor),
            selectinload(Product.photos).joinedload(ProductPhoto.image),
        )
    )


def get_public_product(product_id: int) -> Product:
    """The product if the public may see it (visible, of a verified vendor); 404 otherwise."""
    product = db.session.scalar(_public_product(), {"product_id": product_id})
    if product is None:
        abort(404)
    return product


@_built_once
def _public_vendor():
    return select(VendorProfile).where(
        VendorProfile.slug == bindparam("slug"), public_vendor_condition()
    )


def get_public_vendor(slug: str) -> VendorProfile:
    """The vendor if verified and not deleted; 404 otherwise."""
    if has_forbidden_characters(slug):  # NUL cannot even be sent to PostgreSQL
        abort(404)
    vendor = db.session.scalar(_public_vendor(), {"slug": slug[:80]})
    if vendor is None:
        abort(404)
    return vendor


@_built_once
def _upcoming_visits():
    return (
        select(Fair, Booth.code)
        .join(Application, Application.fair_id == Fair.id)
        .outerjoin(Booth, Booth.id == Application.booth_id)
        .where(
            Application.vendor_id == bindparam("vendor_id"),
            Application.status == ApplicationStatus.APPROVED.value,
            Fair.status.in_(PUBLIC_STATUSES),
            Fair.status != FairStatus.FINISHED.value,
            Fair.ends_on >= bindparam("today"),
        )
        .order_by(Fair.starts_on, Fair.id)
        .limit(bindparam("limit", type_=Integer, literal_execute=True))
    )


def upcoming_visits(vendor_id: int, today: date, limit: int = 5) -> list[FairVisit]:
    """Published fairs not yet over where the vendor is approved, soonest first, with the booth
    code once one is assigned."""
    rows = db.session.execute(
        _upcoming_visits(), {"vendor_id": vendor_id, "today": today, "limit": limit}
    )
    return [FairVisit(fair, code) for fair, code in rows]
