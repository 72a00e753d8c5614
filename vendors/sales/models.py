"""The sales ledger's rows: what was sold, for how much, where and how it was paid."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile


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
