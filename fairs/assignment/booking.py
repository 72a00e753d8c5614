"""Booth assignment by hand: assign, move, swap and unassign an approved application's booth.

Every write of `applications.booth_id` goes through `move_booth`: one guarded UPDATE that
only matches while the application still holds the booth the caller saw, so when two
organisers change one application at once the second finds the row changed, is refused and
writes nothing, and the audit trail's "from" is the truth. `applications.booth_id` is unique,
so two applications given one booth at once cannot both win either: the loser's UPDATE fails
inside a savepoint and becomes a clear `Refused`.
"""

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from fairs.applications.models import Application, ApplicationStatus
from fairs.assignment.plan import BoothSlot, Request, booth_fits, default_rank
from fairs.fairs.models import Fair
from fairs.layout.models import Booth
from marketplace.core import audit
from marketplace.core.auth.models import User
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from vendors.taxonomy import FOOD_CATEGORIES

#: `expected` when the caller has no view of its own: the booth held when the request read it.
AS_READ = object()

FOOD_ZONE = "food"


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


def changed_meanwhile() -> Refused:
    return Refused(
        _(
            "Someone else changed this application a moment ago. Nothing of yours was saved: reload the page to see it."
        ),
        code="conflict",
    )


def lock(application: Application):
    """Lock the application's row until commit and read its current status, booth and check-in,
    without touching the loaded object (the caller still acts on what it saw)."""
    return db.session.execute(
        db.select(Application.status, Application.booth_id, Application.checked_in_at)
        .where(Application.id == application.id)
        .with_for_update()
    ).one()


def move_booth(
    application: Application,
    booth_id: int | None,
    *,
    expected: int | None,
    manual: bool = False,
    only_if_absent: bool = False,
    keep_check_in: bool = False,
) -> None:
    """Change the application's booth from `expected` to `booth_id` in one guarded UPDATE.

    It matches only while the row still holds `expected` (and, to take a booth, is still
    approved; with `only_if_absent`, not checked in), so a concurrent change makes it refuse
    instead of overwriting. Losing a booth clears the check-in (present means at a booth),
    except halfway through a swap.
    """
    guard = [Application.id == application.id, Application.booth_id.is_not_distinct_from(expected)]
    if booth_id is not None:
        guard.append(Application.status == ApplicationStatus.APPROVED.value)
    if only_if_absent:
        guard.append(Application.checked_in_at.is_(None))
    values = {"booth_id": booth_id, "booth_manual": manual}
    if booth_id is None and not keep_check_in:
        values["checked_in_at"] = None
    try:
        with db.session.begin_nested():
            result = db.session.execute(
                update(Application)
                .where(*guard)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        raise _taken(db.session.get(Booth, booth_id)) from None
    if result.rowcount != 1:
        raise changed_meanwhile()
    for name, value in values.items():
        set_committed_value(application, name, value)
    _forget_occupants(application, expected, booth_id)


def _forget_occupants(application: Application, *booth_ids: int | None) -> None:
    """The relationships on both sides were loaded before the UPDATE; reload them when read."""
    db.session.expire(application, ["booth"])
    for booth_id in booth_ids:
        booth = db.session.identity_map.get(identity_key(Booth, booth_id)) if booth_id else None
        if booth is not None:
            db.session.expire(booth, ["application"])


def assign_booth(
    actor: User, application: Application, booth: Booth, expected: int | None = AS_READ
) -> None:
    """Give an approved application this booth (or move it here from `expected`, the booth the
    organiser saw it hold; by default the one it held when this request read it)."""
    expected = application.booth_id if expected is AS_READ else expected
    _check_approved(application)
    if booth.fair_id != application.fair_id:
        raise Refused(_("That booth belongs to another fair."))
    if booth.unavailable:
        raise Refused(_("Booth %(code)s is out of use.", code=booth.code))
    if application.booth_id != expected:
        raise changed_meanwhile()
    holder = holder_of(booth)
    if holder is not None and holder.id != application.id:
        raise _taken(booth)
    if not fits(booth, application):
        raise Refused(
            _(
                "Booth %(code)s does not meet this vendor's needs (power, step-free access or food zone).",
                code=booth.code,
            )
        )
    move_booth(application, booth.id, expected=expected, manual=True)
    action = "application.booth_moved" if expected else "application.booth_assigned"
    audit.record(actor, action, "application", application.id, booth=booth.code, from_id=expected)


def unassign(actor: User, application: Application, expected: int | None = AS_READ) -> None:
    expected = application.booth_id if expected is AS_READ else expected
    if application.booth_id is None:
        raise Refused(_("This application has no booth."))
    if application.booth_id != expected:
        raise changed_meanwhile()
    move_booth(application, None, expected=expected)
    audit.record(
        actor, "application.booth_unassigned", "application", application.id, from_id=expected
    )


def swap(actor: User, first: Application, second: Application) -> None:
    """Two approved applications of one fair exchange booths."""
    for application in (first, second):
        _check_approved(application)
        if application.booth_id is None:
            raise Refused(_("Both applications must have a booth to swap them."))
    if first.fair_id != second.fair_id or first.id == second.id:
        raise Refused(_("Choose another application of the same fair."))
    booth_a, booth_b = db.session.get(Booth, first.booth_id), db.session.get(Booth, second.booth_id)
    if not (fits(booth_b, first) and fits(booth_a, second)):
        raise Refused(_("These booths do not meet both vendors' needs, so they cannot swap."))
    # booth_id is unique even mid-transaction: free one booth before taking it. Each step is
    # guarded, so a booth changed by someone else meanwhile refuses the whole swap.
    move_booth(first, None, expected=booth_a.id, keep_check_in=True)
    move_booth(second, booth_a.id, expected=booth_b.id, manual=True)
    move_booth(first, booth_b.id, expected=None, manual=True)
    codes = [booth_a.code, booth_b.code]
    audit.record(
        actor, "application.booths_swapped", "application", first.id, other=second.id, booths=codes
    )


def _check_approved(application: Application) -> None:
    if application.status != ApplicationStatus.APPROVED.value:
        raise Refused(_("Only approved applications can have a booth."))


def _taken(booth: Booth) -> Refused:
    return Refused(
        _("Booth %(code)s is already taken. Please choose another one.", code=booth.code),
        code="booth_taken",
    )
