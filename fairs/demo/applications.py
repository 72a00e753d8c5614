"""Demo applications: a past fair with its vendors placed and checked in, and the next
Tegucigalpa fair with applications waiting for review.

Runs after the demo vendors, fairs and booth layouts exist; until they do, it quietly does
nothing. Idempotent: a vendor's application to a fair is looked up before it is made.
"""

from datetime import timedelta

from fairs.applications.models import Application, ApplicationStatus
from fairs.assignment.booking import FOOD_ZONE, request_for, slots_for
from fairs.assignment.plan import assign_booths
from fairs.fairs.models import Fair, FairStatus
from fairs.layout.models import Booth
from marketplace.core.auth.models import utcnow
from marketplace.core.extensions import db
from vendors.profiles.models import VendorProfile, VendorStatus

NOTES = (
    "Llevo mi propia mesa y un toldo pequeño.",
    "Es mi primera feria, me encantaría participar.",
    "",
)


def load_demo_applications() -> list[str]:
    vendors = list(
        db.session.scalars(
            db.select(VendorProfile)
            .where(
                VendorProfile.status == VendorStatus.VERIFIED.value,
                VendorProfile.deleted_at.is_(None),
            )
            .order_by(VendorProfile.id)
        )
    )
    if not vendors:
        return []
    lines = []
    past = _fair(Fair.status == FairStatus.FINISHED.value, Fair.starts_on.desc())
    if past is not None and past.booths:
        lines.append(_fill_past_fair(past, vendors))
    upcoming = _fair(
        (Fair.city == "Tegucigalpa") & (Fair.status == FairStatus.OPEN.value), Fair.starts_on
    )
    if upcoming is not None:
        lines.append(_fill_upcoming_fair(upcoming, vendors))
    return lines


def _fair(condition, order) -> Fair | None:
    return db.session.scalar(db.select(Fair).where(condition).order_by(order).limit(1))


def _ensure(fair: Fair, vendor: VendorProfile, status: str, n: int, needs=True) -> Application:
    application = db.session.scalar(
        db.select(Application).where(
            Application.fair_id == fair.id, Application.vendor_id == vendor.id
        )
    )
    if application is None:
        application = Application(
            fair=fair,
            vendor=vendor,
            status=status,
            categories=[vendor.category],
            product_ids=[p.id for p in vendor.products if p.visible and p.deleted_at is None][:3],
            needs_power=needs and n % 3 == 0,
            needs_shade=needs and n % 2 == 0,
            note=NOTES[n % len(NOTES)],
        )
        db.session.add(application)
    return application


def _fill_past_fair(fair: Fair, vendors: list[VendorProfile]) -> str:
    """Everyone approved, placed by the automatic assignment and checked in."""
    applications = [
        _ensure(fair, v, ApplicationStatus.APPROVED.value, n, needs=False)
        for n, v in enumerate(vendors)
    ]
    db.session.flush()
    unplaced = [a for a in applications if a.booth_id is None]
    if unplaced:
        booths = list(db.session.scalars(db.select(Booth).where(Booth.fair_id == fair.id)))
        requests = [request_for(a, a.booth_id) for a in applications]
        result = assign_booths(slots_for(booths), requests, food_zone=FOOD_ZONE)
        for a in unplaced:
            a.booth_id = result.assignments.get(a.id)
            a.decided_at = a.decided_at or utcnow() - timedelta(days=30)
    for a in applications:
        if a.booth_id is not None and a.checked_in_at is None:
            a.checked_in_at = utcnow() - timedelta(days=7)
    db.session.flush()
    placed = sum(a.booth_id is not None for a in applications)
    return f"Past fair {fair.name}: {placed} vendors placed and checked in."


def _fill_upcoming_fair(fair: Fair, vendors: list[VendorProfile]) -> str:
    """Applications waiting for review, and one on the waiting list."""
    for n, vendor in enumerate(vendors):
        status = ApplicationStatus.WAITLISTED if n == len(vendors) - 1 and n else None
        _ensure(fair, vendor, (status or ApplicationStatus.SUBMITTED).value, n)
    db.session.flush()
    return f"{fair.name}: {len(vendors)} applications waiting for review."
