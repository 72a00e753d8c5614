"""Stripe Checkout: the only module that talks to Stripe.

HNL is a two-decimal currency for Stripe, so amounts go over as centavos, as we store them.
"""

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import stripe

from marketplace.payments.provider import (
    InvalidEvent,
    PaymentProvider,
    PaymentState,
    PaymentUnavailable,
    ProviderEvent,
    StartedPayment,
)

log = logging.getLogger(__name__)

SESSION_STATES = {"complete": "paid", "expired": "expired", "open": "open"}
#: How far a signature's time may be from ours, either way (Stripe's SDK checks only the past).
TOLERANCE_SECONDS = 300
#: The lengths of the columns the event's ids and type are stored in.
MAX_ID, MAX_TYPE = 255, 100


class StripeProvider(PaymentProvider):
    name = "stripe"

    @staticmethod
    def is_configured(config) -> bool:
        return bool(config.get("STRIPE_SECRET_KEY"))

    def __init__(self, config):
        super().__init__(config)
        bases = {"api": config["STRIPE_API_BASE"]} if config.get("STRIPE_API_BASE") else None
        self.client = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"], base_addresses=bases, max_network_retries=1
        )

    def start_payment(self, order, attempt, items, success_url, cancel_url) -> StartedPayment:
        minutes = max(30, int(self.config.get("ONLINE_PAYMENT_MINUTES", 60)))
        expires = datetime.now(UTC) + timedelta(minutes=minutes)
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": item.quantity,
                    "price_data": {
                        "currency": "hnl",
                        "unit_amount": item.unit_amount,
                        "product_data": {"name": item.title},
                    },
                }
                for item in items
            ],
            "metadata": {"order_id": str(order.id), "order_code": order.code},
            "client_reference_id": str(order.id),
            "customer_email": order.buyer_email,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int(expires.timestamp()),
        }
        key = f"order-{order.id}-attempt-{attempt}"
        session = self._call(
            self.client.v1.checkout.sessions.create, params, options={"idempotency_key": key}
        )
        return StartedPayment(session.id, session.url, expires)

    def parse_event(self, payload: bytes, headers) -> ProviderEvent:
        secret = self.config.get("STRIPE_WEBHOOK_SECRET")
        if not secret:
            raise InvalidEvent("no webhook secret configured")
        header = headers.get("Stripe-Signature") or ""
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"), header, secret, TOLERANCE_SECONDS
            )
            data = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError) as e:
            raise InvalidEvent(str(e)) from e
        _check_timestamp(header)
        return _event_from(data)

    def fetch_payment(self, reference: str) -> PaymentState:
        return self._state(self._call(self.client.v1.checkout.sessions.retrieve, reference))

    def cancel_payment(self, reference: str) -> PaymentState:
        session = self._call(self.client.v1.checkout.sessions.retrieve, reference)
        if session.status == "open":
            try:
                session = self._call(self.client.v1.checkout.sessions.expire, reference)
            except PaymentUnavailable:
                # The buyer may have paid between our two calls: then that is the answer.
                session = self._call(self.client.v1.checkout.sessions.retrieve, reference)
                if session.status == "open":
                    raise
        return self._state(session)

    def refund(self, charge_reference: str, amount: int, key: str) -> str:
        params = {"payment_intent": charge_reference, "amount": amount}
        refund = self._call(self.client.v1.refunds.create, params, options={"idempotency_key": key})
        return refund.id

    @staticmethod
    def _state(session) -> PaymentState:
        status = SESSION_STATES.get(session.status, "open")
        if status == "paid" and session.payment_status not in ("paid", "no_payment_required"):
            status = "open"  # completed, but an asynchronous payment is still on its way
        metadata = session.metadata.to_dict() if session.metadata else {}
        order_id = metadata.get("order_id")
        return PaymentState(
            reference=session.id,
            order_id=int(order_id) if order_id and order_id.isdigit() else None,
            status=status,
            amount=session.amount_total or 0,
            charge_reference=session.payment_intent,
        )

    @staticmethod
    def _call(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except stripe.StripeError as e:
            log.warning("Stripe call %s failed: %s", getattr(fn, "__name__", fn), e)
            raise PaymentUnavailable(str(e)) from e


def _check_timestamp(header: str) -> None:
    """Refuse a signature dated beyond the tolerance in the future, too: a leaked payload signed
    ahead of time must not stay usable."""
    stamps = [part[2:] for part in header.split(",") if part.startswith("t=")]
    if not stamps or not stamps[0].isdigit() or len(stamps[0]) > 12:
        raise InvalidEvent("no timestamp")
    if abs(time.time() - int(stamps[0])) > TOLERANCE_SECONDS:
        raise InvalidEvent("timestamp outside the tolerance")


def _text(value, limit: int) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= limit or "\x00" in value:
        raise InvalidEvent(f"not a text of 1 to {limit} characters")
    return value


def _event_from(data) -> ProviderEvent:
    """The event's parts we use, each checked for the shape we store: a signed body is still
    only trusted as far as its form."""
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise InvalidEvent("not an event")
    obj = data["data"].get("object")
    if not isinstance(obj, dict):
        raise InvalidEvent("event without an object")
    event = ProviderEvent(
        _text(data.get("id"), MAX_ID),
        _text(data.get("type"), MAX_TYPE),
        _text(obj.get("id"), MAX_ID),
    )
    if event.type == "charge.refunded":
        intent = obj.get("payment_intent")
        event.charge_reference = None if intent is None else _text(intent, MAX_ID)
    return event
