"""Paying online through Stripe Checkout (a local fake over real HTTP) and its webhook."""

import json
import time

import pytest

from marketplace.core.database import db
from marketplace.orders import paying
from marketplace.orders.models import Order, Payment, ProviderEvent
from tests.stripe_fake.server import sign
from vendors.products.models import Product
from vendors.sales.models import Sale

WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def order_online(client, make, stock=3, quantity=2, price=25000):
    product = make.shop_product(stock=stock, price=price, title="Café de altura")
    client.post("/cart/add", data={"product_id": product.id, "quantity": quantity})
    page = client.get("/checkout")
    quote = page.text.split('name="quote" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/checkout",
        data={
            "name": "Carlos",
            "email": "carlos@example.hn",
            "phone": "+504 9988 7766",
            "payment": "online",
            "quote": quote,
        },
    )
    return product, response


def deliver(client, event, signature=None):
    return client.post(
        WEBHOOK,
        data=event["payload"],
        headers={"Stripe-Signature": signature or event["signature"]},
        content_type="application/json",
    )


def the_order() -> Order:
    db.session.expire_all()
    return db.session.scalars(db.select(Order)).one()


def stock_of(product):
    db.session.expire_all()
    return db.session.get(Product, product.id).stock


def session_id_of(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[1]


def test_pay_online_is_offered_only_when_stripe_is_configured(client, make, app):
    product = make.shop_product()
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    assert "Pay online by card" not in client.get("/checkout").text
    assert client.post(WEBHOOK, data="{}").status_code == 404
    app.config["STRIPE_SECRET_KEY"] = "sk_test_x"
    try:
        assert "Pay online by card" in client.get("/checkout").text
    finally:
        app.config.pop("STRIPE_SECRET_KEY")


def test_paying_online_end_to_end(client, make, stripe_on):
    product, response = order_online(client, make)
    assert response.status_code == 303
    session = stripe_on.session(session_id_of(response))
    order = the_order()
    assert session["amount_total"] == 50000 and session["currency"] == "hnl"
    assert session["metadata"]["order_id"] == str(order.id)
    assert order.status == "awaiting_payment" and stock_of(product) == 1

    # Back from Stripe before paying: the redirect alone proves nothing.
    success = session["success_url"].replace("http://localhost", "")
    client.get(success)
    assert the_order().status == "awaiting_payment"

    event = stripe_on.pay(session["id"])
    assert deliver(client, event).status_code == 200
    order = the_order()
    assert order.status == "paid" and order.paid_at is not None
    sales = db.session.scalars(db.select(Sale)).all()
    assert [(s.payment_method, s.total) for s in sales] == [("online", 50000)]
    assert stock_of(product) == 1
    page = client.get(success, follow_redirects=True)
    assert "Your payment was received" in page.text


def test_returning_after_paying_confirms_by_asking_stripe_even_without_the_webhook(
    client, make, stripe_on
):
    _product, response = order_online(client, make)
    session = stripe_on.session(session_id_of(response))
    stripe_on.pay(session["id"])  # the event is never delivered
    client.get(session["success_url"].replace("http://localhost", ""))
    assert the_order().status == "paid"


def test_a_replayed_event_is_processed_once(client, make, stripe_on):
    _product, response = order_online(client, make)
    event = stripe_on.pay(session_id_of(response))
    assert deliver(client, event).json["status"] == "processed"
    assert deliver(client, event).json["status"] == "duplicate"
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 1
    assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "t=1,v1=deadbeef",
        "wrong-secret",
        "stale",
    ],
)
def test_unsigned_wrongly_signed_and_stale_events_are_refused(client, make, stripe_on, signature):
    _product, response = order_online(client, make)
    event = stripe_on.pay(session_id_of(response))
    headers = {}
    if signature == "wrong-secret":
        headers["Stripe-Signature"] = sign(event["payload"], "whsec_someone_else")
    elif signature == "stale":
        headers["Stripe-Signature"] = sign(
            event["payload"], "whsec_test_mercado", int(time.time()) - 3600
        )
    elif signature:
        headers["Stripe-Signature"] = signature
    answer = client.post(WEBHOOK, data=event["payload"], headers=headers)
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == "invalid_event"
    assert the_order().status == "awaiting_payment"
    assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 0


