"""Loaders for the organisers' pages: each loads an object and checks who may touch it."""

from flask import abort
from flask_login import current_user

from fairs.models import Application, Booth, Circuit, Fair
from marketplace.extensions import db


def _staff_only() -> None:
    if not (current_user.is_authenticated and current_user.is_staff):
        abort(403)


def load_fair(fair_id: int) -> Fair:
    """A fair for organisers (any status); 404 when it does not exist."""
    _staff_only()
    return db.get_or_404(Fair, fair_id)


def load_booth(fair: Fair, booth_id: int) -> Booth:
    """A booth of this fair; a booth of another fair is as missing as one that never existed."""
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.fair_id != fair.id:
        abort(404)
    return booth


def load_application(fair: Fair, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or application.fair_id != fair.id:
        abort(404)
    return application


def load_circuit(circuit_id: int) -> Circuit:
    _staff_only()
    return db.get_or_404(Circuit, circuit_id)
