"""Forms for profiles, verification, assisted registration, claiming and deleting an account."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from marketplace.core.forms import Form, email_field, new_password_fields, strip
from marketplace.core.inputs import to_int
from marketplace.core.submissions import OnceForm
from vendors.profiles.contact import display_phone, normalise_phone
from vendors.profiles.services import AGE_RANGES, GENDERS, PROFILE_FIELDS
from vendors.taxonomy import CATEGORIES, DEPARTMENTS


def _one_of(options, message):
    """Like AnyOf, with our own words: a tampered or stale <select> gets a clear message."""

    def check(_form, field):
        if field.data not in options:
            raise ValidationError(message)

    return check


def _honduran_phone(_form, field):
    if field.data:
        normalised = normalise_phone(field.data)
        if normalised is None:
            raise ValidationError(
                _l("This is not a Honduran number. Write 8 digits, for example 9876-5432.")
            )
        field.data = normalised


def _sent(_form, field):
    """The field was in the post (even empty): a page missing it is stale or tampered, and
    saving it would clear the stored value."""
    if not field.raw_data:
        raise StopValidation(_l("This form is incomplete. Please reload the page and try again."))


def _year(_form, field):
    if not field.data:
        field.data = None
        return
    year = to_int(field.data, 1950, date.today().year) if field.data.isdigit() else None
    if year is None:
        raise ValidationError(_l("Write the year with four digits, for example 2019."))
    field.data = year


def _max(n: int):
    return Length(max=n, message=_l("This can be at most %(max)d characters.", max=n))


def _choices(mapping, empty):
    return [("", empty), *((code, label) for code, label in mapping.items())]


class ProfileForm(Form):
    business_name = StringField(
        _l("Business name"),
        validators=[DataRequired(_l("Please write the name of your business.")), _max(120)],
        filters=[strip],
    )
    story = TextAreaField(
        _l("Your story"), validators=[_max(2000)], filters=[strip], render_kw={"rows": 6}
    )
    category = SelectField(
        _l("Main category"),
        choices=_choices(CATEGORIES, _l("Choose a category")),
        validate_choice=False,
        validators=[_one_of(CATEGORIES, _l("Please choose a category from the list."))],
    )
    department = SelectField(
        _l("Department"),
        choices=_choices({d: d for d in DEPARTMENTS}, _l("Choose a department")),
        validate_choice=False,
        validators=[_one_of(DEPARTMENTS, _l("Please choose a department from the list."))],
    )
    municipality = StringField(
        _l("Municipality"),
        validators=[DataRequired(_l("Please write your municipality.")), _max(80)],
        filters=[strip],
    )
    phone = StringField(
        _l("Phone"),
        validators=[_max(20), _honduran_phone],
        filters=[strip],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    whatsapp = StringField(
        _l("WhatsApp"),
        validators=[_max(20), _honduran_phone],
        filters=[strip],
        render_kw={"inputmode": "tel"},
    )
    show_phone = BooleanField(_l("Show my phone number on my public page"))
    show_whatsapp = BooleanField(_l("Show a WhatsApp button on my public page"))
    returned_from = StringField(
        _l("Country you returned from (optional)"), validators=[_max(60)], filters=[strip]
    )
    returned_year = StringField(
        _l("Year you returned (optional)"),
        validators=[_sent, _max(4), _year],
        filters=[strip],
        render_kw={"inputmode": "numeric"},
    )
    gender = SelectField(
        _l("Gender (optional)"),
        choices=_choices(GENDERS, _l("I prefer not to say")),
        validate_choice=False,
        validators=[Optional(), _one_of(GENDERS, _l("Please choose an option from the list."))],
    )
    age_range = SelectField(
        _l("Age (optional)"),
        choices=_choices(AGE_RANGES, _l("I prefer not to say")),
        validate_choice=False,
        validators=[Optional(), _one_of(AGE_RANGES, _l("Please choose an option from the list."))],
    )
    # data-shrink: static/js/photo-upload.js makes the photo smaller on the phone before sending.
    logo_file = FileField(
        _l("Photo or logo (optional)"), render_kw={"accept": "image/*", "data-shrink": True}
    )

    def profile_data(self) -> dict:
        """The cleaned values the services take (a field the form lacks is left as it is);
        empty optional answers become None."""
        data = {name: self[name].data for name in PROFILE_FIELDS if name in self}
        for name in ("phone", "whatsapp", "returned_from", "gender", "age_range"):
            if name in data:
                data[name] = data[name] or None
        return data


class StaffProfileForm(ProfileForm):
    """An organiser editing someone's profile: gender and age are only ever the person's own
    answers, so this form neither shows them nor changes them."""

    gender = None
    age_range = None


def profile_form(
    vendor, form_class: type[ProfileForm] = ProfileForm, *, saved_only: bool = False
) -> ProfileForm:
    """The form filled from a saved profile, numbers written the way people type them.

    saved_only: the saved values even for a POST, whose body could not be read (too large).
    """
    form = form_class(obj=vendor, **({"formdata": None} if saved_only else {}))
    if vendor is not None and (saved_only or not form.is_submitted()):
        form.phone.data = display_phone(vendor.phone)
        form.whatsapp.data = display_phone(vendor.whatsapp)
    return form


def _answers_consented(form, field):
    if (form.gender.data or form.age_range.data) and not field.data:
        raise ValidationError(
            _l(
                "Gender and age are saved only with the person's consent: tick this box, or "
                "leave both on “I prefer not to say”."
            )
        )


class AssistedRegistrationForm(ProfileForm):
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Please write the person's name.")), _max(120)],
        filters=[strip],
    )
    email = email_field()
    consent = BooleanField(
        _l("The person agreed that we create this account and profile for them."),
        validators=[DataRequired(_l("We can only register someone who has agreed to it."))],
    )
    # Gender and age are the person's own answers: given at the desk, only with their consent.
    answers_consent = BooleanField(
        _l(
            "The person chose to tell us their gender and age, and agreed that they count, "
            "never by name, in the ministry's totals."
        ),
        validators=[_answers_consented],
    )
    send_email = BooleanField(_l("Also send the claim code by e-mail"))


class RejectForm(OnceForm):
    reason = TextAreaField(
        _l("Reason (the entrepreneur will read it)"),
        validators=[DataRequired(_l("Please write the reason.")), _max(500)],
        filters=[strip],
    )


class ClaimCodeForm(Form):
    send_email = BooleanField(_l("Also send the new code by e-mail"))


class ClaimForm(Form):
    identifier = StringField(
        _l("Your e-mail or phone number"),
        validators=[DataRequired(_l("Please write your e-mail or phone number.")), _max(254)],
        filters=[strip],
    )
    code = StringField(
        _l("Claim code"),
        validators=[DataRequired(_l("Please write the code you were given.")), _max(20)],
        filters=[strip],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )


class ClaimPasswordForm(Form):
    password, confirm = new_password_fields()


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
