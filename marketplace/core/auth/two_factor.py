"""The second step of staff sign-in: authenticator codes (TOTP), recovery codes, and the sign-in
that waits between the password and the code.

The password step calls `begin_pending`; the second step finds the person with `pending_user`
and, once a method has checked them (an authenticator code or a recovery code here; any other
method the same way), `finish_pending` hands back what `start_session` needs. Nothing is signed
in until then.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import cache

import pyotp
import segno
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, session
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.core import audit
from marketplace.core.auth import sessions
from marketplace.core.auth.models import RecoveryCode, TotpCredential, User, utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.core.security import safe_next_url

ISSUER = "Mercado Retorno"
STEP_SECONDS = 30
#: Steps either side of now that are still accepted: a phone clock a little off.
DRIFT_STEPS = 1
CODE_DIGITS = 6
RECOVERY_CODE_COUNT = 10
#: No 0/o, 1/l/i: read off paper and typed without doubt.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 12
_PENDING = "two_factor_pending"


def required(user: User) -> bool:
    """Organisers and administrators see the data of vulnerable people: they need a second step."""
    return user.is_staff


# --- the sign-in waiting for its second step ----------------------------------------------


@dataclass(frozen=True)
class Pending:
    user: User
    remember: bool
    next_url: str | None


def begin_pending(user: User, remember: bool = False, next_url: str | None = None) -> None:
    """After a correct password: remember who is signing in, for a few minutes, in the session."""
    session[_PENDING] = {
        "uid": user.id,
        # A password change in between voids it.
        "token": _password_mark(user),
        "remember": bool(remember),
        "next": safe_next_url(next_url) or "",
        "started": int(time.time()),
    }


def _password_mark(user: User) -> str:
    """Changes whenever the password is set (argon2 salts every hash afresh)."""
    return hashlib.sha256(f"pending:{user.password_hash}".encode()).hexdigest()[:16]


def pending_id() -> int | None:
    """The account of the pending sign-in as the session says, unchecked (for rate limits)."""
    data = session.get(_PENDING)
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None


def pending_user() -> User | None:
    """The person between password and code, or None when nobody is, or it took too long."""
    data = session.get(_PENDING)
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    started = data.get("started")
    max_age = current_app.config["TWO_FACTOR_PENDING_SECONDS"]
    if not isinstance(started, int) or not 0 <= time.time() - started <= max_age:
        session.pop(_PENDING, None)
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or _password_mark(user) != data.get("token"):
        session.pop(_PENDING, None)
        return None
    return user


def finish_pending() -> Pending | None:
    """End the wait once a second factor has been checked; the caller starts the session."""
    user = pending_user()
    data = session.pop(_PENDING, None)
    if user is None:
        return None
    return Pending(user, bool(data.get("remember")), safe_next_url(data.get("next")))


def cancel_pending() -> None:
    session.pop(_PENDING, None)


# --- authenticator codes ------------------------------------------------------------------


def credential(user: User) -> TotpCredential | None:
    return db.session.get(TotpCredential, user.id)


def is_enrolled(user: User) -> bool:
    return (
        db.session.scalar(
            select(TotpCredential.user_id).where(
                TotpCredential.user_id == user.id, TotpCredential.confirmed_at.is_not(None)
            )
        )
        is not None
    )


def enrolled_ids(user_ids) -> set[int]:
    """Which of these accounts have an authenticator (one query for a page of accounts)."""
    ids = list(user_ids)
    if not ids:
        return set()
    stmt = select(TotpCredential.user_id).where(
        TotpCredential.user_id.in_(ids), TotpCredential.confirmed_at.is_not(None)
    )
    return set(db.session.scalars(stmt))


def start_enrolment(user: User, secret: str | None = None) -> TotpCredential:
    """The secret to put in the authenticator app: the one already offered, if any, so a QR code
    scanned before (another tab, a sign-in that timed out) keeps working."""
    found = credential(user)
    if found is not None:
        if found.confirmed_at is not None:
            raise Refused(_("Two-step verification is already set up for this account."))
        return found
    row = TotpCredential(user_id=user.id, secret=secret or pyotp.random_base32())
    try:
        with db.session.begin_nested():  # the same page opened twice at once
            db.session.add(row)
    except IntegrityError:
        return start_enrolment(user)
    return row


def enrol_with(user: User, secret: str) -> None:
    """An authenticator already on, with a key chosen elsewhere: the demo accounts' known one."""
    db.session.add(TotpCredential(user_id=user.id, secret=secret, confirmed_at=utcnow()))


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER
    )


