"""Online payment of orders: one function per payment write, each safe to repeat.

The provider's webhook is only a trigger: the payment is looked up again from the provider's API
before anything moves, the order row is locked while it changes, and an already-settled payment
is a no-op (pretix style). Services flush; the caller commits.
"""

import logging

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace import audit
from marketplace.auth.models import User, utcnow
from marketplace.database import db
from marketplace.orders import sales_link
from marketplace.orders.models import (
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    ProviderEvent,
    Refund,
)
from marketplace.orders.services import (
    OrderError,
    expiry_for,
    hold_order_again,
    release_order,
    release_stock,
)
from marketplace.payments import LineItem, PaymentProvider, PaymentState, PaymentUnavailable
from vendors.models import PaymentMethod

log = logging.getLogger(__name__)

signals = Namespace()
#: Sent inside the transaction once an order is marked paid, before the caller commits.
order_paid = signals.signal("order-paid")


def start_online_payment(
    order: Order, provider: PaymentProvider, success_url, cancel_url
) -> str | None:
    """Open a payment attempt and return the provider's page (raises PaymentUnavailable), or
    None when an earlier attempt turns out to be paid already.

    Earlier attempts are closed first, so a buyer cannot pay twice. The attempt number only grows
    when the provider answered, so a retry after a network failure reuses the same idempotency
    key and cannot open a second session for the same attempt.
    """
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise OrderError(_("This order cannot be paid online any more."))
    for payment in open_payments(order):
        settle_payment(payment, provider.cancel_payment(payment.reference), provider, release=False)
        if order.status == OrderStatus.PAID:
            return None
    attempt = max((p.attempt for p in order.payments), default=0) + 1
    items = [LineItem(line.title, line.unit_price, line.quantity) for line in order.lines]
    started = provider.start_payment(order, attempt, items, success_url, cancel_url)
    db.session.add(
        Payment(
            order=order,
            attempt=attempt,
            provider=provider.name,
            reference=started.reference,
            amount=order.total,
        )
    )
    order.expires_at = started.expires_at
    db.session.flush()
    return started.redirect_url


def switch_to_pickup(order: Order, provider: PaymentProvider | None) -> None:
    """The buyer gives up paying online: keep the same held stock, pay at pickup instead."""
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise OrderError(_("This order cannot be changed any more."))
    for payment in open_payments(order):
        if provider is None:
            raise OrderError(_("Online payment is not available right now."))
        state = provider.cancel_payment(payment.reference)
        settle_payment(payment, state, provider, release=False)
        if order.status == OrderStatus.PAID:
            return
    order.payment_choice = "pickup"
    order.status = OrderStatus.RESERVED.value
    order.expires_at = expiry_for("pickup")


def cancel_by_buyer(order: Order, provider: PaymentProvider | None) -> bool:
    """The buyer calls the order off before paying or collecting: close any open payment
    attempt at the provider, then give the stock back. False when an attempt turns out paid
    (the order is then paid, and stays)."""
    if order.status not in (OrderStatus.RESERVED, OrderStatus.AWAITING_PAYMENT) or any(
        line.status == LineStatus.DELIVERED for line in order.lines
    ):
        raise OrderError(_("This order cannot be changed any more."))
    for payment in open_payments(order):
        if provider is None:
            raise OrderError(_("Online payment is not available right now."))
        settle_payment(payment, provider.cancel_payment(payment.reference), provider, release=False)
        if order.status == OrderStatus.PAID:
            return False
    release_order(order, OrderStatus.CANCELLED, _("Cancelled by the buyer."))
    audit.record(None, "order.cancelled_by_buyer", "order", order.id)
    return True


def open_payments(order: Order) -> list[Payment]:
    return [p for p in order.payments if p.status == PaymentStatus.OPEN]


def settle_payment(
    payment: Payment,
    state: PaymentState,
    provider: PaymentProvider,
    failed: bool = False,
    release: bool = True,
) -> None:
    """Bring our records in line with what the provider says about this attempt; a closed last
    attempt releases the order's stock unless the caller keeps it (`release=False`)."""
    order = db.session.scalar(
        db.select(Order).where(Order.id == payment.order_id).with_for_update()
    )
    db.session.refresh(payment)
    if payment.status != PaymentStatus.OPEN:
        return  # settled before: a duplicate or a late event
    if state.status == "paid":
        _mark_paid(order, payment, state, provider)
    elif state.status == "expired" or failed:
        payment.status = (PaymentStatus.FAILED if failed else PaymentStatus.EXPIRED).value
        if release and order.status == OrderStatus.AWAITING_PAYMENT and not open_payments(order):
            release_order(order, OrderStatus.EXPIRED, _("The online payment was not completed."))
            audit.record(None, "order.payment_expired", "order", order.id)


def _mark_paid(
    order: Order, payment: Payment, state: PaymentState, provider: PaymentProvider
) -> None:
    payment.status = PaymentStatus.PAID.value
    payment.charge_reference = state.charge_reference
    if order.status == OrderStatus.PAID:
        _refund_whole(order, payment, provider, "paid_twice")
        return
    released = order.status in (OrderStatus.EXPIRED, OrderStatus.CANCELLED)
    if order.status == OrderStatus.CANCELLED or (released and not hold_order_again(order)):
        _refund_whole(order, payment, provider, "unfulfillable")
        return
    for line in order.lines:
        if line.status == LineStatus.CANCELLED:
            line.status = LineStatus.PENDING.value
            line.cancel_reason = ""
        sales_link.record_line_sale(line, PaymentMethod.ONLINE.value)
    order.status = OrderStatus.PAID.value
    order.payment_choice = "online"
    order.paid_at = utcnow()
    order.expires_at = None
    audit.record(None, "order.paid", "order", order.id, payment=payment.reference)
    order_paid.send(order)


