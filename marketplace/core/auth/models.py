"""Accounts: one person, one role; and the sessions they are signed in with."""

import enum
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.database import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    ENTREPRENEUR = "entrepreneur"
    ORGANIZER = "organizer"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('entrepreneur', 'organizer', 'admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Always stored lower-case, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    #: Argon2 hash; empty for an account created at a ministry desk and not yet claimed.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.ENTREPRENEUR.value)
    #: "es" or "en"; None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: When the person proved the e-mail is theirs; None until a self-registered account opens
    #: its confirmation link (or a reset link). Accounts made by staff or the CLI start confirmed.
    email_confirmed_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    #: Set for the signed-in person of a request (auth.sessions): the key their cookies carry
    #: and its UserSession row. Not stored on the account.
    session_key = None
    current_session = None

    def get_id(self) -> str | None:
        """What Flask-Login puts in the session and remember cookies: the session's key only."""
        return self.session_key

    def has_role(self, *roles: Role) -> bool:
        return self.role in {r.value for r in roles}

    @property
    def is_staff(self) -> bool:
        return self.has_role(Role.ORGANIZER, Role.ADMIN)


class UserSession(db.Model):
    """One signed-in browser. Its cookies carry a random key; only the key's SHA-256 is kept."""

    __tablename__ = "user_sessions"
    # Never reuse an ended session's id on SQLite: an old page's "sign out" button names it.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "Keep me signed in": the longer idle time and lifetime apply.
    remember: Mapped[bool] = mapped_column(default=False)
    #: Coarse, from the User-Agent at sign-in ("Chrome", "Android"); None when unknown.
    browser: Mapped[str | None] = mapped_column(String(40))
    system: Mapped[str | None] = mapped_column(String(40))
    #: The /24 (IPv4) or /48 (IPv6) the sign-in came from, never the exact address.
    network: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Moved forward at most every SESSION_TOUCH_INTERVAL seconds, not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User] = relationship()


class TotpCredential(db.Model):
    """A staff member's authenticator app. Until confirmed_at is set it is only being enrolled:
    the same secret is offered again if they come back, so a QR code already scanned still works."""

    __tablename__ = "totp_credentials"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: Base32, as authenticator apps take it.
    secret: Mapped[str] = mapped_column(String(64))
    #: The last 30-second time step accepted; a code is only good for a later one.
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(db.Model):
    """One-time codes for when the phone is not at hand; only their salted argon2id hash is
    kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
