"""Online payment providers behind one small interface, chosen by configuration.

A provider starts a payment for an order (and says where to send the buyer), reads a signed
event from its webhook, looks a payment up again (events are only triggers), cancels an open
payment and refunds. Cash, bank transfer and pay-at-pickup need no provider at all.

Adding a provider that serves Honduras better is one module with a class like StripeProvider
and one line in PROVIDERS.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app


class PaymentUnavailable(Exception):
    """The provider could not be reached or refused the request; nothing was charged."""


class InvalidEvent(Exception):
    """A webhook call that is unsigned, wrongly signed, stale or unreadable."""


@dataclass
class LineItem:
    title: str
    unit_amount: int  # centavos
    quantity: int


@dataclass
class StartedPayment:
    reference: str  # the provider's id for this attempt
    redirect_url: str  # where the buyer pays
    expires_at: datetime


@dataclass
class PaymentState:
    """What the provider says about one attempt, fetched from its API (never from the event)."""

    reference: str
    order_id: int | None
    status: str  # open | paid | expired | failed
    amount: int  # centavos
    charge_reference: str | None


@dataclass
class ProviderEvent:
    id: str
    type: str
    object_id: str  # the id of the object the event is about
    charge_reference: str | None = None


class PaymentProvider:
    name = "base"

    def __init__(self, config):
        self.config = config

    def start_payment(self, order, attempt: int, items, success_url, cancel_url) -> StartedPayment:
        raise NotImplementedError

    def parse_event(self, payload: bytes, headers) -> ProviderEvent:
        raise NotImplementedError

    def fetch_payment(self, reference: str) -> PaymentState:
        raise NotImplementedError

    def cancel_payment(self, reference: str) -> PaymentState:
        raise NotImplementedError

    def refund(self, charge_reference: str, amount: int, key: str) -> str:
        """Refund `amount` centavos; `key` makes a repeat of the same refund harmless."""
        raise NotImplementedError


def _providers() -> dict[str, type[PaymentProvider]]:
    from marketplace.payments.stripe_provider import StripeProvider

    return {"stripe": StripeProvider}


def get_provider() -> PaymentProvider | None:
    """The configured provider, or None when online payment is switched off."""
    cfg = current_app.config
    cls = _providers().get(cfg.get("PAYMENT_PROVIDER", "stripe"))
    if cls is None or not cls.is_configured(cfg):
        return None
    return cls(cfg)


def online_payments_enabled() -> bool:
    return get_provider() is not None
