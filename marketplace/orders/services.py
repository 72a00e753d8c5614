"""Placing orders, holding and releasing stock, expiry, and the vendors' moves on their lines.

Stock is held with one conditional UPDATE per line (`stock = stock - q WHERE stock >= q`) in the
order's own transaction, so two buyers of the last unit cannot both win. Every other write on an
order starts with `lock_order`, which locks the order row and reads it, its lines and payments
afresh, so two people acting on one order are served one after the other and the second sees
what the first did. Statuses move only through the Lifecycles in models. Services flush; the
caller commits.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import selectinload

from marketplace.core import audit
from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.orders import sales_link
from marketplace.orders.models import (
    LINE_STATES,
    LINE_TRANSITIONS,
    ORDER_STATES,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
)
from vendors.products.models import Product
from vendors.sales.models import PaymentMethod

log = logging.getLogger(__name__)

#: No 0/O, 1/I/L: codes are read aloud at a booth and typed on phones.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
#: How a vendor may record a pay-at-pickup line at delivery.
PICKUP_METHODS = (
    PaymentMethod.CASH,
    PaymentMethod.CARD,
    PaymentMethod.TRANSFER,
    PaymentMethod.OTHER,
)


@dataclass
class Buyer:
    name: str
    email: str
    phone: str


def place_order(items: list[tuple[Product, int]], buyer: Buyer, choice: str) -> Order:
    """Create the order and hold its stock in the current transaction (raises Refused)."""
    if not items:
        raise Refused(_("Your cart is empty."), code="empty_cart")
    order = Order(
        code=_new_code(),
        buyer_name=buyer.name,
        buyer_email=buyer.email,
        buyer_phone=buyer.phone,
        payment_choice=choice,
        status=(OrderStatus.RESERVED if choice == "pickup" else OrderStatus.AWAITING_PAYMENT).value,
        total=sum(p.price * q for p, q in items),
        expires_at=expiry_for(choice),
    )
    for product, quantity in items:
        if not hold_stock(product.id, quantity):
            raise Refused(
                _("Not enough of “%(title)s” is left for this order.", title=product.title),
                code="out_of_stock",
            )
        order.lines.append(
            OrderLine(
                vendor_id=product.vendor_id,
                product_id=product.id,
                title=product.title,
                quantity=quantity,
                unit_price=product.price,
                status=LineStatus.PENDING.value,
            )
        )
    db.session.add(order)
    db.session.flush()
    return order


def lock_order(order_id: int) -> Order:
    """Lock the order row until the transaction ends and read it, its lines and its payments
    from the database, not from the session: the first step of every write on an order."""
    order = db.session.scalar(
        db.select(Order)
        .where(Order.id == order_id)
        .options(selectinload(Order.lines), selectinload(Order.payments))
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise Refused(_("This order does not exist any more."), code="not_found", status=404)
    return order


def locked_line(line_id: int) -> OrderLine:
    """A line, fresh, with its order locked (see lock_order)."""
    order_id = db.session.scalar(db.select(OrderLine.order_id).where(OrderLine.id == line_id))
    order = lock_order(order_id) if order_id is not None else None
    line = next((ln for ln in order.lines if ln.id == line_id), None) if order else None
    if line is None:
        raise Refused(_("This order does not exist any more."), code="not_found", status=404)
    return line


def expiry_for(choice: str) -> datetime:
    cfg = current_app.config
    if choice == "pickup":
        return utcnow() + timedelta(hours=cfg["ORDER_RESERVATION_HOURS"])
    return utcnow() + timedelta(minutes=cfg["ONLINE_PAYMENT_MINUTES"])


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(db.select(Order.id).where(Order.code == code)) is None:
            return code


def hold_stock(product_id: int, quantity: int) -> bool:
    """Take `quantity` off the shelf if that many are there (made-to-order always succeeds)."""
    result = db.session.execute(
        update(Product)
        .where(
            Product.id == product_id,
            Product.visible.is_(True),
            Product.deleted_at.is_(None),
            (Product.stock.is_(None)) | (Product.stock >= quantity),
        )
        .values(stock=Product.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_stock(product_id: int | None, quantity: int) -> None:
    if product_id is None or quantity <= 0:
        return
    db.session.execute(
        update(Product)
        .where(Product.id == product_id, Product.stock.is_not(None))
        .values(stock=Product.stock + quantity)
        .execution_options(synchronize_session=False)
    )


def hold_order_again(order: Order) -> bool:
    """Hold the stock of a released order again (a payment arrived late); all or nothing."""
    savepoint = db.session.begin_nested()
    for line in order.lines:
        if line.product_id is not None and not hold_stock(line.product_id, line.quantity):
            savepoint.rollback()
            return False
    savepoint.commit()
    return True


def release_order(order: Order, status: OrderStatus, reason: str) -> None:
    """Give back the stock of every open line and close the order (the caller holds the lock)."""
    for line in order.lines:
        if line.status not in (LineStatus.CANCELLED, LineStatus.DELIVERED):
            release_stock(line.product_id, line.quantity)
            LINE_STATES.move(line, LineStatus.CANCELLED, cancel_reason=reason)
    ORDER_STATES.move(order, status, expires_at=None)


def expire_reservations(now: datetime | None = None) -> int:
    """Release pay-at-pickup reservations past their time (`flask orders expire`, from cron).
    Online orders are released by the provider's expiry event or `orders expire`, which asks the
    provider first."""
    now = now or utcnow()
    # Locked all at once, before any stock moves (one by one could deadlock with a buyer's
    # request); orders someone is working on right now are left for the next run.
    due = db.session.scalars(
        db.select(Order.id)
        .where(Order.status == OrderStatus.RESERVED.value, Order.expires_at < now)
        .with_for_update(skip_locked=True)
    ).all()
    return sum(expire_if_due(order_id, now) for order_id in due)


def reservation_due(order: Order, now: datetime | None = None) -> bool:
    """Whether this reservation's time has passed (read only; expire_if_due decides)."""
    return (
        order.status == OrderStatus.RESERVED
        and order.expires_at is not None
        and order.expires_at < (now or utcnow())
    )