def test_an_event_for_an_unknown_session_is_acknowledged_and_changes_nothing(client, stripe_on):
    payload = json.dumps(
        {
            "id": "evt_unknown",
            "type": "checkout.session.completed",
            "data": {"object": {"id": "cs_test_nobody", "object": "checkout.session"}},
        }
    )
    answer = client.post(
        WEBHOOK, data=payload, headers={"Stripe-Signature": sign(payload, "whsec_test_mercado")}
    )
    assert answer.status_code == 200 and answer.json["status"] == "unknown"
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_events_we_do_not_need_are_acknowledged(client, stripe_on):
    payload = json.dumps(
        {"id": "evt_x", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    )
    answer = client.post(
        WEBHOOK, data=payload, headers={"Stripe-Signature": sign(payload, "whsec_test_mercado")}
    )
    assert answer.status_code == 200 and answer.json["status"] == "ignored"


def test_an_expired_session_releases_the_stock_and_out_of_order_events_are_harmless(
    client, make, stripe_on
):
    product, response = order_online(client, make)
    expired = stripe_on.let_expire(session_id_of(response))
    assert deliver(client, expired).status_code == 200
    assert the_order().status == "expired" and stock_of(product) == 3
    # A stale "completed" for the same session arriving late changes nothing: Stripe says expired.
    fake_completed = json.loads(expired["payload"])
    fake_completed.update(id="evt_late", type="checkout.session.completed")
    payload = json.dumps(fake_completed)
    deliver(client, {"payload": payload, "signature": sign(payload, "whsec_test_mercado")})
    assert the_order().status == "expired" and stock_of(product) == 3


def test_async_payment_success_and_failure(client, make, stripe_on):
    product, response = order_online(client, make)
    sid = session_id_of(response)
    deliver(client, stripe_on.pay(sid, mode="async"))
    assert the_order().status == "awaiting_payment"
    deliver(client, stripe_on.settle(sid, succeed=False))
    assert the_order().status == "expired" and stock_of(product) == 3


def test_async_payment_that_succeeds_later_pays_the_order(client, make, stripe_on):
    _product, response = order_online(client, make)
    sid = session_id_of(response)
    deliver(client, stripe_on.pay(sid, mode="async"))
    deliver(client, stripe_on.settle(sid, succeed=True))
    assert the_order().status == "paid"


def test_stripe_unreachable_at_checkout_leaves_the_buyer_a_way_out(client, make, stripe_down):
    product, response = order_online(client, make)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "could not reach the card payment service" in page.text
    assert "Pay at pickup instead" in page.text
    order = the_order()
    assert order.status == "awaiting_payment" and order.payments == []
    assert stock_of(product) == 1
    token_url = response.headers["Location"]
    client.post(token_url + "/pickup")
    order = the_order()
    assert order.status == "reserved" and order.payment_choice == "pickup"
    assert stock_of(product) == 1  # held once, not twice


def test_retrying_after_an_outage_opens_one_session_with_a_deterministic_key(
    client, make, app, stripe_on
):
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    _product, response = order_online(client, make)
    app.config["STRIPE_API_BASE"] = stripe_on.url
    link = response.headers["Location"]
    retry = client.post(link + "/pay")
    assert retry.status_code == 303
    assert len(stripe_on.sessions()) == 1
    assert [p.attempt for p in the_order().payments] == [1]


def test_choosing_pickup_after_opening_a_session_expires_it(client, make, stripe_on):
    product, response = order_online(client, make)
    sid = session_id_of(response)
    order = the_order()
    link = stripe_on.session(sid)["cancel_url"].replace("http://localhost", "").rsplit("/", 1)[0]
    page = client.get(link + "/cancelled", follow_redirects=True)
    assert "The payment was not completed" in page.text
    client.post(link + "/pickup")
    assert stripe_on.session(sid)["status"] == "expired"
    assert the_order().status == "reserved" and stock_of(product) == 1
    assert db.session.get(Payment, order.payments[0].id).status == "expired"


def test_a_database_failure_mid_webhook_rolls_back_and_the_retry_pays_once(client, make, stripe_on):
    _product, response = order_online(client, make)
    event = stripe_on.pay(session_id_of(response))
    failures = []

    def fail_once(order):
        if not failures:
            failures.append(order.id)
            raise RuntimeError("connection lost")

    paying.order_paid.connect(fail_once)
    try:
        first = deliver(client, event)
    finally:
        paying.order_paid.disconnect(fail_once)
    assert first.status_code == 500
    assert the_order().status == "awaiting_payment"
    assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 0
    assert deliver(client, event).status_code == 200
    assert the_order().status == "paid"
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 1


def test_stripe_delivers_the_signed_event_to_the_running_app(client, make, live_webhook):
    product, response = order_online(client, make)
    event = live_webhook.pay(session_id_of(response))
    assert event["delivered_status"] == 200
    assert the_order().status == "paid"
    assert stock_of(product) == 1
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 1


def test_a_payment_after_the_stock_went_elsewhere_is_refunded_in_full(client, make, stripe_on):
    from marketplace.orders import services
    from marketplace.orders.models import OrderStatus

    product, response = order_online(client, make, stock=2, quantity=2)
    order = the_order()
    services.release_order(order, OrderStatus.EXPIRED, "released by hand")
    db.session.commit()
    make.placed_order([(db.session.get(Product, product.id), 1)])  # sold at the booth meanwhile
    assert deliver(client, stripe_on.pay(session_id_of(response))).status_code == 200
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "expired"
    assert [r["amount"] for r in stripe_on.refunds()] == [50000]
    assert db.session.get(Payment, order.payments[0].id).status == "refunded"
    assert stock_of(product) == 1
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 0


def test_a_payment_arriving_late_for_a_released_order_takes_the_stock_again(
    client, make, stripe_on
):
    from marketplace.orders import services
    from marketplace.orders.models import OrderStatus

    product, response = order_online(client, make, stock=3, quantity=2)
    services.release_order(the_order(), OrderStatus.EXPIRED, "released by hand")
    db.session.commit()
    assert stock_of(product) == 3
    deliver(client, stripe_on.pay(session_id_of(response)))
    order = the_order()
    assert order.status == "paid" and all(ln.status == "pending" for ln in order.lines)
    assert stock_of(product) == 1
    assert stripe_on.refunds() == []


def test_trying_again_closes_the_earlier_session_so_nobody_pays_twice(client, make, stripe_on):
    _product, response = order_online(client, make)
    first = session_id_of(response)
    link = stripe_on.session(first)["cancel_url"].replace("http://localhost", "").rsplit("/", 1)[0]
    second = session_id_of(client.post(link + "/pay"))
    assert second != first
    assert stripe_on.session(first)["status"] == "expired"
    assert [p.attempt for p in the_order().payments] == [1, 2]
    deliver(client, stripe_on.pay(second))
    assert the_order().status == "paid"


def test_trying_again_after_paying_without_the_event_finds_the_payment(client, make, stripe_on):
    _product, response = order_online(client, make)
    first = session_id_of(response)
    stripe_on.pay(first)  # paid at Stripe; the event is late
    link = stripe_on.session(first)["cancel_url"].replace("http://localhost", "").rsplit("/", 1)[0]
    answer = client.post(link + "/pay")
    assert answer.headers["Location"] == link
    assert the_order().status == "paid"
    assert len(stripe_on.sessions()) == 1


@pytest.mark.postgres
def test_the_same_event_delivered_twice_at_once_pays_once(app, client, make, stripe_on):
    import threading

    _product, response = order_online(client, make)
    event = stripe_on.pay(session_id_of(response))
    statuses, barrier = [], threading.Barrier(4)

    def send():
        own = app.test_client()
        barrier.wait()
        statuses.append(deliver(own, event).json["status"])

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == ["duplicate"] * 3 + ["processed"]
    assert the_order().status == "paid"
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 1


def test_the_order_page_speaks_spanish_by_default(client, make):
    product = make.shop_product()
    order = make.placed_order([(product, 1)])
    from marketplace.orders.access import order_link

    with client.application.test_request_context():
        link = order_link(order)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = client.get(link)
    assert f"Pedido {order.code}" in page.text
    assert "Apartado, paga al recoger" in page.text


def test_the_buyer_cancels_after_leaving_stripe_and_the_stock_comes_back(client, make, stripe_on):
    product, response = order_online(client, make)
    sid = session_id_of(response)
    link = stripe_on.session(sid)["cancel_url"].replace("http://localhost", "").rsplit("/", 1)[0]
    assert "Cancel my order" in client.get(link).text
    page = client.post(link + "/cancel", follow_redirects=True)
    assert "Your order was cancelled" in page.text
    assert the_order().status == "cancelled" and stock_of(product) == 3
    assert stripe_on.session(sid)["status"] == "expired"


def test_cancelling_an_order_already_paid_keeps_it_paid(client, make, stripe_on):
    product, response = order_online(client, make)
    sid = session_id_of(response)
    stripe_on.pay(sid)  # the event has not arrived yet
    link = stripe_on.session(sid)["cancel_url"].replace("http://localhost", "").rsplit("/", 1)[0]
    page = client.post(link + "/cancel", follow_redirects=True)
    assert "already paid" in page.text
    assert the_order().status == "paid" and stock_of(product) == 1
