"""Entrepreneur profiles: completing and editing them, and the organisers' verification decisions."""

import re
import secrets
import unicodedata

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from marketplace.core import audit
from marketplace.core.auth.models import User, utcnow
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.mail import send_mail
from vendors.profiles.models import VENDOR_STATES, VendorProfile, VendorStatus
from vendors.taxonomy import CATEGORIES, DEPARTMENTS

STATUS_LABELS = {
    VendorStatus.PENDING.value: _l("Pending verification"),
    VendorStatus.VERIFIED.value: _l("Verified"),
    VendorStatus.REJECTED.value: _l("Rejected"),
}

#: How a verification history entry reads on the organiser's page.
AUDIT_LABELS = {
    "vendor.created": _l("Profile created"),
    "vendor.edited": _l("Edited by the entrepreneur"),
    "vendor.edited_by_staff": _l("Edited by an organiser"),
    "vendor.verified": _l("Verified"),
    "vendor.rejected": _l("Rejected"),
    "vendor.pending": _l("Sent back for verification"),
    "vendor.logo_changed": _l("New photo or logo"),
    "vendor.claim_code_issued": _l("Claim code issued"),
    "vendor.claimed": _l("Account claimed by its owner"),
}

#: Optional answers, used only in aggregated reports; never shown on any page about one person.
GENDERS = {"woman": _l("Woman"), "man": _l("Man"), "other": _l("Another identity")}
AGE_RANGES = {
    "18-24": "18–24",
    "25-34": "25–34",
    "35-44": "35–44",
    "45-54": "45–54",
    "55+": _l("55 or older"),
}

#: What the profile form edits; everything else (status, slug, owner) has its own path.
PROFILE_FIELDS = (
    "business_name",
    "story",
    "category",
    "department",
    "municipality",
    "phone",
    "whatsapp",
    "show_phone",
    "show_whatsapp",
    "returned_from",
    "returned_year",
    "gender",
    "age_range",
)


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def audit_label(action: str) -> str:
    return str(AUDIT_LABELS.get(action, action))


def category_name(code: str) -> str:
    return str(CATEGORIES.get(code, code))


def find_profile(user: User) -> VendorProfile | None:
    """The person's own (not deleted) profile, if they made one; None for a visitor. The one
    lookup of "my business" that every package uses."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        db.select(VendorProfile).where(
            VendorProfile.user_id == user.id, VendorProfile.deleted_at.is_(None)
        )
    )


def slugify(text: str) -> str:
    """`Café Doña Rosa` -> `cafe-dona-rosa`: plain letters for links and QR codes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "negocio"


def _free_slug(name: str) -> str:
    """Two businesses may share a name (in different towns); the second gets `-2`, and so on."""
    base = slugify(name)
    taken = set(
        db.session.scalars(
            db.select(VendorProfile.slug).where(
                (VendorProfile.slug == base) | VendorProfile.slug.like(f"{base}-%")
            )
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _check_choices(data: dict) -> None:
    if data.get("category") not in CATEGORIES:
        raise Refused(_("Please choose a category from the list."), field="category")
    if data.get("department") not in DEPARTMENTS:
        raise Refused(_("Please choose a department from the list."), field="department")


def complete_profile(user: User, data: dict, actor: User | None = None, **extra) -> VendorProfile:
    """Create the person's profile (pending verification) from the profile form's data.

    `actor` is the organiser at a ministry desk when someone else fills it in; `extra` sets the
    columns only that path uses (who helped, when consent was given).
    """
    _check_choices(data)
    if find_profile(user) is not None:
        raise Refused(_("You already have a business profile."))
    fields = {k: data[k] for k in PROFILE_FIELDS if k in data}
    # A new profile is pending: the column's default.
    vendor = VendorProfile(user_id=user.id, slug=_free_slug(data["business_name"]), **fields)
    db.session.add(vendor)
    try:
        # A savepoint: a clash with a profile saved at the same moment leaves the session usable.
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        if find_profile(user) is not None:
            raise Refused(_("You already have a business profile.")) from None
        vendor.slug = f"{slugify(data['business_name'])[:50]}-{secrets.token_hex(3)}"
        db.session.add(vendor)
        db.session.flush()
    for key, value in extra.items():
        setattr(vendor, key, value)
    audit.record(actor or user, "vendor.created", "vendor", vendor.id, assisted=actor is not None)
    return vendor


def update_profile(vendor: VendorProfile, data: dict, actor: User) -> list[str]:
    """Save the form's changes and return the names of the fields that changed.

    The link (slug) stays as it was: booth QR codes already printed point to it. A rejected
    profile that its owner corrects goes back to the verification queue.
    """
    _check_choices(data)
    changed = [k for k in PROFILE_FIELDS if k in data and getattr(vendor, k) != data[k]]
    for key in changed:
        setattr(vendor, key, data[key])
    if not changed:
        return changed
    by_staff = actor.id != vendor.user_id
    audit.record(
        actor,
        "vendor.edited_by_staff" if by_staff else "vendor.edited",
        "vendor",
        vendor.id,
        fields=changed,
    )
    if not by_staff and vendor.status == VendorStatus.REJECTED.value:
        _move(vendor, VendorStatus.PENDING, actor, "")
    db.session.flush()
    return changed


def verify_vendor(vendor: VendorProfile, actor: User, seen: str | None = None) -> None:
    """`seen` is the status the organiser's page showed: a decision made about another one
    (someone decided meanwhile) is refused, even where the table would allow the move."""
    _move(vendor, VendorStatus.VERIFIED, actor, "", seen)


def reject_vendor(vendor: VendorProfile, actor: User, reason: str, seen: str | None = None) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise Refused(
            _("Please write the reason, so the entrepreneur knows what to fix."), field="reason"
        )
    _move(vendor, VendorStatus.REJECTED, actor, reason, seen)


def _move(
    vendor: VendorProfile, to: VendorStatus, actor: User, reason: str, seen: str | None = None
) -> None:
    current = VendorStatus(vendor.status)
    if seen is not None and seen != current.value:
        raise Refused(
            _(
                "Another organiser decided about this profile a moment ago: it is now "
                "“%(status)s”. Nothing was changed.",
                status=status_label(current.value),
            ),
            code="changed_meanwhile",
        )
    if not VENDOR_STATES.allows(current, to):
        raise Refused(
            _(
                "This profile is already “%(status)s”, so it cannot change to “%(new)s”. "
                "Nothing was changed.",
                status=status_label(current.value),
                new=status_label(to.value),
            ),
            code="not_allowed",
        )
    # Guarded by the status read above: a decision made meanwhile makes this one Refused.
    VENDOR_STATES.move(vendor, to, status_reason=reason, status_changed_at=utcnow())
    audit.record(
        actor, f"vendor.{to.value}", "vendor", vendor.id, previous=current.value, reason=reason
    )
    db.session.flush()


def notify_decision(vendor: VendorProfile) -> None:
    """E-mail the entrepreneur the organisers' decision, in the language they use."""
    user = vendor.user
    if user is None:
        return
    template = f"vendors/mail/{vendor.status}"
    with force_locale(user.locale or "es"):
        subject = {
            VendorStatus.VERIFIED.value: _("Your business is verified on Mercado Retorno"),
            VendorStatus.REJECTED.value: _("Your business profile needs changes"),
        }.get(vendor.status)
        if subject:
            send_mail(user.email, subject, template, user=user, vendor=vendor)
