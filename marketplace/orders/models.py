"""Orders, their lines, online payment attempts, refunds, provider events and vendor payouts."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from marketplace.core.states import Lifecycle
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile


class OrderStatus(enum.StrEnum):
    RESERVED = "reserved"  # stock held, paid at pickup or at the fair
    AWAITING_PAYMENT = "awaiting_payment"  # stock held while the buyer pays online
    PAID = "paid"  # paid online
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class LineStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    READY = "ready"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


#: The moves a vendor may make on a line; everything else is refused in one place.
LINE_TRANSITIONS = {
    LineStatus.PENDING: {LineStatus.CONFIRMED, LineStatus.READY, LineStatus.CANCELLED},
    LineStatus.CONFIRMED: {LineStatus.READY, LineStatus.DELIVERED, LineStatus.CANCELLED},
    LineStatus.READY: {LineStatus.DELIVERED, LineStatus.CANCELLED},
    LineStatus.DELIVERED: set(),
    LineStatus.CANCELLED: set(),
}

#: Moves the system makes on its own: a line released with its order comes back when a late
#: payment holds the stock again.
LINE_SYSTEM_MOVES = {LineStatus.CANCELLED: {LineStatus.PENDING}}

#: Order states in which stock is held for the buyer.
HOLDING = (OrderStatus.RESERVED.value, OrderStatus.AWAITING_PAYMENT.value)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("refunded >= 0 AND refunded <= total", name="refund_within_total"),
        CheckConstraint("payment_choice IN ('pickup', 'online')", name="payment_choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short public code the buyer quotes at the booth (unambiguous alphabet).
    code: Mapped[str] = mapped_column(String(12), unique=True)
    buyer_name: Mapped[str] = mapped_column(String(120))
    buyer_email: Mapped[str] = mapped_column(String(254))
    #: Normalised +504XXXXXXXX.
    buyer_phone: Mapped[str] = mapped_column(String(16))
    #: "pickup" (pay at pickup or at the fair) or "online".
    payment_choice: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), index=True)
    #: Centavos, sum of the lines at the prices read when the order was placed.
    total: Mapped[int]
    #: Centavos refunded so far (online payments only).
    refunded: Mapped[int] = mapped_column(default=0)
    #: When held stock is released if the order is still unpaid / not collected.
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    paid_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    payments: Mapped[list["Payment"]] = relationship(
        back_populates="order", order_by="Payment.attempt"
    )

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING

    @property
    def refundable(self) -> int:
        return self.total - self.refunded if self.status == OrderStatus.PAID else 0


#: Every order status change. Paid and cancelled are final: money after a cancel is refunded.
ORDER_TRANSITIONS = {
    OrderStatus.RESERVED: {OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.EXPIRED},
    OrderStatus.AWAITING_PAYMENT: {
        OrderStatus.RESERVED,
        OrderStatus.PAID,
        OrderStatus.CANCELLED,
        OrderStatus.EXPIRED,
    },
    # A payment completed after the order was released takes the stock again if it is there.
    OrderStatus.EXPIRED: {OrderStatus.PAID},
    OrderStatus.PAID: set(),
    OrderStatus.CANCELLED: set(),
}
ORDER_STATES = Lifecycle(Order, ORDER_TRANSITIONS)


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        CheckConstraint(
            "refunded_quantity >= 0 AND refunded_quantity <= quantity", name="refund_within_qty"
        ),
        db.Index("ix_order_lines_vendor_status", "vendor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    #: The product title when ordered.
    title: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int]
    #: Centavos, read from the product when the order was placed.
    unit_price: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=LineStatus.PENDING.value)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    #: Units refunded (online payments); their stock went back on the shelf.
    refunded_quantity: Mapped[int] = mapped_column(default=0)
    #: How a pay-at-pickup line was paid at delivery (a sales payment method).
    pickup_method: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="lines")
    vendor: Mapped[VendorProfile] = relationship()
    product: Mapped[Product | None] = relationship()

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price

    @property
    def net_quantity(self) -> int:
        return self.quantity - self.refunded_quantity


LINE_STATES = Lifecycle(
    OrderLine,
    {s: LINE_TRANSITIONS[s] | LINE_SYSTEM_MOVES.get(s, set()) for s in LINE_TRANSITIONS},
)


class PaymentStatus(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    EXPIRED = "expired"
    FAILED = "failed"
    REFUNDED = "refunded"  # paid, but refunded in full: a second payment, or no stock left


class Payment(db.Model):
    """One attempt to pay an order online: maps the provider's reference to our order."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("provider", "reference"),
        UniqueConstraint("order_id", "attempt"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    #: 1, 2, ... per order; part of the idempotency key sent to the provider.
    attempt: Mapped[int]
    provider: Mapped[str] = mapped_column(String(20))
    #: The provider's id for the attempt (Stripe Checkout Session id).
    reference: Mapped[str] = mapped_column(String(255))
    #: The provider's id of the money movement, needed to refund (Stripe PaymentIntent id).
    charge_reference: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=PaymentStatus.OPEN.value)
    #: Centavos.
    amount: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="payments")


PAYMENT_TRANSITIONS = {
    PaymentStatus.OPEN: {PaymentStatus.PAID, PaymentStatus.EXPIRED, PaymentStatus.FAILED},
    PaymentStatus.PAID: {PaymentStatus.REFUNDED},
    PaymentStatus.EXPIRED: set(),
    PaymentStatus.FAILED: set(),
    PaymentStatus.REFUNDED: set(),
}
PAYMENT_STATES = Lifecycle(Payment, PAYMENT_TRANSITIONS)


class Refund(db.Model):
    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    quantity: Mapped[int]
    #: Centavos.
    amount: Mapped[int]
    #: The provider's refund id.
    reference: Mapped[str] = mapped_column(String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProviderEvent(db.Model):
    """Every webhook event accepted, so each is processed exactly once."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class VendorPayout(db.Model):
    """Money the programme paid an entrepreneur for their online sales."""

    __tablename__ = "vendor_payouts"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    #: Centavos.
    amount: Mapped[int]
    paid_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(120), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    vendor: Mapped[VendorProfile] = relationship()
