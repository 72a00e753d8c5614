"""Organisers refund paid orders (whole lines or some units); money, stock and ledger follow."""

import pytest

from marketplace.core.database import db
from marketplace.orders.models import Order, OrderLine, Refund
from tests.marketplace.test_payments import deliver, order_online, session_id_of, stock_of
from vendors.sales.models import Sale


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def paid(client, make, stripe_on, auth):
    """An order of 3 × L 100.00 paid online, and an organiser signed in."""
    product, response = order_online(client, make, stock=5, quantity=3, price=10000)
    deliver(client, stripe_on.pay(session_id_of(response)))
    auth.login(make.organizer().email)
    order = db.session.scalars(db.select(Order)).one()
    assert order.status == "paid"
    return order, order.lines[0], product


def refund(client, order, line, quantity):
    return client.post(
        f"/admin/orders/{order.id}/refund", data={"line_id": line.id, "quantity": quantity}
    )


def test_a_partial_refund_moves_money_stock_and_ledger(client, paid, stripe_on):
    order, line, product = paid
    assert "L 300.00" in client.get(f"/admin/orders/{order.id}").text
    assert refund(client, order, line, 1).status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded == 10000
    assert stock_of(product) == 3
    refunds = stripe_on.refunds()
    assert [(r["amount"], r["currency"]) for r in refunds] == [(10000, "hnl")]
    sales = db.session.scalars(db.select(Sale).order_by(Sale.id)).all()
    assert [(s.total, s.void_reason) for s in sales] == [(30000, "refund"), (20000, "")]


def test_refunding_the_rest_closes_the_line(client, paid, stripe_on):
    order, line, product = paid
    refund(client, order, line, 1)
    refund(client, order, line, 2)
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded == 30000
    assert db.session.get(OrderLine, line.id).status == "cancelled"
    assert stock_of(product) == 5
    live = db.session.scalars(db.select(Sale).where(Sale.voided_at.is_(None))).all()
    assert live == []
    assert sum(r["amount"] for r in stripe_on.refunds()) == 30000


def test_a_refund_larger_than_what_was_paid_is_refused(client, paid, stripe_on):
    order, line, product = paid
    response = refund(client, order, line, 4)
    assert response.status_code == 409
    assert "more than what is left to refund" in response.text
    refund(client, order, line, 3)
    assert refund(client, order, line, 1).status_code == 409
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded == 30000
    assert len(stripe_on.refunds()) == 1
    assert db.session.scalar(db.select(db.func.count(Refund.id))) == 1


def test_only_staff_can_refund(client, paid, auth, make):
    order, line, _product = paid
    client.post("/logout")
    user = make.user()
    auth.login(user.email)
    assert refund(client, order, line, 1).status_code == 403
    assert client.get("/admin/orders").status_code == 403


def test_a_refund_when_stripe_is_unreachable_changes_nothing(client, paid, app, stripe_on):
    order, line, product = paid
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    response = refund(client, order, line, 1)
    app.config["STRIPE_API_BASE"] = stripe_on.url
    assert response.status_code == 502
    assert "did not accept the refund" in response.text
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded == 0
    assert stock_of(product) == 2
