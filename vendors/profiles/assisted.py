"""Assisted registration at a ministry desk, and claiming that account later with a one-time code.

The code is shown once (printed or sent by e-mail or WhatsApp) and only its keyed hash is kept.
It works once, until it expires, and only for an account nobody has set a password on yet: an
organiser can never use a code to take over an account its owner already uses.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from marketplace.core import audit
from marketplace.core.auth import services as accounts
from marketplace.core.auth.models import Role, User, utcnow
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.mail import send_mail
from vendors.profiles.contact import chat_link, normalise_phone
from vendors.profiles.models import VendorProfile
from vendors.profiles.services import complete_profile

# No 0/O, 1/I/L: the code is read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
DEFAULT_CODE_DAYS = 14


def register_assisted(actor: User, name: str, email: str, data: dict) -> tuple[VendorProfile, str]:
    """Create an entrepreneur's account (no password yet) and profile on their behalf.

    The caller has checked that the person consented. Returns the profile and its claim code;
    raises Refused when the e-mail is taken.
    """
    user = accounts.create_user(email, None, Role.ENTREPRENEUR, name)
    vendor = complete_profile(user, data, actor=actor, assisted_by_id=actor.id, consent_at=utcnow())
    return vendor, new_claim_code(vendor, actor)


def is_claimable(vendor: VendorProfile) -> bool:
    return vendor.user is not None and not vendor.user.password_hash


def new_claim_code(vendor: VendorProfile, actor: User) -> str:
    """A fresh code (any earlier one stops working); only for an account not yet claimed."""
    if not is_claimable(vendor):
        raise Refused(_("This account already has a password; its owner signs in with it."))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    days = current_app.config.get("CLAIM_CODE_DAYS", DEFAULT_CODE_DAYS)
    vendor.claim_code_hash = _hash(vendor.id, code)
    vendor.claim_code_expires_at = utcnow() + timedelta(days=days)
    audit.record(actor, "vendor.claim_code_issued", "vendor", vendor.id)
    db.session.flush()
    return format_code(code)


def format_code(code: str) -> str:
    """`ABCD2345` -> `ABCD-2345`, easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"


def _normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _hash(vendor_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{vendor_id}:{_normalise_code(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _candidates(identifier: str) -> list[VendorProfile]:
    """Unclaimed profiles that match an e-mail or a phone number."""
    stmt = db.select(VendorProfile).join(User, VendorProfile.user_id == User.id)
    stmt = stmt.where(VendorProfile.claim_code_hash.is_not(None), User.password_hash.is_(None))
    if "@" in identifier:
        stmt = stmt.where(User.email == accounts.normalise_email(identifier))
    else:
        phone = normalise_phone(identifier)
        if phone is None:
            return []
        stmt = stmt.where((VendorProfile.phone == phone) | (VendorProfile.whatsapp == phone))
    return list(db.session.scalars(stmt.limit(10)))


def check_claim_code(identifier: str, code: str) -> VendorProfile:
    """The profile this e-mail/phone and code open; Refused if none (same words either way)."""
    for vendor in _candidates(identifier):
        if hmac.compare_digest(vendor.claim_code_hash, _hash(vendor.id, code)):
            if vendor.claim_code_expires_at < utcnow():
                raise Refused(
                    _("This code has expired. Please ask the organisers for a new one."),
                    field="code",
                )
            return vendor
    raise Refused(
        _(
            "The code or the e-mail/phone is not correct, or the code was already used. "
            "Please check them and try again."
        ),
        field="code",
    )


def claim_account(vendor: VendorProfile, code_hash: str, password: str) -> User:
    """Set the owner's password with a code checked a moment ago; the code stops working."""
    if (
        not is_claimable(vendor)
        or vendor.claim_code_hash is None
        or not hmac.compare_digest(vendor.claim_code_hash, code_hash)
        or vendor.claim_code_expires_at < utcnow()
    ):
        raise Refused(_("This code can no longer be used. Please start again."))
    accounts.set_password(vendor.user, password)
    vendor.claim_code_hash = None
    vendor.claim_code_expires_at = None
    audit.record(vendor.user, "vendor.claimed", "vendor", vendor.id)
    db.session.flush()
    return vendor.user


def claim_message(vendor: VendorProfile, code: str, claim_url: str) -> str:
    """The text an organiser copies into WhatsApp or a text message (always Spanish)."""
    with force_locale("es"):
        return _(
            "Hello %(name)s! Your Mercado Retorno account for %(business)s is ready. "
            "To choose your password, open %(url)s and enter your e-mail or phone number and "
            "this code: %(code)s. It works once, until %(date)s.",
            name=vendor.user.name,
            business=vendor.business_name,
            url=claim_url,
            code=code,
            date=format_date(vendor.claim_code_expires_at, "long"),
        )


def claim_whatsapp_link(vendor: VendorProfile, message: str) -> str | None:
    number = vendor.whatsapp or vendor.phone
    return chat_link(number, message) if number else None


def send_claim_mail(vendor: VendorProfile, message: str) -> None:
    with force_locale(vendor.user.locale or "es"):
        subject = _("Your Mercado Retorno account is ready")
        send_mail(vendor.user.email, subject, "vendors/mail/claim", message=message)


def claimable_vendor(vendor_id) -> VendorProfile | None:
    """The profile a claim in progress is about, if it can still be claimed."""
    if not isinstance(vendor_id, int):
        return None
    vendor = db.session.get(VendorProfile, vendor_id)
    if vendor is None or vendor.deleted_at is not None or not is_claimable(vendor):
        return None
    return vendor
