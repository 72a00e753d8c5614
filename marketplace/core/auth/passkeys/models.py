"""A person's passkeys, and the one-time challenges the WebAuthn ceremonies sign."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db

#: WebAuthn allows credential ids of up to 1023 bytes.
MAX_CREDENTIAL_ID = 1023
#: A person-given name ("Mi teléfono").
MAX_NAME = 60


class Passkey(db.Model):
    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(MAX_CREDENTIAL_ID), unique=True)
    #: COSE-encoded, as the authenticator gave it at registration.
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    #: The authenticator's use counter (32-bit unsigned); many passkeys always report 0.
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    #: What the browser said the authenticator speaks ("internal", "hybrid", "usb"...), as a
    #: hint for the next ceremony.
    transports: Mapped[list] = mapped_column(JSON, default=list)
    #: The WebAuthn user handle stored on the authenticator: random, the same for all of one
    #: person's passkeys, so it says nothing about the account.
    user_handle: Mapped[bytes] = mapped_column(LargeBinary(64))
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class PasskeyChallenge(db.Model):
    """A challenge handed to one browser (its value is also in that browser's session). The row
    is what makes it single-use: taking it is a DELETE whose row count is checked, so of two
    requests with the same signed answer only one finds it, on every database."""

    __tablename__ = "passkey_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: base64url of 32 random bytes.
    challenge: Mapped[str] = mapped_column(String(64), unique=True)
    #: "register" or "sign_in".
    purpose: Mapped[str] = mapped_column(String(20))
    #: Who is adding a passkey; None for a sign-in, where nobody is known yet.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(index=True)
