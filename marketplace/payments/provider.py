"""The interface every payment provider implements, and what it answers with."""

from dataclasses import dataclass
from datetime import datetime


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
