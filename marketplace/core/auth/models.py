"""Accounts: one person, one role."""

import enum
import secrets
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.database import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    ENTREPRENEUR = "entrepreneur"
    ORGANIZER = "organizer"
    ADMIN = "admin"


def _new_session_token() -> str:
    return secrets.token_hex(8)


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
    #: Part of the login cookie: changing it signs the person out everywhere.
    session_token: Mapped[str] = mapped_column(String(32), default=_new_session_token)
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

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = _new_session_token()

    def has_role(self, *roles: Role) -> bool:
        return self.role in {r.value for r in roles}

    @property
    def is_staff(self) -> bool:
        return self.has_role(Role.ORGANIZER, Role.ADMIN)