def expire_if_due(order_id: int, now: datetime | None = None) -> bool:
    """Release one reservation past its time, decided under the order's lock: False when it is
    not due, or was paid, collected or released meanwhile."""
    now = now or utcnow()
    order = lock_order(order_id)
    if not reservation_due(order, now):
        return False
    if any(line.status == LineStatus.DELIVERED for line in order.lines):
        order.expires_at = None  # partly collected: the vendor settles the rest by hand
        return False
    release_order(order, OrderStatus.EXPIRED, _("The reservation expired."))
    audit.record(None, "order.expired", "order", order.id)
    return True


def move_line(
    line_id: int, to: LineStatus, actor: User, reason: str = "", method: str | None = None
) -> OrderLine:
    """A vendor's move on one of their lines, checked against LINE_TRANSITIONS under the
    order's lock, so a cancel and a delivery of the same line cannot both happen."""
    line = locked_line(line_id)
    order = line.order
    if order.status not in (OrderStatus.RESERVED, OrderStatus.PAID):
        raise Refused(_("This order is not active any more."), code="order_closed")
    if to not in LINE_TRANSITIONS[LineStatus(line.status)]:
        raise Refused(_("This step is not possible for this order line."), code="not_allowed")
    if to == LineStatus.CANCELLED:
        _cancel_line(line, reason)
    elif to == LineStatus.DELIVERED and order.payment_choice == "pickup":
        LINE_STATES.move(line, to, pickup_method=method or PaymentMethod.CASH.value)
        sales_link.record_line_sale(line, line.pickup_method)
    else:
        LINE_STATES.move(line, to)
    audit.record(actor, f"order_line.{to.value}", "order_line", line.id, reason=reason)
    return line


def _cancel_line(line: OrderLine, reason: str) -> None:
    order = line.order
    if order.status == OrderStatus.PAID:
        raise Refused(
            _("This line was paid online: ask the organisers to refund it."), code="paid_online"
        )
    if not reason.strip():
        raise Refused(
            _("Please say why you cancel, so the buyer understands."),
            code="reason_required",
            status=400,
            field="reason",
        )
    release_stock(line.product_id, line.quantity)
    LINE_STATES.move(line, LineStatus.CANCELLED, cancel_reason=reason.strip())
    if all(other.status == LineStatus.CANCELLED for other in order.lines):
        ORDER_STATES.move(order, OrderStatus.CANCELLED, expires_at=None)


def vendor_lines(vendor_id: int, limit: int = 200) -> list[OrderLine]:
    """A vendor's lines of live orders (placed for pickup or paid), newest first."""
    return list(
        db.session.scalars(
            db.select(OrderLine)
            .join(Order)
            .where(
                OrderLine.vendor_id == vendor_id,
                Order.status.in_([OrderStatus.RESERVED.value, OrderStatus.PAID.value]),
            )
            .order_by(Order.created_at.desc(), OrderLine.id)
            .limit(limit)
        )
    )


def open_line_count(vendor_id: int) -> int:
    return db.session.scalar(
        db.select(db.func.count(OrderLine.id))
        .join(Order)
        .where(
            OrderLine.vendor_id == vendor_id,
            Order.status.in_([OrderStatus.RESERVED.value, OrderStatus.PAID.value]),
            OrderLine.status.in_(
                [LineStatus.PENDING.value, LineStatus.CONFIRMED.value, LineStatus.READY.value]
            ),
        )
    )
