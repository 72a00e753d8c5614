"""Booth assignment by hand: assign, move, swap and unassign an approved application's booth.

The database has the last word: `applications.booth_id` is unique, so two organisers who
pick the same booth at the same moment cannot both win. The loser's flush fails inside a
savepoint and becomes a `BookingError` with a clear message; nothing else changes.
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from fairs.assignment import BoothSlot, Request, booth_fits, default_rank
from fairs.models import Application, ApplicationStatus, Booth, Fair
from marketplace import audit
from marketplace.auth.models import User
from marketplace.extensions import db
from vendors.taxonomy import FOOD_CATEGORIES

FOOD_ZONE = "food"


class BookingError(Exception):
    """An assignment the rules refuse; str() is the message for the organiser."""


def slots_for(booths: list[Booth]) -> list[BoothSlot]:
    """The assignment's view of a layout, ranked from the grid position (front, centre first)."""
    rows = max((b.row for b in booths), default=0) + 1
    cols = max((b.col for b in booths), default=0) + 1
    return [
        BoothSlot(
            id=b.id,
            code=b.code,
            row=b.row,
            col=b.col,
            has_power=b.has_power,
            step_free=b.step_free,
            shade=b.shade,
            zone=b.zone,
            unavailable=b.unavailable,
            rank=default_rank(b.row, b.col, rows, cols),
        )
        for b in booths
    ]


def request_for(application: Application, manual_booth_id: int | None = None) -> Request:
    category = application.vendor.category
    return Request(
        id=application.id,
        vendor_id=application.vendor_id,
        category=category,
        needs_power=application.needs_power,
        needs_step_free=application.needs_step_free,
        wants_shade=application.needs_shade,
        is_food=category in FOOD_CATEGORIES,
        manual_booth_id=manual_booth_id,
    )


def food_zone_of(fair: Fair) -> str | None:
    return FOOD_ZONE if any(b.zone == FOOD_ZONE for b in fair.booths) else None


def fits(booth: Booth, application: Application) -> bool:
    """The hard rules: power, step-free access, food vendors in the food zone, in use."""
    zone = food_zone_of(booth.fair)
    return booth_fits(slots_for([booth])[0], request_for(application), food_zone=zone)


def holder_of(booth: Booth) -> Application | None:
    return db.session.scalar(db.select(Application).where(Application.booth_id == booth.id))


def free_booths_for(application: Application) -> list[Booth]:
    """Booths of the application's fair that nobody holds and that meet its needs."""
    held = db.select(Application.booth_id).where(Application.booth_id.is_not(None))
    stmt = (
        db.select(Booth)
        .where(Booth.fair_id == application.fair_id, Booth.id.not_in(held))
        .order_by(Booth.row, Booth.col)
    )
    booths = list(db.session.scalars(stmt))
    zone, request = food_zone_of(application.fair), request_for(application)
    return [
        b
        for b, slot in zip(booths, slots_for(booths), strict=True)
        if booth_fits(slot, request, food_zone=zone)
    ]


def assign_booth(actor: User, application: Application, booth: Booth) -> None:
    """Give an approved application this booth (or move it here from its old one)."""
    _check_approved(application)
    if booth.fair_id != application.fair_id:
        raise BookingError(_("That booth belongs to another fair."))
    if booth.unavailable:
        raise BookingError(_("Booth %(code)s is out of use.", code=booth.code))
    holder = holder_of(booth)
    if holder is not None and holder.id != application.id:
        raise _taken(booth)
    if not fits(booth, application):
        raise BookingError(
            _(
                "Booth %(code)s does not meet this vendor's needs (power, step-free access or food zone).",
                code=booth.code,
            )
        )
    old = application.booth_id
    try:
        # Changed inside the savepoint: begin_nested() flushes what is pending before it.
        with db.session.begin_nested():
            application.booth_id = booth.id
            application.booth_manual = True
    except IntegrityError:
        raise _taken(booth) from None
    action = "application.booth_moved" if old else "application.booth_assigned"
    audit.record(actor, action, "application", application.id, booth=booth.code, from_id=old)


def unassign(actor: User, application: Application) -> None:
    if application.booth_id is None:
        raise BookingError(_("This application has no booth."))
    old = application.booth_id
    application.booth_id = None
    application.booth_manual = False
    db.session.flush()
    audit.record(actor, "application.booth_unassigned", "application", application.id, from_id=old)


def swap(actor: User, first: Application, second: Application) -> None:
    """Two approved applications of one fair exchange booths."""
    for application in (first, second):
        _check_approved(application)
        if application.booth_id is None:
            raise BookingError(_("Both applications must have a booth to swap them."))
    if first.fair_id != second.fair_id or first.id == second.id:
        raise BookingError(_("Choose another application of the same fair."))
    booth_a, booth_b = db.session.get(Booth, first.booth_id), db.session.get(Booth, second.booth_id)
    if not (fits(booth_b, first) and fits(booth_a, second)):
        raise BookingError(_("These booths do not meet both vendors' needs, so they cannot swap."))
    try:
        with db.session.begin_nested():
            # booth_id is unique even mid-transaction: free one booth before taking it.
            first.booth_id = None
            db.session.flush()
            second.booth_id, second.booth_manual = booth_a.id, True
            db.session.flush()
            first.booth_id, first.booth_manual = booth_b.id, True
    except IntegrityError:
        raise BookingError(
            _("Someone changed these booths at the same time. Please look and try again.")
        ) from None
    codes = [booth_a.code, booth_b.code]
    audit.record(
        actor, "application.booths_swapped", "application", first.id, other=second.id, booths=codes
    )


def _check_approved(application: Application) -> None:
    if application.status != ApplicationStatus.APPROVED.value:
        raise BookingError(_("Only approved applications can have a booth."))


def _taken(booth: Booth) -> BookingError:
    return BookingError(
        _("Booth %(code)s is already taken. Please choose another one.", code=booth.code)
    )
