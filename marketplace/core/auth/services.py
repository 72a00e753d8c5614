"""Account logic shared by the pages and the CLI: registration, passwords, reset tokens,
deactivation."""

import hashlib
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

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
    """Add a user to the session; raises Refused when the e-mail is taken."""
    if find_user(email) is not None:
        raise Refused(_("An account with this e-mail already exists."), field="email")
    user = User(email=normalise_email(email), name=name.strip(), role=role.value)
    if password is not None:
        set_password(user, password)
    try:
        with db.session.begin_nested():  # the same e-mail registered at the same instant
            db.session.add(user)
    except IntegrityError:
        raise Refused(_("An account with this e-mail already exists."), field="email") from None
    return user


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
    user = find_user(email)
    if check_password(user, password) and user.is_active:
        user.last_login_at = utcnow()
        return user
    return None


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
