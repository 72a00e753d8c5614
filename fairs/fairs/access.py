"""Loaders for the organisers' pages: each loads an object and checks who may touch it, and the
few numbers these pages read from forms and query strings."""

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from fairs.applications.models import Application
from fairs.fairs.models import Circuit, Fair
from fairs.layout.models import Booth
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.inputs import to_id


def _staff_only() -> None:
    if not (current_user.is_authenticated and current_user.is_staff):
        abort(403)


def load_fair(fair_id) -> Fair:
    """A fair for organisers (any status); 404 when it does not exist or the id is no id (the
    impact report passes one from its query string)."""
    _staff_only()
    fair_id = to_id(fair_id)
    if fair_id is None:
        abort(404)
    return db.get_or_404(Fair, fair_id)


def load_booth(fair: Fair, booth_id: int | None) -> Booth:
    """A booth of this fair; a booth of another fair is as missing as one that never existed."""
    booth = db.session.get(Booth, booth_id) if booth_id else None
    if booth is None or booth.fair_id != fair.id:
        abort(404)
    return booth


def load_application(fair: Fair, application_id: int | None) -> Application:
    """An application of this fair; one of another fair is not found here."""
    application = db.session.get(Application, application_id) if application_id else None
    if application is None or application.fair_id != fair.id:
        abort(404)
    return application


def load_circuit(circuit_id: int) -> Circuit:
    _staff_only()
    return db.get_or_404(Circuit, circuit_id)


def form_id(name: str) -> int | None:
    """An id sent in a form field, or None when the field is missing or empty; a 400 with a
    message when it is there but is no id."""
    raw = request.form.get(name, "")
    if not raw.strip():
        return None
    number = to_id(raw)
    if number is None:
        raise Refused(_("This form is damaged. Please reload the page."), code="bad_id", status=400)
    return number


def form_ids(name: str) -> list[int]:
    """The ids ticked in a list of checkboxes; a value that is no id names nothing to act on."""
    return [number for number in map(to_id, request.form.getlist(name)) if number is not None]