def qr_code(uri: str) -> Markup:
    """The otpauth:// link as an inline SVG QR code, for the phone's camera."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=5, omitsize=True))


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it in by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(raw: str | None) -> str:
    return "".join((raw or "").split()).replace("-", "").lower()


def is_totp_shaped(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def is_recovery_shaped(code: str) -> bool:
    return len(code) == RECOVERY_LENGTH and all(c in RECOVERY_ALPHABET for c in code)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def _matching_step(secret: str, code: str, now: float | None) -> int | None:
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    here = current_step(now)
    for step in range(here - DRIFT_STEPS, here + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_code(user: User, code: str, now: float | None = None) -> bool:
    """Whether this authenticator code signs the person in. Each code works once: the step it
    belongs to must be later than the last one accepted, a conditional UPDATE, so the same code
    sent twice at once is accepted once."""
    found = credential(user)
    if found is None or found.confirmed_at is None or not is_totp_shaped(code):
        return False
    step = _matching_step(found.secret, code, now)
    if step is None:
        return False
    result = db.session.execute(
        update(TotpCredential)
        .where(
            TotpCredential.user_id == user.id,
            TotpCredential.confirmed_at.is_not(None),
            or_(TotpCredential.last_step.is_(None), TotpCredential.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def confirm_enrolment(user: User, code: str, now: float | None = None) -> list[str]:
    """Switch the authenticator on with a first code from it; returns the new recovery codes."""
    found = credential(user)
    if found is None or found.confirmed_at is not None:
        raise Refused(_("Please start setting up two-step verification again."))
    step = _matching_step(found.secret, code, now) if is_totp_shaped(code) else None
    if step is None:
        raise Refused(_("That code is not correct. Enter the code your app shows now."))
    result = db.session.execute(
        update(TotpCredential)
        .where(TotpCredential.user_id == user.id, TotpCredential.confirmed_at.is_(None))
        .values(confirmed_at=utcnow(), last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refused(_("Two-step verification is already set up for this account."))
    db.session.expire(found)
    audit.record(user, "user.two_factor_enrolled", "user", user.id)
    return replace_recovery_codes(user)


# --- recovery codes -----------------------------------------------------------------------


@cache
def _code_hasher(profile: str) -> PasswordHasher:
    """Salted argon2id for recovery codes: at about 59 bits, a plain digest of the ten codes in
    a stolen backup could be searched. OWASP's minimum argon2id settings (19 MiB, 2 passes),
    not a password's: the codes are random, there is no dictionary to try first. Tests, which
    run with ARGON2_PROFILE = "CHEAPEST", use that."""
    if profile == "CHEAPEST":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _code_hasher(current_app.config["ARGON2_PROFILE"])


def _matches(code_hash: str, code: str) -> bool:
    try:
        return _hasher().verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False


def _new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))


def display_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new codes, shown once; the old ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hasher().hash(c)) for c in codes)
    db.session.flush()
    return [display_recovery_code(c) for c in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """Spend a recovery code: a conditional UPDATE, so a code sent twice at once works once."""
    if not is_recovery_shaped(code):
        return False
    unused = db.session.execute(
        select(RecoveryCode.id, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    match = next((row.id for row in unused if _matches(row.code_hash, code)), None)
    if match is None:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == match, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    audit.record(user, "user.recovery_code_used", "user", user.id)
    return True


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def check_second_factor(user: User, raw: str) -> bool:
    """An authenticator code or a recovery code, whichever it looks like."""
    code = normalise_code(raw)
    if is_totp_shaped(code):
        return accept_code(user, code)
    return use_recovery_code(user, code)


# --- administrators -----------------------------------------------------------------------


def reset(admin: User, target: User) -> None:
    """An administrator switches off a colleague's second factor (a lost phone): the colleague
    is signed out everywhere and sets it up again at the next sign-in."""
    if admin.id == target.id:
        raise Refused(
            _("You cannot reset your own two-step verification. Ask another administrator."),
            status=403,
        )
    if not target.is_staff:
        raise Refused(_("Only organiser and administrator accounts use two-step verification."))
    removed = db.session.execute(
        delete(TotpCredential)
        .where(TotpCredential.user_id == target.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == target.id))
    if not removed:
        raise Refused(
            _("%(name)s has no two-step verification set up.", name=target.name or target.email),
            status=409,
        )
    sessions.end_all(target)
    audit.record(admin, "user.two_factor_reset", "user", target.id, email=target.email)
