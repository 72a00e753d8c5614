from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from marketplace.core.auth import two_factor
from marketplace.core.forms import Form, email_field, new_password_fields, strip
from marketplace.core.submissions import OnceForm

_name_validators = [
    DataRequired(_l("Please enter your name.")),
    Length(max=120, message=_l("The name can be at most 120 characters.")),
]


class RegisterForm(OnceForm):
    name = StringField(
        _l("Your name"),
        validators=_name_validators,
        filters=[strip],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password, confirm = new_password_fields()


class LoginForm(Form):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields(_l("New password"))


class ResetRequestForm(Form):
    email = email_field()


class ResendConfirmationForm(Form):
    email = email_field()


class ConfirmForm(Form):
    """The button on a confirmation link's page: only a person's tap confirms, not a mail
    program opening the link to preview it."""


class ResetPasswordForm(Form):
    password, confirm = new_password_fields(_l("New password"))


class StaffAccountForm(Form):
    name = StringField(_l("Name"), validators=_name_validators, filters=[strip])
    email = email_field()
    role = SelectField(
        _l("Role"),
        choices=[("organizer", _l("Organiser")), ("admin", _l("Administrator"))],
    )


def _code_field(label, hint_kw):
    return StringField(
        label,
        validators=[
            DataRequired(_l("Please enter the code.")),
            Length(max=32, message=_l("That is too long for a code. Please check it.")),
        ],
        filters=[strip],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", **hint_kw},
    )


class SecondStepForm(Form):
    """The code at sign-in: six digits from the app, or one of the recovery codes."""

    code = _code_field(_l("Verification code"), {"spellcheck": "false"})

    def validate_code(self, field):
        code = two_factor.normalise_code(field.data)
        if not (two_factor.is_totp_shaped(code) or two_factor.is_recovery_shaped(code)):
            raise ValidationError(
                _l(
                    "Enter the 6-digit code from your authenticator app, "
                    "or one of your recovery codes (12 letters and numbers)."
                )
            )


class AuthenticatorCodeForm(Form):
    """Six digits from the authenticator app: to switch it on, or to make new recovery codes."""

    code = _code_field(_l("Code from the app"), {"inputmode": "numeric", "pattern": "[0-9 ]*"})

    def validate_code(self, field):
        if not two_factor.is_totp_shaped(two_factor.normalise_code(field.data)):
            raise ValidationError(_l("Enter the 6 digits your authenticator app shows now."))
