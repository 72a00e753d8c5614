from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from marketplace.core.auth.passkeys.models import MAX_NAME
from marketplace.core.forms import Form, strip


class PasskeyNameForm(Form):
    name = StringField(
        _l("Name of the passkey"),
        default=_l("My phone"),
        validators=[
            InputRequired(_l("Give the passkey a name, for example “My phone”.")),
            Length(max=MAX_NAME, message=_l("The name can be at most 60 characters.")),
        ],
        filters=[strip],
    )
