"""Read-only fair lookups other pages need."""

from datetime import date

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import PUBLIC_STATUSES, Circuit, Fair, FairStatus
from fairs.layout.booth_map import Occupant
from fairs.layout.models import Booth
from marketplace.core.extensions import db
from vendors.profiles.models import VendorProfile


def upcoming_fairs(today: date, limit: int = 6) -> list[Fair]:
    """Published fairs that have not ended yet, soonest first."""
    stmt = (
        db.select(Fair)
        .where(Fair.status.in_(PUBLIC_STATUSES), Fair.status != FairStatus.FINISHED.value)
        .where(Fair.ends_on >= today)
        .order_by(Fair.starts_on, Fair.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def occupied_booths(fair_id: int) -> list[tuple[Booth, Application, VendorProfile]]:
    """Every booth of a fair that an approved vendor holds, with the application and vendor."""
    stmt = (
        db.select(Booth, Application, VendorProfile)
        .join(Application, Application.booth_id == Booth.id)
        .join(VendorProfile, Application.vendor_id == VendorProfile.id)
        .where(
            Booth.fair_id == fair_id,
            Application.status == ApplicationStatus.APPROVED.value,
            VendorProfile.deleted_at.is_(None),
        )
        .order_by(Booth.row, Booth.col)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def search_occupied(rows: list, q: str = "", category: str = "") -> list:
    """The rows of `occupied_booths` whose business name or booth code contains `q`
    (any case) and, if given, whose vendor is in `category`."""
    needle = q.casefold()

    def matches(row) -> bool:
        booth, _application, vendor = row
        if category and vendor.category != category:
            return False
        return needle in vendor.business_name.casefold() or needle in booth.code.casefold()

    return [row for row in rows if matches(row)]


def by_business_name(rows: list) -> list:
    return sorted(rows, key=lambda row: (row[2].business_name.casefold(), row[2].id))


def occupants_for_fair(fair_id: int) -> dict[int, Occupant]:
    """booth id -> Occupant, for the booth map."""
    return {booth.id: occupant(app, vendor) for booth, app, vendor in occupied_booths(fair_id)}


def occupant(application: Application, vendor: VendorProfile) -> Occupant:
    return Occupant(vendor.business_name, vendor.slug, application.checked_in_at is not None)


def circuit_attendance(circuit: Circuit) -> list[tuple[VendorProfile, set[int]]]:
    """Per vendor approved at any fair of the circuit, the ids of the fairs they attend."""
    stmt = (
        db.select(VendorProfile, Application.fair_id)
        .join(Application, Application.vendor_id == VendorProfile.id)
        .join(Fair, Application.fair_id == Fair.id)
        .where(
            Fair.circuit_id == circuit.id,
            Application.status == ApplicationStatus.APPROVED.value,
        )
        .order_by(VendorProfile.business_name, VendorProfile.id)
    )
    attending: dict[int, tuple[VendorProfile, set[int]]] = {}
    for vendor, fair_id in db.session.execute(stmt):
        attending.setdefault(vendor.id, (vendor, set()))[1].add(fair_id)
    return list(attending.values())
