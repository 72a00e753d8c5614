"""Organisers' forms for a fair's layout: the grid, a row at a time, one booth."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from fairs.layout.services import MAX_COLS, MAX_ROWS, ZONES, BoothDetails, row_letter
from marketplace.core.forms import Form, text_field
from marketplace.core.inputs import to_int

ROW_ACTION_LABELS = {
    "food": _l("Make it the food area"),
    "general": _l("Make it general area"),
    "power": _l("Give it power outlets"),
    "no_power": _l("Remove power outlets"),
    "shade": _l("Mark it shaded"),
    "no_shade": _l("Mark it without shade"),
}


class LayoutForm(Form):
    rows = IntegerField(
        _l("Rows"),
        validators=[
            InputRequired(_l("Please give a number.")),
            NumberRange(1, MAX_ROWS, _l("Between %(min)s and %(max)s.")),
        ],
    )
    cols = IntegerField(
        _l("Booths per row"),
        validators=[
            InputRequired(_l("Please give a number.")),
            NumberRange(1, MAX_COLS, _l("Between %(min)s and %(max)s.")),
        ],
    )


def _row_index(value) -> int:
    """A row number, or -1 for anything else, which the layout service then refuses."""
    row = to_int(str(value), 0, MAX_ROWS)
    return -1 if row is None else row


class RowForm(Form):
    # Unknown rows and actions reach the service, which says what is wrong in plain words.
    row = SelectField(_l("Row"), coerce=_row_index, validate_choice=False)
    action = SelectField(
        lazy_pgettext("layout row", "Change"),
        choices=list(ROW_ACTION_LABELS.items()),
        validate_choice=False,
    )

    def set_rows(self, rows: int) -> None:
        self.row.choices = [(r, row_letter(r)) for r in range(rows)]


class BoothForm(Form):
    size = text_field(_l("Size"), 20)
    zone = SelectField(_l("Zone"), choices=list(ZONES.items()), validate_choice=False)
    has_power = BooleanField(_l("Power outlet"))
    shade = BooleanField(_l("Shade"))
    step_free = BooleanField(_l("Step-free access"))
    unavailable = BooleanField(_l("Unavailable (not to be assigned)"))
    notes = text_field(_l("Notes"), 300, required=False)

    def details(self) -> BoothDetails:
        return BoothDetails(
            size=self.size.data,
            has_power=self.has_power.data,
            shade=self.shade.data,
            step_free=self.step_free.data,
            zone=self.zone.data or None,
            notes=self.notes.data or "",
            unavailable=self.unavailable.data,
        )
