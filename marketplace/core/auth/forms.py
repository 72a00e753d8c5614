from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

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
