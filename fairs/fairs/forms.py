"""Organisers' forms for fairs, layouts and booths. Rules that span fields live in the services."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from fairs.fairs.models import FairStatus
from fairs.fairs.services import MAX_CAPACITY, FairDetails
from fairs.layout.services import MAX_COLS, MAX_ROWS, ZONES, BoothDetails, row_letter
from marketplace.core.forms import Form, strip
from marketplace.core.inputs import to_int
from marketplace.core.submissions import OnceForm
from vendors.taxonomy import DEPARTMENTS

ROW_ACTION_LABELS = {
    "food": _l("Make it the food area"),
    "general": _l("Make it general area"),
    "power": _l("Give it power outlets"),
    "no_power": _l("Remove power outlets"),
    "shade": _l("Mark it shaded"),
    "no_shade": _l("Mark it without shade"),
}


def _text(label, max_chars, required=True, **kw):
    validators = [InputRequired(_l("Please fill in this field."))] if required else [Optional()]
    validators.append(Length(max=max_chars, message=_l("At most %(max)d characters.")))
    return StringField(label, validators=validators, filters=[strip], **kw)


def _date(label, required=False):
    first = InputRequired(_l("Please give a date.")) if required else Optional()
    return DateField(label, validators=[first])


class FairForm(OnceForm):
    name = _text(_l("Name"), 120)
    city = _text(_l("City"), 80)
    department = SelectField(
        _l("Department"),
        choices=[("", _l("Choose a department"))] + [(d, d) for d in DEPARTMENTS],
        validate_choice=False,  # the service names the 18 departments in its message
    )
    venue = _text(_l("Venue"), 160)
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000, message=_l("At most %(max)d characters."))],
        filters=[strip],
    )
    starts_on = _date(_l("First day"), required=True)
    ends_on = _date(_l("Last day"))
    opens_at = TimeField(_l("Opens at"), validators=[Optional()])
    closes_at = TimeField(_l("Closes at"), validators=[Optional()])
    applications_open_on = _date(_l("Applications open on"))
    applications_close_on = _date(_l("Applications close on"))
    capacity = IntegerField(
        _l("Capacity (vendors)"),
        validators=[
            Optional(),
            NumberRange(1, MAX_CAPACITY, _l("Between %(min)s and %(max)s.")),
        ],
    )
    circuit_id = SelectField(_l("Circuit"), coerce=int, default=0)
    closing_ceremony = BooleanField(_l("The circuit's closing ceremony is held here"))

    def set_circuits(self, circuits) -> None:
        self.circuit_id.choices = [(0, _l("No circuit"))] + [(c.id, c.name) for c in circuits]

    def details(self) -> FairDetails:
        return FairDetails(
            name=self.name.data,
            city=self.city.data,
            department=self.department.data,
            venue=self.venue.data,
            description=self.description.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data or self.starts_on.data,
            opens_at=self.opens_at.data,
            closes_at=self.closes_at.data,
            applications_open_on=self.applications_open_on.data,
            applications_close_on=self.applications_close_on.data,
            capacity=self.capacity.data,
            circuit_id=self.circuit_id.data or None,
            closing_ceremony=self.closing_ceremony.data,
        )


class StatusForm(Form):
    # Any value reaches the service, which explains a move the transitions do not allow.
    status = SelectField(
        _l("New status"), choices=[(s.value, s.value) for s in FairStatus], validate_choice=False
    )


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
    size = _text(_l("Size"), 20)
    zone = SelectField(_l("Zone"), choices=list(ZONES.items()), validate_choice=False)
    has_power = BooleanField(_l("Power outlet"))
    shade = BooleanField(_l("Shade"))
    step_free = BooleanField(_l("Step-free access"))
    unavailable = BooleanField(_l("Unavailable (not to be assigned)"))
    notes = _text(_l("Notes"), 300, required=False)

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


class CircuitForm(Form):
    name = _text(_l("Circuit name"), 120)


def show_error(form: Form, error) -> None:
    """Put a service's refusal next to its field, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)
