"""The fair day: vendors marked present at their booth, and booths taken back from no-shows.

Every function checks its own rules and raises `Refused` with a message for the person; nothing
is changed when it does. Functions flush; the caller commits (with the audit entry they add).
Check-in is a guarded UPDATE and freeing a booth goes through booking.move_booth, so of two
organisers acting on one vendor at once, one wins and the other is told.
"""

from datetime import datetime, time

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from fairs.applications.models import Application, ApplicationStatus
from fairs.assignment.booking import lock, move_booth
from fairs.fairs.models import Fair, FairStatus
from marketplace.core import audit
from marketplace.core.auth.models import User, utcnow
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.timeutil import LOCAL_TZ, local_now


def check_in(actor: User, application: Application) -> Application:
    """Mark a vendor present at their booth. Marking twice (or two organisers at once) records
    one check-in: the UPDATE only matches a vendor not yet present."""
    _check_fair_day(application.fair)
    if application.status != ApplicationStatus.APPROVED.value or application.booth_id is None:
        raise _not_checkable()
    if application.checked_in_at is not None:
        return application
    now = utcnow()
    matched = _set_check_in(
        application,
        now,
        Application.checked_in_at.is_(None),
        Application.status == ApplicationStatus.APPROVED.value,
        Application.booth_id.is_not(None),
    )
    if matched:
        audit.record(actor, "application.checked_in", "application", application.id)
    elif lock(application).checked_in_at is None:
        raise _not_checkable()  # it lost its booth or its approval meanwhile
    return application


def undo_check_in(actor: User, application: Application) -> Application:
    """For a mistaken tap on the wrong name."""
    _check_fair_day(application.fair)
    if application.checked_in_at is not None and _set_check_in(
        application, None, Application.checked_in_at.is_not(None)
    ):
        audit.record(actor, "application.check_in_undone", "application", application.id)
    return application


def _set_check_in(application: Application, value, *guard) -> bool:
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id, *guard)
        .values(checked_in_at=value)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        set_committed_value(application, "checked_in_at", value)
        return True
    db.session.expire(application)
    return False


def _not_checkable() -> Refused:
    return Refused(_("Only an approved vendor with a booth can be marked present."))


def has_opened(fair: Fair) -> bool:
    """Whether the fair's first day has reached its opening time (local time): from then on,
    vendors not checked in are no-shows."""
    opening = datetime.combine(fair.starts_on, fair.opens_at or time(0), LOCAL_TZ)
    return local_now() >= opening


def free_booth(actor: User, application: Application) -> str:
    """Take the booth back from a vendor who did not come, so it can go to the waitlist."""
    if application.booth is None:
        raise Refused(_("This vendor has no booth to free."))
    if application.checked_in_at is not None:
        raise _present()
    code = application.booth.code
    try:
        move_booth(application, None, expected=application.booth_id, only_if_absent=True)
    except Refused:
        # The vendor arrived (or the booth changed hands) while the organiser was deciding.
        if lock(application).checked_in_at is not None:
            raise _present() from None
        raise
    audit.record(actor, "application.booth_freed", "application", application.id, booth=code)
    return code


def _present() -> Refused:
    return Refused(_("This vendor is marked present; undo that first if it was a mistake."))


def _check_fair_day(fair: Fair) -> None:
    if fair.status not in (FairStatus.CLOSED.value, FairStatus.LIVE.value):
        raise Refused(
            _("Vendors can be marked present only when the fair is about to start or on.")
        )
