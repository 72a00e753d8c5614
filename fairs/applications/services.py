"""Applications to fairs: entrepreneurs apply, edit and withdraw; organisers decide.

Services flush and never commit; the route commits once. Each failure raises `Refused` with a
message for the person, and changes nothing. Status changes go through APPLICATION_STATES, a
guarded write: of an organiser's decision and the entrepreneur's withdrawal sent at the same
moment, one wins and the other is told that someone else changed the application.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.exc import IntegrityError

from fairs.applications.models import (
    APPLICATION_STATES,
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationStatus,
)
from fairs.assignment.booking import changed_meanwhile, lock
from fairs.fairs.models import Fair, FairStatus
from marketplace.core import audit
from marketplace.core.auth.models import User, utcnow
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.timeutil import local_today
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile
from vendors.taxonomy import CATEGORIES

STATUS_LABELS = {
    ApplicationStatus.SUBMITTED.value: _l("Waiting for review"),
    ApplicationStatus.APPROVED.value: _l("Approved"),
    ApplicationStatus.WAITLISTED.value: _l("Waitlisted"),
    ApplicationStatus.REJECTED.value: lazy_pgettext("application status", "Rejected"),
    ApplicationStatus.WITHDRAWN.value: _l("Withdrawn"),
}
#: What an organiser may decide, and the verb shown on the button.
DECISIONS = {
    ApplicationStatus.APPROVED.value: _l("Approve"),
    ApplicationStatus.WAITLISTED.value: _l("Put on the waiting list"),
    ApplicationStatus.REJECTED.value: _l("Reject"),
}
#: Statuses in which the entrepreneur may still change the application.
EDITABLE = {
    ApplicationStatus.SUBMITTED.value,
    ApplicationStatus.WAITLISTED.value,
    ApplicationStatus.APPROVED.value,
}


@dataclass
class Choices:
    """What the entrepreneur fills in on the application form."""

    product_ids: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    needs_power: bool = False
    needs_step_free: bool = False
    needs_shade: bool = False
    note: str = ""


@dataclass
class BulkResult:
    changed: list[Application]
    skipped: list[Application]


def window_open(fair: Fair, today: date | None = None) -> bool:
    """Whether the fair takes applications today: open, and inside its dates if it has them."""
    today = today or local_today()
    if fair.status != FairStatus.OPEN.value:
        return False
    if fair.applications_open_on and today < fair.applications_open_on:
        return False
    return not (fair.applications_close_on and today > fair.applications_close_on)


def visible_products(vendor: VendorProfile) -> list[Product]:
    """The products an entrepreneur can say they will bring."""
    stmt = (
        db.select(Product)
        .where(Product.vendor_id == vendor.id, Product.visible, Product.deleted_at.is_(None))
        .order_by(Product.title, Product.id)
    )
    return list(db.session.scalars(stmt))


def find_application(fair: Fair, vendor: VendorProfile) -> Application | None:
    stmt = db.select(Application).where(
        Application.fair_id == fair.id, Application.vendor_id == vendor.id
    )
    return db.session.scalar(stmt)


def apply(vendor: VendorProfile, fair: Fair, choices: Choices, today: date | None = None):
    """Submit a vendor's application to a fair (or resubmit a withdrawn one)."""
    if not vendor.is_verified:
        raise Refused(
            _("Your profile must be verified by the organisers before you can apply to a fair.")
        )
    _check_window(fair, today)
    _check_choices(vendor, choices)
    application = find_application(fair, vendor)
    if application is not None and application.status != ApplicationStatus.WITHDRAWN.value:
        raise _already_applied(fair)
    if application is not None:
        _fill(application, choices)
        APPLICATION_STATES.move(
            application, ApplicationStatus.SUBMITTED.value, decision_reason="", decided_at=None
        )
        db.session.flush()
    else:
        try:
            # Two taps on a slow phone race here: the unique (fair, vendor) pair settles it,
            # and the savepoint drops the loser's row so the rest of the request can go on.
            with db.session.begin_nested():
                application = Application(
                    fair_id=fair.id, vendor_id=vendor.id, status=ApplicationStatus.SUBMITTED.value
                )
                _fill(application, choices)
                db.session.add(application)
        except IntegrityError:
            raise _already_applied(fair) from None
    audit.record(vendor.user, "application.submitted", "application", application.id)
    return application


def apply_to_fairs(
    vendor: VendorProfile, fairs: list[Fair], choices: Choices, today: date | None = None
) -> tuple[list[Application], list[str]]:
    """Apply to several fairs of a circuit in one go: the applications made, and one
    message per fair that refused (the others still go ahead)."""
    made, problems = [], []
    for fair in fairs:
        try:
            made.append(apply(vendor, fair, choices, today))
        except Refused as e:
            problems.append(str(e))
    return made, problems


