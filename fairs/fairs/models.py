"""Fairs, the circuits they belong to, and the moves a fair's status may make."""

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from marketplace.core.states import Lifecycle

if TYPE_CHECKING:  # the other side of a two-way relationship (a runtime import would be circular)
    from fairs.layout.models import Booth


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


#: Every status change of a fair goes through this guarded write.
FAIR_STATES = Lifecycle(Fair, FAIR_TRANSITIONS)