def _refund_whole(order: Order, payment: Payment, provider: PaymentProvider, why: str) -> None:
    """A payment the order cannot take (paid twice, or paid after the order was released and
    its stock is gone): give it back at once. A failure rolls everything back and the provider
    retries the event."""
    key = f"order-{order.id}-payment-{payment.id}-{why}"
    provider.refund(payment.charge_reference, payment.amount, key)
    payment.status = PaymentStatus.REFUNDED.value
    audit.record(None, f"order.refunded_{why}", "order", order.id, amount=payment.amount)
    log.warning("Order %s: payment %s refunded in full (%s)", order.id, payment.id, why)


def record_event(provider: str, event) -> bool:
    """Store the event id; False when it was stored (hence processed) before."""
    try:
        with db.session.begin_nested():
            db.session.add(ProviderEvent(provider=provider, event_id=event.id, type=event.type))
    except IntegrityError:
        return False
    return True


HANDLED = {
    "checkout.session.completed",
    "checkout.session.expired",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
}


def process_event(provider: PaymentProvider, event) -> str:
    """Act on one verified event (already recorded); returns a word for the log."""
    if event.type == "charge.refunded":
        return _note_refund(event)
    if event.type not in HANDLED:
        return "ignored"
    payment = db.session.scalar(
        db.select(Payment).where(
            Payment.provider == provider.name, Payment.reference == event.object_id
        )
    )
    if payment is None:
        log.warning("Payment event %s for unknown session %s", event.id, event.object_id)
        return "unknown"
    state = provider.fetch_payment(payment.reference)
    settle_payment(payment, state, provider, failed=event.type.endswith("async_payment_failed"))
    return "processed"


def _note_refund(event) -> str:
    """Refunds are made from our admin pages and recorded there; one made elsewhere is logged."""
    known = db.session.scalar(
        db.select(Payment.id).where(Payment.charge_reference == event.charge_reference)
    )
    log.info("Refund event %s for payment %s (known: %s)", event.id, event.object_id, bool(known))
    return "noted"


def refund_line(
    line: OrderLine, quantity: int, provider: PaymentProvider | None, actor: User
) -> Refund:
    """Refund `quantity` units of a paid line: money back, stock back, ledger voided and redone."""
    order = db.session.scalar(db.select(Order).where(Order.id == line.order_id).with_for_update())
    db.session.refresh(line)
    amount = quantity * line.unit_price
    if order.status != OrderStatus.PAID:
        raise OrderError(_("Only an order paid online can be refunded here."))
    if quantity < 1 or quantity > line.net_quantity or amount > order.total - order.refunded:
        raise OrderError(_("This is more than what is left to refund on this line."))
    paid = next((p for p in order.payments if p.status == PaymentStatus.PAID), None)
    if provider is None or paid is None or not paid.charge_reference:
        raise OrderError(_("Online payment is not available right now."))
    key = f"refund-line-{line.id}-from-{line.refunded_quantity}-qty-{quantity}"
    try:
        reference = provider.refund(paid.charge_reference, amount, key)
    except PaymentUnavailable as e:
        raise OrderError(
            _("The payment provider did not accept the refund. Try again later.")
        ) from e
    refund = Refund(
        order_id=order.id,
        line_id=line.id,
        quantity=quantity,
        amount=amount,
        reference=reference,
        created_by_id=actor.id,
    )
    db.session.add(refund)
    db.session.flush()
    line.refunded_quantity += quantity
    order.refunded += amount
    if line.status != LineStatus.DELIVERED:
        release_stock(line.product_id, quantity)
    sales_link.void_line_sales(line, "refund", actor)
    sales_link.record_line_sale(line, PaymentMethod.ONLINE.value, refund_id=refund.id)
    if line.net_quantity == 0 and line.status != LineStatus.DELIVERED:
        line.status = LineStatus.CANCELLED.value
        line.cancel_reason = _("Refunded")
    audit.record(actor, "order.refunded", "order", order.id, line=line.id, amount=amount)
    return refund


def expire_online_payments(provider: PaymentProvider | None) -> int:
    """Close online orders past their time, asking the provider first (a payment may have
    arrived without its event); returns how many were released."""
    orders = db.session.scalars(
        db.select(Order).where(
            Order.status == OrderStatus.AWAITING_PAYMENT.value, Order.expires_at < utcnow()
        )
    ).all()
    released = 0
    for order in orders:
        for payment in open_payments(order):
            if provider is not None:
                try:
                    settle_payment(payment, provider.cancel_payment(payment.reference), provider)
                except PaymentUnavailable:
                    log.warning("Could not check payment %s; will retry", payment.reference)
        if order.status == OrderStatus.AWAITING_PAYMENT and not open_payments(order):
            release_order(order, OrderStatus.EXPIRED, _("The online payment was not completed."))
            released += 1
        elif order.status == OrderStatus.EXPIRED:
            released += 1
    return released
