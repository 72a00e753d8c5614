"""The base of every form, and field helpers every package's forms share."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from marketplace.core.inputs import FORBIDDEN_MESSAGE, has_forbidden_characters
from marketplace.core.passwords import MAX_LENGTH, too_guessable


class Form(FlaskForm):
    """Every form of the app: text refuses control characters (NUL, bidi overrides), and a text
    field the browser did not send is empty rather than the stored value it was filled from,
    which may not even be a string (a year, a price in centavos)."""

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        formdata = self.meta.wrap_formdata(self, formdata)
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        if formdata is None:
            return
        for field in self:
            if (
                isinstance(field, StringField)
                and field.name not in formdata
                and not isinstance(field.data, str | None)
            ):
                field.data = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and has_forbidden_characters(field.data):
                field.errors = [*field.errors, FORBIDDEN_MESSAGE]
                valid = False
        return valid


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Length(max=254, message=_l("An e-mail address can be at most 254 characters.")),
            Email(_l("This does not look like an e-mail address. Example: ana@correo.hn")),
        ],
        filters=[strip],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


def strip(value):
    """Phones' keyboards love to add a trailing space."""
    return value.strip() if isinstance(value, str) else value


def not_guessable(form, field) -> None:
    """Refuse common passwords and ones made of the person's own name or e-mail: the name and
    e-mail typed in this form, or the signed-in person's."""
    if not field.data or not 8 <= len(field.data) <= MAX_LENGTH:
        return  # Length reports it
    personal = [getattr(form, name).data for name in ("name", "email") if hasattr(form, name)]
    if current_user and current_user.is_authenticated:
        personal += [current_user.name, current_user.email]
    if too_guessable(field.data, tuple(p for p in personal if isinstance(p, str))):
        raise ValidationError(
            _l(
                "This password is too easy to guess: it is a very common one or close to your "
                "name or e-mail. Try three or four words you will remember, with spaces or dashes."
            )
        )


def new_password_fields(label=None) -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            Length(
                min=8,
                max=MAX_LENGTH,
                message=_l("The password must be between 8 and 128 characters long."),
            ),
            not_guessable,
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Please repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def text_field(label, max_chars: int, required: bool = True, **kw) -> StringField:
    """A trimmed text field of at most `max_chars`, required unless told otherwise."""
    validators = [InputRequired(_l("Please fill in this field."))] if required else [Optional()]
    validators.append(Length(max=max_chars, message=_l("At most %(max)d characters.")))
    return StringField(label, validators=validators, filters=[strip], **kw)


def show_error(form: Form, error) -> None:
    """Put a service's refusal next to its field, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)
