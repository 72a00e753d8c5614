"""Online payment of orders: one function per payment write, each safe to repeat.

The provider's webhook is only a trigger: the payment is looked up again from the provider's API
before anything moves. Every write locks the order first (`lock_order`) and decides on what is
in the database then, so a buyer's cancel and the provider's "paid" are served one after the
other: if the payment was recorded first, the cancel is refused; if the cancel was, the payment
is refunded in full. An already-settled payment is a no-op. Services flush; the caller commits.
"""

import logging

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from marketplace.core import audit
from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.orders import sales_link
from marketplace.orders.models import (
    LINE_STATES,
    ORDER_STATES,
    PAYMENT_STATES,
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
    expiry_for,
    hold_order_again,
    lock_order,
    release_order,
    release_stock,
)
from marketplace.payments.provider import (
    LineItem,
    PaymentProvider,
    PaymentState,
    PaymentUnavailable,
)
from vendors.sales.models import PaymentMethod

log = logging.getLogger(__name__)

signals = Namespace()
#: Sent inside the transaction once an order is marked paid, before the caller commits.
order_paid = signals.signal("order-paid")


def already_paid() -> str:
    return _("This order is already paid: ask the organisers for a refund.")


def _unreachable() -> Refused:
    return Refused(
        _("We could not reach the card payment service. Please try again in a moment."),
        code="provider_unavailable",
        status=503,
    )


def _still_confirming() -> Refused:
    """A bank payment Stripe is still confirming may yet succeed: no second attempt meanwhile,
    and no switch to pickup (a cancel is fine: if it succeeds later, it is refunded)."""
    return Refused(
        _("A card payment for this order is still being confirmed. Please wait a few minutes."),
        code="payment_processing",
    )


def start_online_payment(
    order_id: int, provider: PaymentProvider, success_url, cancel_url
) -> str | None:
    """Open a payment attempt and return the provider's page (raises PaymentUnavailable), or
    None when an earlier attempt turns out to be paid already.

    Earlier attempts are closed first, so a buyer cannot pay twice. The attempt number only grows
    when the provider answered, so a retry after a network failure reuses the same idempotency
    key and cannot open a second session for the same attempt.
    """
    order = lock_order(order_id)
    if order.status == OrderStatus.PAID:
        raise Refused(already_paid(), code="already_paid")
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise Refused(_("This order cannot be paid online any more."), code="not_payable")
    for payment in open_payments(order):
        _settle(order, payment, provider.cancel_payment(payment.reference), provider, release=False)
        if order.status == OrderStatus.PAID:
            return None
    if open_payments(order):
        raise _still_confirming()
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


def _close_open_payments(order: Order, provider: PaymentProvider | None) -> None:
    """Close the order's open attempts at the provider, recording any that turn out paid."""
    for payment in open_payments(order):
        if provider is None:
            raise Refused(_("Online payment is not available right now."), status=503)
        try:
            state = provider.cancel_payment(payment.reference)
        except PaymentUnavailable as e:
            raise _unreachable() from e
        _settle(order, payment, state, provider, release=False)
        if order.status == OrderStatus.PAID:
            return


def switch_to_pickup(order_id: int, provider: PaymentProvider | None) -> bool:
    """The buyer gives up paying online: keep the same held stock, pay at pickup instead.
    False when an open attempt turns out paid (the order is then paid, and stays)."""
    order = lock_order(order_id)
    if order.status == OrderStatus.PAID:
        raise Refused(already_paid(), code="already_paid")
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise Refused(_("This order cannot be changed any more."), code="order_closed")
    _close_open_payments(order, provider)
    if order.status == OrderStatus.PAID:
        return False
    if open_payments(order):
        raise _still_confirming()
    ORDER_STATES.move(
        order, OrderStatus.RESERVED, payment_choice="pickup", expires_at=expiry_for("pickup")
    )
    return True


def cancel_by_buyer(order_id: int, provider: PaymentProvider | None) -> bool:
    """The buyer calls the order off before paying or collecting: close any open payment
    attempt at the provider, then give the stock back. False when an attempt turns out paid
    (the order is then paid, and stays). A payment still being confirmed that succeeds later
    is refunded in full, as the order is cancelled by then."""
    order = lock_order(order_id)
    if order.status == OrderStatus.PAID:
        raise Refused(already_paid(), code="already_paid")
    if order.status not in (OrderStatus.RESERVED, OrderStatus.AWAITING_PAYMENT) or any(
        line.status == LineStatus.DELIVERED for line in order.lines
    ):
        raise Refused(_("This order cannot be changed any more."), code="order_closed")
    _close_open_payments(order, provider)
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
    order = lock_order(payment.order_id)
    fresh = next(p for p in order.payments if p.id == payment.id)
    _settle(order, fresh, state, provider, failed, release)


def _settle(
    order: Order,
    payment: Payment,
    state: PaymentState,
    provider: PaymentProvider,
    failed: bool = False,
    release: bool = True,
) -> None:
    """settle_payment for a caller that holds the order's lock."""
    if payment.status != PaymentStatus.OPEN:
        return  # settled before: a duplicate or a late event
    if state.status == "paid":
        _mark_paid(order, payment, state, provider)
    elif state.status == "expired" or failed:
        PAYMENT_STATES.move(payment, PaymentStatus.FAILED if failed else PaymentStatus.EXPIRED)
        if release and order.status == OrderStatus.AWAITING_PAYMENT and not open_payments(order):
            release_order(order, OrderStatus.EXPIRED, _("The online payment was not completed."))
            audit.record(None, "order.payment_expired", "order", order.id)


