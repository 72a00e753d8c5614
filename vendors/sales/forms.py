"""The sales screen's form, for phones without JavaScript (the script posts JSON instead)."""

import re
import uuid

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from marketplace.core.errors import Refused
from marketplace.core.forms import Form, strip
from marketplace.core.inputs import to_id
from vendors.products.models import Product
from vendors.sales.ledger import MAX_QUANTITY, SaleInput

PAYMENT_CHOICES = [
    ("cash", _l("Cash")),
    ("card", _l("Card")),
    ("transfer", _l("Bank transfer")),
    ("other", _l("Other method")),
]
LEMPIRAS = re.compile(r"\d{1,7}(\.\d{1,2})?")


def new_client_key() -> str:
    return str(uuid.uuid4())


def parse_lempiras(text: str) -> int | None:
    """'1,250.5' -> 125050 centavos; None when it is not an amount."""
    text = (text or "").replace(",", "").replace("L", "").strip()
    if not LEMPIRAS.fullmatch(text):
        return None
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)


class WholeNumberField(IntegerField):
    """An integer field whose complaint about "2.5" or "dos" is in the person's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as e:
            raise ValueError(_l("Write a whole number, for example 2.")) from e


class SaleForm(Form):
    client_key = HiddenField()
    #: A product id, or "" for an item that is not in the list; radios drawn by the template.
    product = StringField(_l("What did you sell?"), filters=[strip])
    description = StringField(
        _l("Describe the item"),
        filters=[strip],
        validators=[Length(max=120, message=_l("Describe it in at most 120 characters."))],
    )
    quantity = WholeNumberField(
        _l("Quantity"),
        default=1,
        validators=[
            InputRequired(_l("Write how many were sold.")),
            NumberRange(
                1, MAX_QUANTITY, _l("The quantity must be a whole number from 1 to 1,000.")
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_QUANTITY},
    )
    price = StringField(
        _l("Price per unit (L)"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    #: Checked by the ledger, whose message names the methods.
    payment_method = RadioField(
        _l("Paid by"), choices=PAYMENT_CHOICES, default="cash", validate_choice=False
    )

    def validate_product(self, field):
        if field.data and to_id(field.data) is None:
            raise ValidationError(_l("Choose one of your products."))

    def validate_price(self, field):
        if field.data and parse_lempiras(field.data) is None:
            raise ValidationError(_l("Write the price as a number, for example 150 or 150.50."))
        if not field.data and not self.product.data:
            raise ValidationError(_l("Write the price of this item."))

    def to_input(self, products: dict[int, Product]) -> SaleInput:
        """The sale as the ledger takes it; an empty price means the product's own price."""
        product_id = to_id(self.product.data) if self.product.data else None
        price = parse_lempiras(self.price.data) if self.price.data else None
        if price is None and product_id in products:
            price = products[product_id].price
        return SaleInput(
            client_key=self.client_key.data or new_client_key(),
            product_id=product_id,
            description="" if product_id else self.description.data,
            quantity=self.quantity.data,
            unit_price=price or 0,
            payment_method=self.payment_method.data,
        )

    def show_refusal(self, refused: Refused) -> None:
        field = getattr(self, refused.field or "product")
        field.errors = [*field.errors, refused.message]
        if refused.code == "client_key_reused":
            # The first sale with this key is kept; sending this one again is a new sale.
            self.client_key.data = new_client_key()


class VoidForm(Form):
    #: Checked by the ledger, which gives the message.
    reason = StringField(_l("Why void it?"), filters=[strip], render_kw={"maxlength": 200})
