"""Read-only lookups for the organisers' application pages."""

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import Fair, FairStatus
from marketplace.core.audit import AuditEntry
from marketplace.core.extensions import db
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile
from vendors.taxonomy import CATEGORIES, DEPARTMENTS


def review_filters(args) -> dict[str, str]:
    """The status, category and department filters from a query string; unknown values are
    ignored rather than answered with an error, so an old bookmark still opens."""
    allowed = {
        "status": {s.value for s in ApplicationStatus},
        "category": set(CATEGORIES),
        "department": set(DEPARTMENTS),
    }
    return {key: args[key] for key, values in allowed.items() if args.get(key) in values}


def review_query(fair: Fair, filters: dict[str, str]):
    stmt = (
        db.select(Application)
        .join(Application.vendor)
        .where(Application.fair_id == fair.id)
        .options(selectinload(Application.vendor), selectinload(Application.booth))
        .order_by(Application.created_at, Application.id)
    )
    if "status" in filters:
        stmt = stmt.where(Application.status == filters["status"])
    if "category" in filters:
        stmt = stmt.where(VendorProfile.category == filters["category"])
    if "department" in filters:
        stmt = stmt.where(VendorProfile.department == filters["department"])
    return stmt


def status_counts(fair: Fair) -> dict[str, int]:
    """Applications of the fair per status, every status present (zero when none)."""
    stmt = (
        db.select(Application.status, func.count())
        .where(Application.fair_id == fair.id)
        .group_by(Application.status)
    )
    counts = dict.fromkeys((s.value for s in ApplicationStatus), 0)
    counts.update({status: n for status, n in db.session.execute(stmt)})
    return counts


def products_of(application: Application) -> list[Product]:
    """The products the application names, as long as they are still the vendor's own."""
    if not application.product_ids:
        return []
    stmt = (
        db.select(Product)
        .where(Product.id.in_(application.product_ids), Product.vendor_id == application.vendor_id)
        .order_by(Product.title)
    )
    return list(db.session.scalars(stmt))


def swap_partners(application: Application) -> list[Application]:
    """Other approved applications of the fair that hold a booth."""
    stmt = (
        db.select(Application)
        .where(
            Application.fair_id == application.fair_id,
            Application.id != application.id,
            Application.status == ApplicationStatus.APPROVED.value,
            Application.booth_id.is_not(None),
        )
        .options(selectinload(Application.vendor), selectinload(Application.booth))
        .order_by(Application.id)
    )
    return list(db.session.scalars(stmt))


def decisions_of(application: Application) -> list[AuditEntry]:
    stmt = (
        db.select(AuditEntry)
        .where(AuditEntry.target_type == "application", AuditEntry.target_id == application.id)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(20)
    )
    return list(db.session.scalars(stmt))


def fairs_to_review() -> list[tuple[Fair, int, int]]:
    """Fairs still ahead (open, closed or live), with applications waiting and approved."""
    waiting = func.count().filter(Application.status == ApplicationStatus.SUBMITTED.value)
    approved = func.count().filter(Application.status == ApplicationStatus.APPROVED.value)
    stmt = (
        db.select(Fair, waiting, approved)
        .outerjoin(Application, Application.fair_id == Fair.id)
        .where(
            Fair.status.in_((FairStatus.OPEN.value, FairStatus.CLOSED.value, FairStatus.LIVE.value))
        )
        .group_by(Fair.id)
        .order_by(Fair.starts_on, Fair.id)
        .limit(20)
    )
    return [tuple(row) for row in db.session.execute(stmt)]
