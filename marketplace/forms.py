"""Field helpers every package's forms share."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length


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


def new_password_fields(label=None) -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            Length(
                min=8,
                max=128,
                message=_l("The password must be between 8 and 128 characters long."),
            ),
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
