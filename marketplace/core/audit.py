"""The audit log: who did what to which object, and when. Every package writes through record()."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Who acted; None for the system (CLI, background jobs).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: A dotted verb, e.g. "vendor.verified", "application.approved".
    action: Mapped[str] = mapped_column(String(64))
    #: The kind and id of the object acted on, e.g. ("vendor", 12).
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (db.Index("ix_audit_log_target", "target_type", "target_id"),)


def record(actor: User | None, action: str, target_type: str, target_id: int | None, **details):
    """Add an audit entry to the session (the caller's transaction commits it)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(entry)
    return entry


def history(target_type: str, target_id: int) -> list[AuditEntry]:
    stmt = (
        db.select(AuditEntry)
        .where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    return list(db.session.scalars(stmt))
