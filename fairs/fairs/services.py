"""Running fairs: create and edit them, move their status, and their circuits.

Every function checks its own rules and raises `Refused` with a message for the person; nothing
is changed when it does. Functions flush; the caller commits (with the audit entry they add).
Status moves go through FAIR_STATES, so of two organisers acting on one fair at once, one wins and
the other is told, rather than both "winning".
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import pgettext

from fairs.fairs.models import FAIR_STATES, FAIR_TRANSITIONS, Circuit, Fair, FairStatus
from marketplace.core import audit
from marketplace.core.auth.models import User
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from vendors.taxonomy import DEPARTMENTS

#: The fields of a fair an organiser sets on the form.
EDITABLE = (
    "name",
    "city",
    "department",
    "venue",
    "description",
    "starts_on",
    "ends_on",
    "opens_at",
    "closes_at",
    "applications_open_on",
    "applications_close_on",
    "capacity",
    "circuit_id",
    "closing_ceremony",
)
MAX_CAPACITY = 600


@dataclass
class FairDetails:
    """What an organiser types about a fair; the form fills it, the service checks it."""

    name: str
    city: str
    department: str
    venue: str
    starts_on: date
    ends_on: date
    description: str = ""
    opens_at: time | None = None
    closes_at: time | None = None
    applications_open_on: date | None = None
    applications_close_on: date | None = None
    capacity: int | None = None
    circuit_id: int | None = None
    closing_ceremony: bool = False


def create_fair(actor: User, details: FairDetails) -> Fair:
    """A new fair, as a draft nobody outside the ministry sees yet."""
    check_details(details)
    fair = Fair(slug=unique_slug(details.name, details.starts_on), status=FairStatus.DRAFT.value)
    _apply(fair, details)
    db.session.add(fair)
    db.session.flush()
    audit.record(actor, "fair.created", "fair", fair.id, name=fair.name)
    return fair


def update_fair(actor: User, fair: Fair, details: FairDetails) -> Fair:
    if fair.status in (FairStatus.FINISHED.value, FairStatus.CANCELLED.value):
        raise Refused(_("A finished or cancelled fair can no longer be changed."))
    check_details(details)
    changed = [name for name in EDITABLE if getattr(fair, name) != getattr(details, name)]
    _apply(fair, details)
    db.session.flush()
    if changed:
        audit.record(actor, "fair.updated", "fair", fair.id, fields=changed)
    return fair


def change_status(actor: User, fair: Fair, new_status: str, seen: str | None = None) -> Fair:
    """Move a fair along FAIR_TRANSITIONS; any other jump is refused, and so is a move from a
    status other than `seen`, the one the organiser's page showed."""
    if seen is not None and seen != fair.status:
        raise Refused(_("Someone else changed this a moment ago. Reload the page to see it."))
    try:
        target = FairStatus(new_status)
    except ValueError:
        raise Refused(_("This status does not exist.")) from None
    if target not in FAIR_TRANSITIONS[FairStatus(fair.status)]:
        raise Refused(
            _(
                "A fair cannot go from “%(current)s” to “%(target)s”.",
                current=status_label(fair.status),
                target=status_label(target),
            )
        )
    previous = fair.status
    FAIR_STATES.move(fair, target.value)
    audit.record(actor, "fair.status_changed", "fair", fair.id, previous=previous, status=target)
    return fair


def status_label(status: str) -> str:
    return str(status_labels()[FairStatus(status)])


def status_labels() -> dict[FairStatus, str]:
    return {
        FairStatus.DRAFT: _("Draft"),
        FairStatus.OPEN: _("Open for applications"),
        FairStatus.CLOSED: _("Applications closed"),
        FairStatus.LIVE: _("Fair day"),
        FairStatus.FINISHED: _("Finished"),
        FairStatus.CANCELLED: pgettext("fair status", "Cancelled"),
    }


def check_details(d: FairDetails) -> None:
    """The rules a fair's dates and numbers follow, whatever form or script sent them."""
    if d.department not in DEPARTMENTS:
        raise Refused(_("Choose one of Honduras' 18 departments."), field="department", status=422)
    if d.ends_on < d.starts_on:
        raise Refused(_("The fair cannot end before it starts."), field="ends_on", status=422)
    if (d.opens_at is None) != (d.closes_at is None):
        raise Refused(
            _("Give both the opening and the closing time, or neither."),
            field="closes_at",
            status=422,
        )
    if d.opens_at is not None and d.closes_at <= d.opens_at:
        raise Refused(_("The fair must close after it opens."), field="closes_at", status=422)
    _check_window(d)
    if d.circuit_id is not None and db.session.get(Circuit, d.circuit_id) is None:
        raise Refused(_("Choose a circuit from the list."), field="circuit_id", status=422)
    if d.capacity is not None and not 1 <= d.capacity <= MAX_CAPACITY:
        raise Refused(
            _("Capacity must be between 1 and %(max)s vendors.", max=MAX_CAPACITY),
            field="capacity",
            status=422,
        )


def _check_window(d: FairDetails) -> None:
    opens, closes = d.applications_open_on, d.applications_close_on
    if opens and closes and closes < opens:
        raise Refused(
            _("Applications cannot close before they open."),
            field="applications_close_on",
            status=422,
        )
    if closes and closes > d.starts_on:
        raise Refused(
            _("Applications must close on or before the first day of the fair."),
            field="applications_close_on",
            status=422,
        )
    if opens and opens > d.starts_on:
        raise Refused(
            _("Applications must open before the fair starts."),
            field="applications_open_on",
            status=422,
        )


def _apply(fair: Fair, d: FairDetails) -> None:
    for name in EDITABLE:
        setattr(fair, name, getattr(d, name))


def unique_slug(name: str, starts_on: date) -> str:
    """`feria-de-emprendimiento-tela-2027`, with -2, -3... when taken."""
    stem = re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")[:60] or "feria"
    stem = f"{stem}-{starts_on.year}"
    taken = set(db.session.scalars(db.select(Fair.slug).where(Fair.slug.like(f"{stem}%"))))
    slug, n = stem, 2
    while slug in taken:
        slug, n = f"{stem}-{n}", n + 1
    return slug


def create_circuit(actor: User, name: str) -> Circuit:
    stem = re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")[:70] or "circuito"
    taken = set(db.session.scalars(db.select(Circuit.slug).where(Circuit.slug.like(f"{stem}%"))))
    slug, n = stem, 2
    while slug in taken:
        slug, n = f"{stem}-{n}", n + 1
    circuit = Circuit(slug=slug, name=name)
    db.session.add(circuit)
    db.session.flush()
    audit.record(actor, "circuit.created", "circuit", circuit.id, name=name)
    return circuit


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