def update_application(application: Application, choices: Choices, today=None) -> None:
    """The entrepreneur changes what they bring or need, while the window is open."""
    if application.status not in EDITABLE:
        raise Refused(_("This application can no longer be changed."))
    _check_window(application.fair, today)
    _check_choices(application.vendor, choices)
    _fill(application, choices)
    audit.record(application.vendor.user, "application.updated", "application", application.id)
    db.session.flush()


def withdraw(application: Application, today: date | None = None) -> None:
    """The entrepreneur withdraws; any booth they held is free again."""
    _check_transition(application, ApplicationStatus.WITHDRAWN.value)
    _check_window(application.fair, today)
    held = _locked_booth(application)
    APPLICATION_STATES.move(application, ApplicationStatus.WITHDRAWN.value, **_no_booth())
    audit.record(
        application.vendor.user,
        "application.withdrawn",
        "application",
        application.id,
        freed_booth_id=held,
    )
    db.session.flush()


def decide(
    actor: User, application: Application, status: str, reason: str = "", seen: str | None = None
) -> None:
    """An organiser approves, waitlists or rejects; leaving approved frees the booth. `seen` is
    the status the organiser's page showed: a decision taken on a stale page is refused."""
    if seen is not None and seen != application.status:
        raise changed_meanwhile()
    if status not in DECISIONS:
        raise Refused(_("Choose approve, waiting list or reject."), code="bad_decision", status=400)
    _check_transition(application, status)
    held = _locked_booth(application)
    freed = status != ApplicationStatus.APPROVED.value
    reason = (reason or "").strip()[:500]
    APPLICATION_STATES.move(
        application,
        status,
        decision_reason=reason,
        decided_at=utcnow(),
        **(_no_booth() if freed else {}),
    )
    audit.record(
        actor,
        f"application.{status}",
        "application",
        application.id,
        reason=reason,
        freed_booth_id=held if freed else None,
    )
    db.session.flush()


def _locked_booth(application: Application) -> int | None:
    """Lock the row and read the booth it really holds, so the audit entry names it; refuse
    when its status changed since this request read it."""
    row = lock(application)
    if row.status != application.status:
        raise changed_meanwhile()
    return row.booth_id


def _no_booth() -> dict:
    return {"booth_id": None, "booth_manual": False, "checked_in_at": None}


def bulk_decide(
    actor: User, fair: Fair, application_ids: list[int], status: str, reason: str = ""
) -> BulkResult:
    """Decide many applications of one fair; those the transitions forbid are skipped."""
    if status not in DECISIONS:
        raise Refused(_("Choose approve, waiting list or reject."), code="bad_decision", status=400)
    stmt = (
        db.select(Application)
        .where(Application.fair_id == fair.id, Application.id.in_(set(application_ids)))
        .order_by(Application.id)
    )
    result = BulkResult(changed=[], skipped=[])
    for application in db.session.scalars(stmt):
        if not APPLICATION_STATES.allows(application.status, status):
            result.skipped.append(application)
            continue
        try:
            decide(actor, application, status, reason)
        except Refused:
            # Lost a race before writing anything; the others still go ahead.
            result.skipped.append(application)
        else:
            result.changed.append(application)
    return result


def _already_applied(fair: Fair) -> Refused:
    return Refused(
        _(
            "You have already applied to %(fair)s. You can change your application under My applications.",
            fair=fair.name,
        )
    )


def _check_window(fair: Fair, today: date | None) -> None:
    if not window_open(fair, today):
        raise Refused(_("Applications to %(fair)s are not open at this time.", fair=fair.name))


def _check_transition(application: Application, status: str) -> None:
    allowed = APPLICATION_TRANSITIONS[ApplicationStatus(application.status)]
    if status not in allowed:
        raise Refused(
            _(
                "An application that is “%(current)s” cannot change to “%(new)s”.",
                current=STATUS_LABELS[application.status],
                new=STATUS_LABELS[status],
            )
        )


def _check_choices(vendor: VendorProfile, choices: Choices) -> None:
    own = {p.id for p in visible_products(vendor)}
    if not set(choices.product_ids) <= own:
        raise Refused(_("Choose only products from your own catalogue."))
    if not set(choices.categories) <= set(CATEGORIES):
        raise Refused(_("Choose categories from the list."))
    if not (choices.product_ids or choices.categories):
        raise Refused(_("Choose at least one product or category that you will bring."))


def _fill(application: Application, choices: Choices) -> None:
    application.product_ids = sorted(set(choices.product_ids))
    application.categories = sorted(set(choices.categories))
    application.needs_power = choices.needs_power
    application.needs_step_free = choices.needs_step_free
    application.needs_shade = choices.needs_shade
    application.note = choices.note.strip()[:1000]