def _mark_paid(
    order: Order, payment: Payment, state: PaymentState, provider: PaymentProvider
) -> None:
    PAYMENT_STATES.move(payment, PaymentStatus.PAID, charge_reference=state.charge_reference)
    if order.status == OrderStatus.PAID:
        _refund_whole(order, payment, provider, "paid_twice")
        return
    takes_it = order.status == OrderStatus.AWAITING_PAYMENT or (
        order.status == OrderStatus.EXPIRED and hold_order_again(order)
    )
    if not takes_it:
        # Cancelled (or switched to pickup) before the money arrived, or the stock is gone.
        _refund_whole(order, payment, provider, "unfulfillable")
        return
    for line in order.lines:
        if line.status == LineStatus.CANCELLED:
            LINE_STATES.move(line, LineStatus.PENDING, cancel_reason="")
        sales_link.record_line_sale(line, PaymentMethod.ONLINE.value)
    ORDER_STATES.move(
        order, OrderStatus.PAID, payment_choice="online", paid_at=utcnow(), expires_at=None
    )
    audit.record(None, "order.paid", "order", order.id, payment=payment.reference)
    order_paid.send(order)


def _refund_whole(order: Order, payment: Payment, provider: PaymentProvider, why: str) -> None:
    """A payment the order cannot take (paid twice, paid after the order was cancelled, or
    after it was released and its stock is gone): give it back at once. A failure rolls
    everything back and the provider retries the event."""
    key = f"order-{order.id}-payment-{payment.id}-{why}"
    provider.refund(payment.charge_reference, payment.amount, key)
    PAYMENT_STATES.move(payment, PaymentStatus.REFUNDED)
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
    order_id: int, line_id: int, quantity: int, provider: PaymentProvider | None, actor: User
) -> Refund:
    """Refund `quantity` units of a paid line: money back, stock back, ledger voided and redone.

    Under the order's lock, with the counters added to in SQL and guarded there too, so two
    organisers refunding at once get both refunds counted and never more than was paid."""
    order = lock_order(order_id)
    line = next((ln for ln in order.lines if ln.id == line_id), None)
    if line is None:
        raise Refused(_("Please choose a line and a number of units to refund."), status=400)
    if order.status != OrderStatus.PAID:
        raise Refused(_("Only an order paid online can be refunded here."), code="not_paid")
    paid = next((p for p in order.payments if p.status == PaymentStatus.PAID), None)
    amount = quantity * line.unit_price
    left = min(order.total, paid.amount if paid else 0) - order.refunded
    if quantity < 1 or quantity > line.net_quantity or amount > left:
        raise Refused(_("This is more than what is left to refund on this line."), code="too_much")
    if provider is None or paid is None or not paid.charge_reference:
        raise Refused(_("Online payment is not available right now."), status=503)
    key = f"refund-line-{line.id}-from-{line.refunded_quantity}-qty-{quantity}"
    _add_refunded(order, line, quantity, amount, paid.amount)
    try:
        reference = provider.refund(paid.charge_reference, amount, key)
    except PaymentUnavailable as e:
        raise Refused(
            _("The payment provider did not accept the refund. Try again later."),
            code="provider_refused",
            status=502,
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
    if line.status != LineStatus.DELIVERED:
        release_stock(line.product_id, quantity)
    sales_link.void_line_sales(line, "refund", actor)
    sales_link.record_line_sale(line, PaymentMethod.ONLINE.value, refund_id=refund.id)
    if line.net_quantity == 0 and line.status != LineStatus.DELIVERED:
        LINE_STATES.move(line, LineStatus.CANCELLED, cancel_reason=_("Refunded"))
    audit.record(actor, "order.refunded", "order", order.id, line=line.id, amount=amount)
    return refund


def _add_refunded(order: Order, line: OrderLine, quantity: int, amount: int, paid: int) -> None:
    """`refunded += x` done by the database, each guarded by its limit, then read back."""
    lines = db.session.execute(
        update(OrderLine)
        .where(
            OrderLine.id == line.id, OrderLine.refunded_quantity + quantity <= OrderLine.quantity
        )
        .values(refunded_quantity=OrderLine.refunded_quantity + quantity)
    )
    orders = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.refunded + amount <= min(paid, order.total))
        .values(refunded=Order.refunded + amount)
    )
    if lines.rowcount != 1 or orders.rowcount != 1:
        raise Refused(_("This is more than what is left to refund on this line."), code="too_much")
    db.session.refresh(line, ["refunded_quantity"])
    db.session.refresh(order, ["refunded"])


def expire_online_payments(provider: PaymentProvider | None) -> int:
    """Close online orders past their time, asking the provider first (a payment may have
    arrived without its event); returns how many were released."""
    # All locked at once, before any stock moves: taking them one by one while holding product
    # rows could deadlock with a buyer's request on one of them. Busy ones wait for the next run.
    due = db.session.scalars(
        db.select(Order.id)
        .where(Order.status == OrderStatus.AWAITING_PAYMENT.value, Order.expires_at < utcnow())
        .with_for_update(skip_locked=True)
    ).all()
    released = 0
    for order_id in due:
        order = lock_order(order_id)
        if order.status != OrderStatus.AWAITING_PAYMENT or order.expires_at >= utcnow():
            continue  # someone acted on it meanwhile
        for payment in open_payments(order):
            if provider is None:
                continue
            try:
                state = provider.cancel_payment(payment.reference)
            except PaymentUnavailable:
                log.warning("Could not check payment %s; will retry", payment.reference)
                continue
            _settle(order, payment, state, provider)
        if order.status == OrderStatus.AWAITING_PAYMENT and not open_payments(order):
            release_order(order, OrderStatus.EXPIRED, _("The online payment was not completed."))
            released += 1
        elif order.status == OrderStatus.EXPIRED:
            released += 1
    return released
