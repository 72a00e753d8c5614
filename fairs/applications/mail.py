"""E-mail to entrepreneurs about their applications, in their own language."""

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from fairs.applications.models import Application
from fairs.applications.services import STATUS_LABELS
from marketplace.core.i18n import LOCALES
from marketplace.core.mail import send_mail

SUBJECTS = {
    "approved": lambda fair: _("Your application to %(fair)s was approved", fair=fair),
    "waitlisted": lambda fair: _("Your application to %(fair)s is on the waiting list", fair=fair),
    "rejected": lambda fair: _("News about your application to %(fair)s", fair=fair),
}


def notify_decision(application: Application) -> None:
    """Tell the entrepreneur what the organisers decided (call after the commit)."""
    user = application.vendor.user
    if user is None or application.status not in SUBJECTS:
        return
    # The organiser's language is not the entrepreneur's: write in theirs (Spanish by default).
    with force_locale(LOCALES.get(user.locale or "es", LOCALES["es"])):
        send_mail(
            user.email,
            SUBJECTS[application.status](application.fair.name),
            f"applications/mail/{application.status}",
            user=user,
            application=application,
            status=STATUS_LABELS[application.status],
            url=url_for("applications.mine", _external=True),
        )
