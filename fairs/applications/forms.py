"""Forms for applying to fairs, deciding on applications and assigning booths."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from fairs.applications.services import DECISIONS, Choices
from marketplace.core.forms import Form, strip
from marketplace.core.submissions import OnceForm
from vendors.taxonomy import CATEGORIES


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes whose bad values get our own translated message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, invalid=None, **kwargs):
        super().__init__(label, **kwargs)
        self.invalid = invalid or _l("Choose from the list.")
        self.malformed = False

    def process_formdata(self, valuelist):
        self.data, self.malformed = [], False
        for value in valuelist:
            try:
                self.data.append(self.coerce(value))
            except (TypeError, ValueError):
                self.malformed = True

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices}
        if self.malformed or any(value not in allowed for value in self.data or ()):
            raise ValidationError(self.invalid)


class ApplicationForm(OnceForm):
    fair_ids = CheckboxesField(
        _l("Fairs"), coerce=int, invalid=_l("Choose fairs that are open for applications.")
    )
    product_ids = CheckboxesField(
        _l("Products you will bring"),
        coerce=int,
        invalid=_l("Choose only products from your own catalogue."),
    )
    categories = CheckboxesField(_l("Or the kinds of products you will bring"))
    needs_power = BooleanField(_l("I need electricity (power outlet)"))
    needs_step_free = BooleanField(_l("I need step-free access"))
    needs_shade = BooleanField(_l("I would like shade"))
    note = TextAreaField(
        _l("Note for the organisers (optional)"),
        filters=[strip],
        validators=[Length(max=1000, message=_l("The note can be at most 1000 characters."))],
    )

    def __init__(self, products, fairs=(), **kwargs):
        super().__init__(**kwargs)
        self.product_ids.choices = [(p.id, p.title) for p in products]
        self.categories.choices = [(code, label) for code, label in CATEGORIES.items()]
        self.fair_ids.choices = [(f.id, f.name) for f in fairs]

    def validate_categories(self, field):
        if not (field.data or self.product_ids.data):
            raise ValidationError(
                _l("Choose at least one product or category that you will bring.")
            )

    def validate_fair_ids(self, field):
        if self.fair_ids.choices and not field.data:
            raise ValidationError(_l("Choose at least one fair."))

    def choices(self) -> Choices:
        return Choices(
            product_ids=self.product_ids.data or [],
            categories=self.categories.data or [],
            needs_power=self.needs_power.data,
            needs_step_free=self.needs_step_free.data,
            needs_shade=self.needs_shade.data,
            note=self.note.data or "",
        )


class DecisionForm(Form):
    decision = SelectField(
        _l("Decision"),
        choices=list(DECISIONS.items()),
        validate_choice=False,
    )
    reason = TextAreaField(
        _l("Reason (optional, the entrepreneur will read it)"),
        filters=[strip],
        validators=[Length(max=500, message=_l("The reason can be at most 500 characters."))],
    )

    def validate_decision(self, field):
        if field.data not in DECISIONS:
            raise ValidationError(_l("Choose approve, waiting list or reject."))


class ConfirmPlanForm(OnceForm):
    digest = HiddenField()


class ActionForm(Form):
    """A button with nothing to fill in but its CSRF token."""
