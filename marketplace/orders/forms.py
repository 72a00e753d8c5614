"""Forms of the cart, checkout, vendors' order lines, refunds and payouts."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from marketplace.core.forms import Form, email_field, strip
from marketplace.core.submissions import OnceForm

#: Honduran numbers: 8 digits starting 2 or 3 (land lines), 7, 8 or 9 (mobiles), +504 optional.
PHONE_RE = re.compile(r"^(?:\+?504)?([23789]\d{7})$")


def normalise_phone(value: str) -> str | None:
    match = PHONE_RE.match(re.sub(r"[\s\-().]", "", value or ""))
    return f"+504{match.group(1)}" if match else None


class AddToCartForm(Form):
    product_id = IntegerField(validators=[InputRequired()])
    quantity = IntegerField(
        _l("Quantity"),
        default=1,
        validators=[
            InputRequired(_l("Please enter how many you want.")),
            NumberRange(1, 99, _l("Choose between 1 and 99.")),
        ],
    )


class CheckoutForm(OnceForm):
    name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=120, message=_l("A name can be at most 120 characters.")),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    phone = StringField(
        _l("Phone"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter a phone number."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    payment = RadioField(
        _l("How will you pay?"),
        choices=[("pickup", _l("Reserve and pay at pickup or at the fair"))],
        default="pickup",
        validators=[DataRequired(_l("Please choose how you will pay."))],
    )
    quote = HiddenField()

    def validate_phone(self, field):
        normalised = normalise_phone(field.data)
        if normalised is None:
            raise ValidationError(_l("Please enter a Honduran number of 8 digits, e.g. 9876-5432."))
        field.data = normalised


class LineActionForm(Form):
    action = SelectField(
        choices=[
            ("confirmed", _l("Confirm")),
            ("ready", _l("Mark ready")),
            ("delivered", _l("Mark delivered")),
            ("cancelled", _l("Cancel")),
        ],
        validators=[DataRequired()],
    )
    method = SelectField(
        _l("Paid with"),
        choices=[
            ("cash", _l("Cash")),
            ("card", _l("Card")),
            ("transfer", _l("Bank transfer")),
            ("other", _l("Other")),
        ],
        default="cash",
    )
    reason = StringField(
        _l("Reason for cancelling"),
        filters=[strip],
        validators=[Length(max=300, message=_l("At most 300 characters."))],
    )


class RefundForm(OnceForm):
    line_id = IntegerField(validators=[InputRequired()])
    quantity = IntegerField(
        _l("Units to refund"),
        validators=[InputRequired(_l("Please enter how many units to refund.")), NumberRange(1)],
    )


class PayoutForm(OnceForm):
    vendor_id = IntegerField(validators=[InputRequired()])
    amount = StringField(
        _l("Amount (lempiras)"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter the amount paid."))],
    )
    paid_on = DateField(_l("Date paid"), validators=[DataRequired(_l("Please enter the date."))])
    method = SelectField(
        _l("Method"),
        choices=[("transfer", _l("Bank transfer")), ("cash", _l("Cash")), ("other", _l("Other"))],
    )
    reference = StringField(_l("Reference"), filters=[strip], validators=[Length(max=120)])

    def validate_amount(self, field):
        match = re.fullmatch(r"(\d{1,9})(?:\.(\d{1,2}))?", (field.data or "").replace(",", ""))
        if not match or int(match.group(1) + (match.group(2) or "").ljust(2, "0")) <= 0:
            raise ValidationError(_l("Please enter an amount like 1250.00."))
        field.data = int(match.group(1) + (match.group(2) or "").ljust(2, "0"))
