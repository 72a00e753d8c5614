"""Fairs, their booths, and entrepreneurs' applications (which also hold the booth assignment)."""

import enum
from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import utcnow
from marketplace.database import db
from marketplace.states import Lifecycle
from vendors.models import VendorProfile


class FairStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # open for applications
    CLOSED = "closed"  # applications closed, preparing the fair
    LIVE = "live"  # fair day
    FINISHED = "finished"
    CANCELLED = "cancelled"


#: The only moves a fair's status can make.
FAIR_TRANSITIONS = {
    FairStatus.DRAFT: {FairStatus.OPEN, FairStatus.CANCELLED},
    FairStatus.OPEN: {FairStatus.CLOSED, FairStatus.CANCELLED},
    FairStatus.CLOSED: {FairStatus.OPEN, FairStatus.LIVE, FairStatus.CANCELLED},
    FairStatus.LIVE: {FairStatus.FINISHED},
    FairStatus.FINISHED: set(),
    FairStatus.CANCELLED: set(),
}

#: Statuses the public may see.
PUBLIC_STATUSES = (
    FairStatus.OPEN.value,
    FairStatus.CLOSED.value,
    FairStatus.LIVE.value,
    FairStatus.FINISHED.value,
)


class Circuit(db.Model):
    """A series of fairs entrepreneurs can apply to in one go (e.g. the August circuit)."""

    __tablename__ = "circuits"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    fairs: Mapped[list["Fair"]] = relationship(back_populates="circuit", order_by="Fair.starts_on")


class Fair(db.Model):
    __tablename__ = "fairs"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint(
            "status IN ('draft', 'open', 'closed', 'live', 'finished', 'cancelled')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(80))
    department: Mapped[str] = mapped_column(String(40))
    venue: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date]
    #: Local (Tegucigalpa) opening hours on each fair day.
    opens_at: Mapped[time | None]
    closes_at: Mapped[time | None]
    applications_open_on: Mapped[date | None]
    applications_close_on: Mapped[date | None]
    capacity: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=FairStatus.DRAFT.value, index=True)
    #: The circuit's closing ceremony is held at this fair.
    closing_ceremony: Mapped[bool] = mapped_column(default=False)
    circuit_id: Mapped[int | None] = mapped_column(ForeignKey("circuits.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    circuit: Mapped[Circuit | None] = relationship(back_populates="fairs")
    booths: Mapped[list["Booth"]] = relationship(
        back_populates="fair", order_by="Booth.row, Booth.col", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class Booth(db.Model):
    __tablename__ = "booths"
    __table_args__ = (
        UniqueConstraint("fair_id", "code"),
        UniqueConstraint("fair_id", "row", "col"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), index=True)
    #: As printed on the booth: "A-07".
    code: Mapped[str] = mapped_column(String(12))
    #: Position on the grid, 0-based; the map and the neighbour rule use it.
    row: Mapped[int]
    col: Mapped[int]
    size: Mapped[str] = mapped_column(String(20), default="3x3 m")
    has_power: Mapped[bool] = mapped_column(default=False)
    shade: Mapped[bool] = mapped_column(default=False)
    step_free: Mapped[bool] = mapped_column(default=True)
    #: e.g. "food"; None for the general area.
    zone: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(String(300), default="")
    unavailable: Mapped[bool] = mapped_column(default=False)

    fair: Mapped[Fair] = relationship(back_populates="booths")
    application: Mapped["Application | None"] = relationship(back_populates="booth")


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


#: Every status change of a fair or an application goes through these guarded writes.
FAIR_STATES = Lifecycle(Fair, FAIR_TRANSITIONS)
APPLICATION_STATES = Lifecycle(Application, APPLICATION_TRANSITIONS)
