"""Entrepreneur profiles and their verification status."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db
from marketplace.core.states import Lifecycle
from vendors.photos.models import Image

if TYPE_CHECKING:  # the other side of a two-way relationship (a runtime import would be circular)
    from vendors.products.models import Product


class VendorStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


#: Allowed verification moves; a rejected profile can be corrected and verified later.
VENDOR_TRANSITIONS = {
    VendorStatus.PENDING: {VendorStatus.VERIFIED, VendorStatus.REJECTED},
    VendorStatus.REJECTED: {VendorStatus.VERIFIED, VendorStatus.PENDING},
    VendorStatus.VERIFIED: {VendorStatus.REJECTED},
}


class VendorProfile(db.Model):
    __tablename__ = "vendors"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'verified', 'rejected')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None once the person deleted their account (anonymous figures stay for reports).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    business_name: Mapped[str] = mapped_column(String(120))
    #: Plain text; shown escaped with line breaks.
    story: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(30), index=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    municipality: Mapped[str] = mapped_column(String(80), default="")
    #: Normalised +504XXXXXXXX; shown publicly only when the matching switch is on.
    phone: Mapped[str | None] = mapped_column(String(16))
    whatsapp: Mapped[str | None] = mapped_column(String(16))
    show_phone: Mapped[bool] = mapped_column(default=False)
    show_whatsapp: Mapped[bool] = mapped_column(default=False)
    returned_from: Mapped[str | None] = mapped_column(String(60))
    returned_year: Mapped[int | None]
    #: Optional; used only in aggregated reports with groups of at least five people.
    gender: Mapped[str | None] = mapped_column(String(20))
    age_range: Mapped[str | None] = mapped_column(String(10))
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=VendorStatus.PENDING.value, index=True)
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    status_changed_at: Mapped[datetime | None]
    #: Set for assisted registration at a ministry desk: who helped and when consent was given.
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    consent_at: Mapped[datetime | None]
    #: SHA-256 of the one-time code that lets an assisted entrepreneur claim the account.
    claim_code_hash: Mapped[str | None] = mapped_column(String(64))
    claim_code_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    logo: Mapped[Image | None] = relationship()
    products: Mapped[list["Product"]] = relationship(back_populates="vendor")

    @property
    def is_verified(self) -> bool:
        return self.status == VendorStatus.VERIFIED.value and self.deleted_at is None

    @classmethod
    def is_listed(cls):
        """SQL condition for who the public catalogue shows and who may apply to fairs:
        verified and not deleted (a deleted account keeps its anonymous row for reports)."""
        return (cls.status == VendorStatus.VERIFIED.value) & cls.deleted_at.is_(None)


#: The only writer of VendorProfile.status: two organisers deciding at once make one decision.
VENDOR_STATES = Lifecycle(VendorProfile, VENDOR_TRANSITIONS)
