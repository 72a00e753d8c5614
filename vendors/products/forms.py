"""Forms for products and their photos."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length

from marketplace.core.forms import Form, strip
from marketplace.core.inputs import to_int
from marketplace.core.submissions import OnceForm
from vendors.photos.uploads import Upload
from vendors.products.prices import PriceError, format_lempiras, parse_lempiras
from vendors.products.services import ProductFields
from vendors.taxonomy import CATEGORIES

#: A stock count above this is a typing slip rather than a real shelf.
MAX_STOCK = 100_000


class ProductForm(OnceForm):
    title = StringField(
        _l("Product name"),
        validators=[
            DataRequired(_l("Please give the product a name.")),
            Length(max=120, message=_l("The name can be at most 120 characters long.")),
        ],
        filters=[strip],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            Length(max=4000, message=_l("The description can be at most 4,000 characters long."))
        ],
        filters=[strip],
    )
    category = SelectField(
        _l("Category"),
        choices=[("", _l("Choose a category"))] + list(CATEGORIES.items()),
        validators=[DataRequired(_l("Please choose a category."))],
    )
    price = StringField(
        _l("Price in lempiras"),
        validators=[DataRequired(_l("Please enter a price."))],
        filters=[strip],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    made_to_order = BooleanField(_l("Made to order (no stock count)"))
    stock = StringField(
        _l("Units in stock"),
        filters=[strip],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    visible = BooleanField(_l("Show in the catalogue"), default=True)
    photos = MultipleFileField(
        _l("Photos"),
        render_kw={"accept": "image/*", "multiple": True, "data-shrink": True},
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, obj=product, **kwargs)
        if product is not None and not self.is_submitted():
            self.price.data = format_lempiras(product.price)
            self.made_to_order.data = product.stock is None
            self.stock.data = "" if product.stock is None else str(product.stock)

    def validate_category(self, field):
        if field.data not in CATEGORIES:
            raise ValidationError(_l("Please choose a category."))

    def validate_price(self, field):
        try:
            self.price_centavos = parse_lempiras(field.data)
        except PriceError as e:
            raise ValidationError(e.message) from e

    def validate_stock(self, field):
        if self.made_to_order.data:
            self.stock_count = None
            return
        text = (field.data or "").replace(",", "")
        if not text:
            raise ValidationError(_l("Please enter how many you have, or tick “Made to order”."))
        count = to_int(text, 0, MAX_STOCK) if text.isdigit() else None  # no sign, no spaces
        if count is None:
            raise ValidationError(
                _l("Stock must be a whole number from 0 to %(max)s.", max=f"{MAX_STOCK:,}")
            )
        self.stock_count = count

    def fields(self) -> ProductFields:
        return ProductFields(
            title=self.title.data,
            description=self.description.data or "",
            category=self.category.data,
            price=self.price_centavos,
            stock=self.stock_count,
            visible=self.visible.data,
        )

    def uploads(self) -> list[Upload]:
        """The chosen files; a form sent with no file chosen has one empty, nameless part."""
        return [
            Upload(f.filename or "", f.read())
            for f in self.photos.data or []
            if getattr(f, "filename", None)
        ]


class AltTextForm(Form):
    alt_text = StringField(
        _l("Describe the photo for people who cannot see it"),
        validators=[Length(max=200, message=_l("At most 200 characters."))],
        filters=[strip],
    )


class ModerationForm(Form):
    reason = TextAreaField(
        _l("Reason (the entrepreneur will see it)"),
        validators=[
            DataRequired(_l("Please write the reason.")),
            Length(max=500, message=_l("At most 500 characters.")),
        ],
        filters=[strip],
    )
