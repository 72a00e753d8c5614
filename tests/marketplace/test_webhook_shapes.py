"""Signed webhook bodies of the wrong shape, and signatures dated outside the tolerance either
way: each is answered 400 with a JSON error and a log line, and nothing is recorded."""

import json
import logging
import time

import pytest

from marketplace.core.database import db
from marketplace.orders.models import Order, Payment, ProviderEvent
from tests.marketplace.test_payments import WEBHOOK, order_online, session_id_of
from tests.stripe_fake.fixtures import WEBHOOK_SECRET
from tests.stripe_fake.server import sign


def event(**parts):
    body = {
        "id": "evt_shape",
        "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_shape", "object": "checkout.session"}},
    }
    body.update(parts)
    return body


def post(client, body, timestamp=None):
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        WEBHOOK,
        data=payload,
        headers={"Stripe-Signature": sign(payload, WEBHOOK_SECRET, timestamp)},
        content_type="application/json",
    )


def recorded() -> int:
    return db.session.scalar(db.select(db.func.count(ProviderEvent.id)))


SHAPES = {
    "event id is an object": event(id={"$ne": None}),
    "event id is a number": event(id=12345),
    "event id is empty": event(id=""),
    "event id over 255 characters": event(id="evt_" + "x" * 252),
    "event id with a NUL": event(id="evt_\x00abc"),
    "type is a list": event(type=["checkout.session.completed"]),
    "type over 100 characters": event(type="checkout." + "x" * 92),
    "no type": {"id": "evt_1", "data": {"object": {"id": "cs_1"}}},
    "object id is an object": event(data={"object": {"id": {"nested": "cs_1"}}}),
    "object id is a number": event(data={"object": {"id": 99}}),
    "object id over 255 characters": event(data={"object": {"id": "cs_" + "y" * 253}}),
    "object id with a NUL": event(data={"object": {"id": "cs_\x00"}}),
    "object is a list": event(data={"object": ["cs_1"]}),
    "data is a string": event(data="cs_1"),
    "body is a list": [event()],
    "body is a number": 7,
    "refund with an object for a payment intent": event(
        type="charge.refunded", data={"object": {"id": "ch_1", "payment_intent": {"id": "pi"}}}
    ),
}


@pytest.fixture
def webhook_log(caplog, monkeypatch):
    """The webhook's log; Alembic's logging set-up in the migrations disables existing loggers."""
    monkeypatch.setattr(logging.getLogger("marketplace.orders.webhook_views"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="marketplace.orders.webhook_views"):
        yield caplog


@pytest.mark.parametrize("body", SHAPES.values(), ids=SHAPES.keys())
def test_a_signed_body_of_the_wrong_shape_is_refused(client, stripe_on, body, webhook_log):
    answer = post(client, body)
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == "invalid_event"
    assert "Rejected stripe webhook call" in webhook_log.text
    assert recorded() == 0


def test_a_body_that_is_not_utf8_or_json_is_refused(client, stripe_on):
    for payload in (b"\xff\xfe{}", b"{not json"):
        answer = client.post(
            WEBHOOK,
            data=payload,
            headers={"Stripe-Signature": sign(payload.decode("latin-1"), WEBHOOK_SECRET)},
        )
        assert answer.status_code == 400
    assert recorded() == 0


@pytest.mark.parametrize("offset", [-3600, -301, 301, 3600, 10**9])
def test_a_signature_dated_outside_five_minutes_either_way_is_refused(
    client, make, stripe_on, offset
):
    _product, response = order_online(client, make)
    paid = stripe_on.pay(session_id_of(response))
    answer = post(client, paid["payload"], int(time.time()) + offset)
    assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid_event"
    db.session.expire_all()
    assert db.session.scalars(db.select(Order)).one().status == "awaiting_payment"
    assert db.session.scalars(db.select(Payment)).one().status == "open"
    assert recorded() == 0


@pytest.mark.parametrize("offset", [-200, 0, 200])
def test_a_signature_within_five_minutes_is_accepted(client, make, stripe_on, offset):
    _product, response = order_online(client, make)
    paid = stripe_on.pay(session_id_of(response))
    answer = post(client, paid["payload"], int(time.time()) + offset)
    assert answer.status_code == 200 and answer.json["status"] == "processed"
    db.session.expire_all()
    assert db.session.scalars(db.select(Order)).one().status == "paid"
    assert recorded() == 1
