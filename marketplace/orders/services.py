"""Placing orders, holding and releasing stock, expiry, and the vendors' moves on their lines.

Stock is held with one conditional UPDATE per line (`stock = stock - q WHERE stock >= q`) in the
order's own transaction, so two buyers of the last unit cannot both win. Services flush; the
caller commits.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from marketplace import audit
from marketplace.auth.models import User, utcnow
from marketplace.database import db
from marketplace.orders import sales_link
from marketplace.orders.models import (
    LINE_TRANSITIONS,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
)
from vendors.models import PaymentMethod, Product

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


class OrderError(Exception):
    """A request about an order that cannot be done; the message is for the user."""


@dataclass
class Buyer:
    name: str
    email: str
    phone: str


def place_order(items: list[tuple[Product, int]], buyer: Buyer, choice: str) -> Order:
    """Create the order and hold its stock in the current transaction (raises OrderError)."""
    if not items:
        raise OrderError(_("Your cart is empty."))
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
            raise OrderError(
                _("Not enough of “%(title)s” is left for this order.", title=product.title)
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
    """Give back the stock of every open line and close the order."""
    for line in order.lines:
        if line.status not in (LineStatus.CANCELLED, LineStatus.DELIVERED):
            release_stock(line.product_id, line.quantity)
            line.status = LineStatus.CANCELLED.value
            line.cancel_reason = reason
    order.status = status.value
    order.expires_at = None


def expire_reservations(now: datetime | None = None) -> int:
    """Release pay-at-pickup reservations past their time. Online orders are released by the
    provider's expiry event or `orders expire`, which asks the provider first."""
    now = now or utcnow()
    orders = db.session.scalars(
        db.select(Order)
        .where(Order.status == OrderStatus.RESERVED.value, Order.expires_at < now)
        .with_for_update(skip_locked=True)
    ).all()
    for order in orders:
        if any(line.status == LineStatus.DELIVERED for line in order.lines):
            order.expires_at = None  # partly collected: the vendor settles the rest by hand
            continue
        release_order(order, OrderStatus.EXPIRED, _("The reservation expired."))
        audit.record(None, "order.expired", "order", order.id)
    return len(orders)


def move_line(
    line: OrderLine, to: LineStatus, actor: User, reason: str = "", method: str | None = None
) -> None:
    """A vendor's move on one of their lines, checked against LINE_TRANSITIONS."""
    order = line.order
    if order.status not in (OrderStatus.RESERVED, OrderStatus.PAID):
        raise OrderError(_("This order is not active any more."))
    if to not in LINE_TRANSITIONS[LineStatus(line.status)]:
        raise OrderError(_("This step is not possible for this order line."))
    if to == LineStatus.CANCELLED:
        _cancel_line(line, reason)
    elif to == LineStatus.DELIVERED and order.payment_choice == "pickup":
        line.pickup_method = method or PaymentMethod.CASH.value
        line.status = to.value
        sales_link.record_line_sale(line, line.pickup_method)
    else:
        line.status = to.value
    audit.record(actor, f"order_line.{to.value}", "order_line", line.id, reason=reason)


def _cancel_line(line: OrderLine, reason: str) -> None:
    if line.order.status == OrderStatus.PAID:
        raise OrderError(_("This line was paid online: ask the organisers to refund it."))
    if not reason.strip():
        raise OrderError(_("Please say why you cancel, so the buyer understands."))
    release_stock(line.product_id, line.quantity)
    line.status = LineStatus.CANCELLED.value
    line.cancel_reason = reason.strip()
    if all(other.status == LineStatus.CANCELLED for other in line.order.lines):
        line.order.status = OrderStatus.CANCELLED.value
        line.order.expires_at = None


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
