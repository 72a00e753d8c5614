"""Online payment providers behind one small interface, chosen by configuration.

A provider starts a payment for an order (and says where to send the buyer), reads a signed
event from its webhook, looks a payment up again (events are only triggers), cancels an open
payment and refunds. Cash, bank transfer and pay-at-pickup need no provider at all.

Adding a provider that serves Honduras better is one module with a class like StripeProvider
and one line in PROVIDERS.
"""

from flask import current_app

from marketplace.payments.provider import PaymentProvider
from marketplace.payments.stripe_provider import StripeProvider

PROVIDERS: dict[str, type[PaymentProvider]] = {"stripe": StripeProvider}


def get_provider() -> PaymentProvider | None:
    """The configured provider, or None when online payment is switched off."""
    cfg = current_app.config
    cls = PROVIDERS.get(cfg.get("PAYMENT_PROVIDER", "stripe"))
    if cls is None or not cls.is_configured(cfg):
        return None
    return cls(cfg)
