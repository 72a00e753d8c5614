"""The providers' webhooks. Stripe's: POST /payments/stripe/webhook."""

import logging

from flask import abort, jsonify, request

from marketplace.core.database import db
from marketplace.core.errors import error_response
from marketplace.core.extensions import csrf
from marketplace.orders import paying
from marketplace.payments import get_provider
from marketplace.payments.provider import InvalidEvent, PaymentUnavailable

log = logging.getLogger(__name__)


@csrf.exempt
def webhook(name):
    """Verify, store the event id, process once, answer fast. A failure rolls everything back
    (the event id too) and answers 5xx, so the provider retries."""
    provider = get_provider()
    if provider is None or provider.name != name:
        abort(404)
    try:
        event = provider.parse_event(request.get_data(), request.headers)
    except InvalidEvent as e:
        log.warning("Rejected %s webhook call: %s", name, e)
        return error_response(400, code="invalid_event")
    if not paying.record_event(provider.name, event):
        return jsonify({"status": "duplicate"})
    try:
        outcome = paying.process_event(provider, event)
    except PaymentUnavailable:
        db.session.rollback()
        return error_response(503)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    log.info("%s event %s (%s): %s", name, event.id, event.type, outcome)
    return jsonify({"status": outcome})
