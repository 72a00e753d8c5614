"""Entrepreneurs' applications to fairs, which also hold the booth assignment."""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairs.fairs.models import Fair
from fairs.layout.models import Booth
from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from marketplace.core.states import Lifecycle
from vendors.profiles.models import VendorProfile


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


APPLICATION_TRANSITIONS = {
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.APPROVED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.WAITLISTED: {
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.APPROVED: {
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.REJECTED: {ApplicationStatus.APPROVED, ApplicationStatus.WAITLISTED},
    ApplicationStatus.WITHDRAWN: {ApplicationStatus.SUBMITTED},
}


class Application(db.Model):
    """A vendor's application to one fair; once approved it may hold one booth."""

    __tablename__ = "applications"
    __table_args__ = (
        # One application per vendor per fair, so a vendor can never hold two booths at a fair.
        UniqueConstraint("fair_id", "vendor_id"),
        CheckConstraint(
            "status IN ('submitted', 'approved', 'waitlisted', 'rejected', 'withdrawn')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED.value)
    #: Category codes the vendor will bring.
    categories: Mapped[list] = mapped_column(JSON, default=list)
    #: Product ids the vendor will bring.
    product_ids: Mapped[list] = mapped_column(JSON, default=list)
    needs_power: Mapped[bool] = mapped_column(default=False)
    needs_step_free: Mapped[bool] = mapped_column(default=False)
    needs_shade: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(1000), default="")
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    decided_at: Mapped[datetime | None]
    #: Unique: no booth is ever held by two vendors, whatever two organisers do at once.
    booth_id: Mapped[int | None] = mapped_column(
        ForeignKey("booths.id", ondelete="SET NULL"), unique=True
    )
    #: Set by an organiser by hand; the automatic pass never moves it.
    booth_manual: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    fair: Mapped[Fair] = relationship()
    vendor: Mapped[VendorProfile] = relationship()
    booth: Mapped[Booth | None] = relationship(back_populates="application")


#: Every status change of an application goes through this guarded write.
APPLICATION_STATES = Lifecycle(Application, APPLICATION_TRANSITIONS)
