"""Account logic shared by the pages and the CLI: registration and its confirmation link,
passwords, reset tokens, deactivation."""

import hashlib
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.core import audit
from marketplace.core.auth import sessions
from marketplace.core.auth.models import Role, User, UserSession, utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused


@cache
def _hashers(profile: str) -> tuple[PasswordHasher, str]:
    """The hasher for an argon2 profile (ARGON2_PROFILE: RFC 9106's low-memory one, the
    cheapest in tests), and a hash to verify against when the e-mail is unknown, so a wrong
    e-mail costs the same time as a wrong password and timing doesn't tell which accounts exist."""
    hasher = PasswordHasher.from_parameters(getattr(profiles, profile))
    return hasher, hasher.hash("not-a-real-password")


def _hasher() -> PasswordHasher:
    return _hashers(current_app.config["ARGON2_PROFILE"])[0]


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, password: str | None, role: Role, name: str = "") -> User:
    """Add a confirmed user to the session; raises Refused when the e-mail is taken.

    For accounts someone answers for: an administrator or organiser (whose person then sets a
    password through a mailed link or a claim code), the CLI, the demo. Self-registration goes
    through `register`."""
    if find_user(email) is not None:
        raise Refused(_("An account with this e-mail already exists."), field="email")
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role.value,
        email_confirmed_at=utcnow(),
    )
    if password is not None:
        set_password(user, password)
    try:
        with db.session.begin_nested():  # the same e-mail registered at the same instant
            db.session.add(user)
    except IntegrityError:
        raise Refused(_("An account with this e-mail already exists."), field="email") from None
    return user


def register(email: str, password: str, name: str) -> tuple[User | None, bool]:
    """A self-registration: (the new, unconfirmed entrepreneur, True), or (the account that
    already has this e-mail, False), which is left exactly as it was.

    The password is hashed in both cases, so the answer takes the same time and nobody can tell
    from it which e-mails have an account. The first account is None only when the e-mail
    belongs to an account that is closed."""
    password_hash = _hasher().hash(password)
    existing = find_user(email)
    if existing is None:
        user = User(
            email=normalise_email(email),
            name=name.strip(),
            role=Role.ENTREPRENEUR.value,
            password_hash=password_hash,
        )
        try:
            with db.session.begin_nested():  # the same e-mail registered at the same instant
                db.session.add(user)
        except IntegrityError:
            existing = find_user(email)
        else:
            return user, True
    return (existing if existing is not None and existing.is_active else None), False


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirm")


def make_confirm_token(user: User) -> str:
    # The address is in the token: a link stops working if the account's e-mail changes.
    return _confirm_serializer().dumps({"uid": user.id, "email": user.email})


def user_for_confirm_token(token: str) -> tuple[User | None, bool]:
    """The account a confirmation link is for and whether the link is still in time; None for
    a forged link or an account that is gone. An expired link still names its account, so a
    late second tap on an account already confirmed is told so rather than shown an error."""
    serializer = _confirm_serializer()
    fresh = True
    try:
        data = serializer.loads(token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    except SignatureExpired as e:
        fresh = False
        try:
            data = serializer.load_payload(e.payload)
        except BadSignature:
            return None, False
    except BadSignature:
        return None, False
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None, False
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or data.get("email") != user.email:
        return None, False
    return user, fresh


def confirm_email(user: User) -> bool:
    """Mark the e-mail confirmed, as a conditional UPDATE: True for the request that did it,
    False when it already was (a second tap on the link, the link opened on two devices)."""
    now = utcnow()
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.email_confirmed_at.is_(None))
        .values(email_confirmed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(user)
        return False
    set_committed_value(user, "email_confirmed_at", now)
    return True


def set_password(user: User, password: str, keep: UserSession | None = None) -> None:
    """Set a new password and end every session of the account but `keep`."""
    user.password_hash = _hasher().hash(password)
    if user.id is not None:
        sessions.end_all(user, keep=keep)


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        _verify(_hashers(current_app.config["ARGON2_PROFILE"])[1], password)
        return False
    if not _verify(user.password_hash, password):
        return False
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    return True


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    """The account these credentials open, or None. Raises Refused (403) for the right password
    of an account whose e-mail is not confirmed yet: only its owner can learn that."""
    user = find_user(email)
    if not (check_password(user, password) and user.is_active):
        return None
    if not user.is_confirmed:
        raise Refused(
            _(
                "Please confirm your e-mail address first: open the link in the message we sent "
                "you when you registered."
            ),
            code="unconfirmed",
            status=403,
            field="password",
        )
    user.last_login_at = utcnow()
    return user


def reset_password(user: User, password: str) -> None:
    """A new password from a reset link; the link arrived by e-mail, which confirms the address."""
    set_password(user, password)
    if not user.is_confirmed:
        confirm_email(user)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    """Changes whenever the password is set (argon2 salts every hash afresh, even for the same
    password), which makes a used reset link worthless."""
    return hashlib.sha256(f"reset:{user.password_hash}".encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link belongs to, or None if it is forged, expired or already used."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user):
        return None
    return user


def end_sessions_of(actor: User, user_id: int) -> int:
    """An administrator signs an account out on every device (a lost phone, a shared computer);
    the account stays active. Returns how many sessions ended; a second click ends none."""
    user = db.session.get(User, user_id)
    if user is None:
        raise Refused(_("We could not find this account."), status=404)
    ended = sessions.end_all(user)
    audit.record(actor, "user.signed_out", "user", user.id, sessions=ended)
    return ended


def set_active(actor: User, user_id: int, active: bool) -> User:
    """An administrator deactivates an account, ending its sessions, or reactivates it.

    A conditional UPDATE: of two administrators clicking at once, one changes it and the other
    is told it already was."""
    if user_id == actor.id:
        raise Refused(_("You cannot deactivate your own account."))
    changed = db.session.execute(
        db.update(User)
        .where(User.id == user_id, User.active.is_(not active))
        .values(active=active)
        .execution_options(synchronize_session=False)
    ).rowcount
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise Refused(_("We could not find this account."), status=404)
    if not changed:
        raise Refused(
            _("This account was already active.")
            if active
            else _("This account was already deactivated.")
        )
    # Reactivating too: a sign-in that raced the deactivation may have left a row behind.
    sessions.end_all(user)
    audit.record(actor, "user.activated" if active else "user.deactivated", "user", user.id)
    return user
