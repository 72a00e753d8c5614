"""Automatic booth assignment for a fair: a preview first, then saving exactly that preview.

The plan is worked out from the database by `fairs.assignment.plan.assign_booths`, which is
deterministic, and carries an HMAC digest of itself. Saving works the plan out again and
saves it only when its digest matches the one the organiser confirmed: if anything changed
in between (an application, a booth, another organiser's assignment), the organiser sees
the new preview instead of a surprise.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from fairs.applications.models import Application, ApplicationStatus
from fairs.assignment import plan as assignment
from fairs.assignment.booking import FOOD_ZONE, move_booth, request_for, slots_for
from fairs.fairs.models import Fair
from fairs.layout.models import Booth
from marketplace.core import audit
from marketplace.core.auth.models import User
from marketplace.core.errors import Refused
from marketplace.core.extensions import db

REASON_LABELS = {
    assignment.NO_POWER: _l("No free booth with power"),
    assignment.NO_STEP_FREE: _l("No free booth with step-free access"),
    assignment.NO_FOOD_ZONE: _l("No free booth in the food zone"),
    assignment.NO_FREE_BOOTH: _l("No free booth left"),
    assignment.DUPLICATE_VENDOR: _l("This vendor already has a booth"),
}


class PlanChanged(Exception):
    """The data changed since the preview; carries the new one."""

    def __init__(self, preview: "Preview"):
        super().__init__("the assignment plan changed")
        self.preview = preview


@dataclass(frozen=True)
class Preview:
    fair_id: int
    placed: list[tuple[Application, Booth]]  #: new assignments, by booth position
    unassigned: list[tuple[Application, str]]  #: application and reason code
    same_category_neighbours: int
    digest: str

    @property
    def is_empty(self) -> bool:
        return not (self.placed or self.unassigned)


def preview_auto_assignment(fair: Fair) -> Preview:
    """Where each approved application without a booth would go; nothing is saved."""
    booths = list(db.session.scalars(db.select(Booth).where(Booth.fair_id == fair.id)))
    approved = list(
        db.session.scalars(
            db.select(Application)
            .where(
                Application.fair_id == fair.id,
                Application.status == ApplicationStatus.APPROVED.value,
            )
            .options(selectinload(Application.vendor))
        )
    )
    held_elsewhere = _held_by_others(fair, {a.id for a in approved})
    booth_ids = {b.id for b in booths}
    # Whoever already holds a booth keeps it, hand-picked or not: people have been told.
    requests = [
        request_for(a, manual_booth_id=a.booth_id if a.booth_id in booth_ids else None)
        for a in approved
    ]
    slots = [_out_of_use(s) if s.id in held_elsewhere else s for s in slots_for(booths)]
    result = assignment.assign_booths(slots, requests, food_zone=FOOD_ZONE)
    by_id = {a.id: a for a in approved}
    booth_by_id = {b.id: b for b in booths}
    placed = sorted(
        (
            (by_id[app_id], booth_by_id[booth_id])
            for app_id, booth_id in result.assignments.items()
            if by_id[app_id].booth_id is None
        ),
        key=lambda pair: (pair[1].row, pair[1].col),
    )
    unassigned = [(by_id[app_id], reason) for app_id, reason in result.unassigned.items()]
    plan = {
        "fair": fair.id,
        "placed": [[a.id, b.id] for a, b in placed],
        "unassigned": [[a.id, reason] for a, reason in unassigned],
    }
    return Preview(fair.id, placed, unassigned, result.same_category_neighbours, _sign(plan))


def save_auto_assignment(actor: User, fair: Fair, digest: str) -> Preview:
    """Save the previewed plan; raises PlanChanged when the plan is no longer the same."""
    preview = preview_auto_assignment(fair)
    if not hmac.compare_digest(preview.digest, digest or ""):
        raise PlanChanged(preview)
    try:
        with db.session.begin_nested():
            for application, booth in preview.placed:
                move_booth(application, booth.id, expected=None)
    except Refused:
        # Another organiser took one of these booths, or placed one of these vendors, this
        # very moment: the savepoint drops the whole plan and the organiser sees a new one.
        db.session.expire_all()
        raise PlanChanged(preview_auto_assignment(fair)) from None
    audit.record(
        actor,
        "fair.booths_auto_assigned",
        "fair",
        fair.id,
        placed={a.id: b.code for a, b in preview.placed},
        unassigned={a.id: reason for a, reason in preview.unassigned},
    )
    return preview


def _held_by_others(fair: Fair, approved_ids: set[int]) -> set[int]:
    """Booths of this fair held by applications that are not approved (should be none)."""
    stmt = (
        db.select(Application.id, Application.booth_id)
        .join(Booth, Booth.id == Application.booth_id)
        .where(Booth.fair_id == fair.id)
    )
    return {booth_id for app_id, booth_id in db.session.execute(stmt) if app_id not in approved_ids}


def _out_of_use(slot: assignment.BoothSlot) -> assignment.BoothSlot:
    return assignment.BoothSlot(**{**slot.__dict__, "unavailable": True})


def _sign(plan: dict) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = json.dumps(plan, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, b"auto-assignment:" + message, hashlib.sha256).hexdigest()
