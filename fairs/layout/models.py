"""Booths: the grid of a fair's layout and what each booth offers."""

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fairs.fairs.models import Fair
from marketplace.core.database import db

if TYPE_CHECKING:  # the other side of a two-way relationship (a runtime import would be circular)
    from fairs.applications.models import Application


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
