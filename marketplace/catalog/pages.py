"""Loading one public product or vendor page: the object, checked, and what the page shows."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fairs.models import PUBLIC_STATUSES, Application, ApplicationStatus, Booth, Fair, FairStatus
from marketplace.catalog.queries import public_vendor_condition, visible_products
from marketplace.extensions import db
from vendors.models import Product, ProductPhoto, VendorProfile


@dataclass
class FairVisit:
    fair: Fair
    booth_code: str | None


def get_public_product(product_id: int) -> Product:
    """The product if the public may see it (visible, of a verified vendor); 404 otherwise."""
    product = db.session.scalar(
        select(Product)
        .join(VendorProfile, VendorProfile.id == Product.vendor_id)
        .where(Product.id == product_id, visible_products())
        .options(selectinload(Product.photos).selectinload(ProductPhoto.image))
    )
    if product is None:
        abort(404)
    return product


def get_public_vendor(slug: str) -> VendorProfile:
    """The vendor if verified and not deleted; 404 otherwise."""
    vendor = db.session.scalar(
        select(VendorProfile).where(VendorProfile.slug == slug[:80], public_vendor_condition())
    )
    if vendor is None:
        abort(404)
    return vendor


def upcoming_visits(vendor_id: int, today: date, limit: int = 5) -> list[FairVisit]:
    """Published fairs not yet over where the vendor is approved, soonest first, with the booth
    code once one is assigned."""
    stmt = (
        select(Fair, Booth.code)
        .join(Application, Application.fair_id == Fair.id)
        .outerjoin(Booth, Booth.id == Application.booth_id)
        .where(
            Application.vendor_id == vendor_id,
            Application.status == ApplicationStatus.APPROVED.value,
            Fair.status.in_(PUBLIC_STATUSES),
            Fair.status != FairStatus.FINISHED.value,
            Fair.ends_on >= today,
        )
        .order_by(Fair.starts_on, Fair.id)
        .limit(limit)
    )
    return [FairVisit(fair, code) for fair, code in db.session.execute(stmt)]
