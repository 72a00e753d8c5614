"""Entrepreneur profiles, their products and the photos of both."""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User, utcnow
from marketplace.database import db
from marketplace.states import Lifecycle


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


class Image(db.Model):
    """One processed photo: its display variants in storage, shared by whatever shows it."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Content hash; the same photo uploaded twice is stored once.
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Size of the largest variant, for width/height attributes (no layout shift).
    width: Mapped[int]
    height: Mapped[int]
    #: [{"width", "height", "format", "key"}], largest first.
    variants: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(30), index=True)
    #: Centavos.
    price: Mapped[int]
    #: Units on hand; None means made to order.
    stock: Mapped[int | None]
    #: Set when a sale found no stock left: the sale is kept and someone should count again.
    needs_stock_check: Mapped[bool] = mapped_column(default=False)
    visible: Mapped[bool] = mapped_column(default=True)
    #: Set when an organiser hid the product; only an organiser can show it again.
    moderated_at: Mapped[datetime | None]
    #: The organiser's reason, shown to the entrepreneur.
    moderation_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]

    vendor: Mapped[VendorProfile] = relationship(back_populates="products")
    photos: Mapped[list["ProductPhoto"]] = relationship(
        back_populates="product", order_by="ProductPhoto.position", cascade="all, delete-orphan"
    )

    @property
    def made_to_order(self) -> bool:
        return self.stock is None

    @property
    def is_public(self) -> bool:
        """Shown in the catalogue: visible, not hidden by organisers, vendor verified."""
        return (
            self.visible
            and self.moderated_at is None
            and self.deleted_at is None
            and self.vendor.is_verified
            and self.vendor.deleted_at is None
        )

    @property
    def cover(self) -> "Image | None":
        """The first photo's image, or None."""
        return self.photos[0].image if self.photos else None


class ProductPhoto(db.Model):
    __tablename__ = "product_photos"
    __table_args__ = (UniqueConstraint("product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id"))
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(String(200), default="")

    product: Mapped[Product] = relationship(back_populates="photos")
    image: Mapped[Image] = relationship()


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"
    OTHER = "other"
    ONLINE = "online"  # paid through the online shop


class Sale(db.Model):
    """One line of the append-only sales ledger. A mistake is voided with a reason, never edited."""

    __tablename__ = "sales"
    __table_args__ = (
        # A phone may send the same sale twice; its key makes the second send a no-op.
        UniqueConstraint("vendor_id", "client_key"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        CheckConstraint("total = quantity * unit_price", name="total_matches"),
        CheckConstraint(
            "payment_method IN ('cash', 'card', 'transfer', 'other', 'online')",
            name="payment_method_known",
        ),
        db.Index("ix_sales_fair_recorded", "fair_id", "recorded_at"),
        db.Index("ix_sales_vendor_recorded", "vendor_id", "recorded_at"),
        # Covers a fair's report: its counted sales are read from this index alone, in vendor
        # order, instead of row by row from the table (see bench/reports.py).
        db.Index(
            "ix_sales_fair_report",
            "fair_id",
            "vendor_id",
            "payment_method",
            "recorded_at",
            "total",
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    #: None for a free-text item that is not in the catalogue.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    #: What was sold, as written at the time (product title or free text).
    description: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int]
    #: Centavos, as charged (fair discounts included).
    unit_price: Mapped[int]
    #: Centavos: quantity × unit_price.
    total: Mapped[int]
    payment_method: Mapped[str] = mapped_column(String(20))
    #: The live fair and booth the sale was made at; None outside a fair.
    fair_id: Mapped[int | None] = mapped_column(ForeignKey("fairs.id", ondelete="SET NULL"))
    booth_id: Mapped[int | None] = mapped_column(ForeignKey("booths.id", ondelete="SET NULL"))
    #: Generated on the phone; unique per vendor.
    client_key: Mapped[str] = mapped_column(String(64))
    #: When the sale happened (the phone's clock, checked for sanity); UTC.
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the server stored it.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str] = mapped_column(String(200), default="")
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    vendor: Mapped[VendorProfile] = relationship()
    product: Mapped[Product | None] = relationship()

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
