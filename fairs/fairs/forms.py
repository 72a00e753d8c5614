"""Organisers' forms for fairs and circuits. Rules that span fields live in the services."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from fairs.fairs.models import FairStatus
from fairs.fairs.services import MAX_CAPACITY, FairDetails
from marketplace.core.forms import Form, strip, text_field
from marketplace.core.submissions import OnceForm
from vendors.taxonomy import DEPARTMENTS


def _date(label, required=False):
    first = InputRequired(_l("Please give a date.")) if required else Optional()
    return DateField(label, validators=[first])


class FairForm(OnceForm):
    name = text_field(_l("Name"), 120)
    city = text_field(_l("City"), 80)
    department = SelectField(
        _l("Department"),
        choices=[("", _l("Choose a department"))] + [(d, d) for d in DEPARTMENTS],
        validate_choice=False,  # the service names the 18 departments in its message
    )
    venue = text_field(_l("Venue"), 160)
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


class CircuitForm(Form):
    name = text_field(_l("Circuit name"), 120)
