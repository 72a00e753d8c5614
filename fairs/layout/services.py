"""Booth layouts: a grid of booths per fair, and the details of each booth."""

import string
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fairs.applications.models import Application
from fairs.fairs.models import Fair
from fairs.layout.models import Booth
from marketplace.core import audit
from marketplace.core.auth.models import User
from marketplace.core.errors import Refused
from marketplace.core.extensions import db

MAX_ROWS = len(string.ascii_uppercase)  # one letter per row: A..Z
MAX_COLS = 40
MAX_BOOTHS = 600
#: The zone the automatic assignment treats as the food area.
FOOD_ZONE = "food"
#: Zone code ("" = general area) -> label.
ZONES = {"": _l("General area"), FOOD_ZONE: _l("Food area")}
#: What the bulk row helper can do -> (booth attribute, value).
ROW_ACTIONS = {
    "food": ("zone", FOOD_ZONE),
    "general": ("zone", None),
    "power": ("has_power", True),
    "no_power": ("has_power", False),
    "shade": ("shade", True),
    "no_shade": ("shade", False),
}


@dataclass
class BoothDetails:
    size: str = "3x3 m"
    has_power: bool = False
    shade: bool = False
    step_free: bool = True
    zone: str | None = None
    notes: str = ""
    unavailable: bool = False


def booth_code(row: int, col: int) -> str:
    """Row 0, column 6 -> "A-07", as painted on the ground."""
    return f"{string.ascii_uppercase[row]}-{col + 1:02d}"


def row_letter(row: int) -> str:
    return string.ascii_uppercase[row]


def generate_layout(actor: User | None, fair: Fair, rows: int, cols: int) -> list[Booth]:
    """Replace the fair's booths with a fresh rows × cols grid (only while none is assigned)."""
    if not (1 <= rows <= MAX_ROWS and 1 <= cols <= MAX_COLS and rows * cols <= MAX_BOOTHS):
        raise Refused(
            _(
                "A layout has 1 to %(rows)s rows, 1 to %(cols)s columns and at most %(max)s booths.",
                rows=MAX_ROWS,
                cols=MAX_COLS,
                max=MAX_BOOTHS,
            ),
            field="rows",
            status=422,
        )
    if assigned_count(fair) > 0:
        raise Refused(
            _("Booths are already assigned at this fair, so the layout cannot be redrawn.")
        )
    fair.booths.clear()
    db.session.flush()  # the old codes must be gone before the new ones take their place
    fair.booths.extend(
        Booth(code=booth_code(r, c), row=r, col=c) for r in range(rows) for c in range(cols)
    )
    db.session.flush()
    audit.record(actor, "fair.layout_generated", "fair", fair.id, rows=rows, cols=cols)
    return fair.booths


def assigned_count(fair: Fair) -> int:
    stmt = (
        db.select(db.func.count(Application.id))
        .join(Booth, Application.booth_id == Booth.id)
        .where(Booth.fair_id == fair.id)
    )
    return db.session.scalar(stmt)


def update_booth(actor: User, booth: Booth, details: BoothDetails) -> Booth:
    details.zone = details.zone or None  # "" on the form is the general area
    if details.zone is not None and details.zone not in ZONES:
        raise Refused(_("Choose one of the zones in the list."), field="zone", status=422)
    if details.unavailable and not booth.unavailable and booth.application is not None:
        raise Refused(
            _(
                "Booth %(code)s is assigned. Free it before marking it unavailable.",
                code=booth.code,
            ),
            field="unavailable",
            status=422,
        )
    changed = {}
    for name, value in vars(details).items():
        if getattr(booth, name) != value:
            changed[name] = value
            setattr(booth, name, value)
    db.session.flush()
    if changed:
        audit.record(actor, "booth.updated", "booth", booth.id, code=booth.code, **changed)
    return booth


def update_row(actor: User, fair: Fair, row: int, action: str) -> int:
    """Set one thing on every booth of a row (e.g. the food row); returns how many changed."""
    if action not in ROW_ACTIONS:
        raise Refused(_("Choose what to change in the row."), field="action", status=422)
    booths = [b for b in fair.booths if b.row == row]
    if not booths:
        raise Refused(_("This row does not exist in the layout."), field="row", status=422)
    name, value = ROW_ACTIONS[action]
    changed = [b for b in booths if getattr(b, name) != value]
    for booth in changed:
        setattr(booth, name, value)
    db.session.flush()
    audit.record(actor, "fair.row_updated", "fair", fair.id, row=row_letter(row), change=action)
    return len(changed)
