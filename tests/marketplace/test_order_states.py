"""Orders driven through the service layer in random order (Hypothesis stateful testing), with
the invariants checked after every step; and the refused loser of each race, told why, with
nothing of theirs changed."""

import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from marketplace.core.auth.models import Role, User, utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.orders import paying, services
from marketplace.orders.models import (
    ORDER_STATES,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    VendorPayout,
)
from marketplace.orders.views import order_link
from marketplace.payments import get_provider
from marketplace.payments.provider import PaymentState
from tests.factories import Factories
from tests.marketplace.order_checks import check_all, live_sales
from vendors.products.models import Product
from vendors.sales.models import Sale

START = 6
OK, NO = "http://shop.test/ok", "http://shop.test/no"


def fresh_ids() -> None:
    """localstripe draws its object ids from the global `random`, which Hypothesis seeds alike
    in every example: reseed it from the system before each call that may create one, or the
    second example's PaymentIntents and refunds collide with the first's."""
    random.seed()


class OrderMachine(RuleBasedStateMachine):
    """A vendor with two products, buyers ordering and paying, the vendor moving lines,
    organisers refunding, Stripe (the local fake) paying, failing and expiring sessions."""

    fake = None  # the StripeFake, set by the test

    def __init__(self):
        super().__init__()
        make = Factories()
        vendor = make.shop_vendor()
        self.vendor_user_id = vendor.user_id
        self.organiser_id = make.organizer().id
        self.product_ids = [
            make.shop_product(vendor=vendor, stock=START, price=price).id
            for price in (10000, 25000)
        ]
        self.start = dict.fromkeys(self.product_ids, START)
        self.order_ids: list[int] = []

    # Helpers

    def act(self, fn, *args):
        """One person's request: it commits, or it is refused and changes nothing."""
        fresh_ids()
        try:
            result = fn(*args)
        except Refused as e:
            db.session.rollback()
            assert e.message
            return e
        db.session.commit()
        return result

    def order(self, pick: int, *statuses: str) -> Order | None:
        """One of this machine's orders, among those in `statuses` when given (steps that only
        make sense there are then tried often enough to matter)."""
        db.session.expire_all()
        query = db.select(Order.id).where(Order.id.in_(self.order_ids)).order_by(Order.id)
        if statuses:
            query = query.where(Order.status.in_(statuses))
        ids = db.session.scalars(query).all()
        return db.session.get(Order, ids[pick % len(ids)]) if ids else None

    def open_payment(self, pick: int) -> Payment | None:
        order = self.order(pick, "awaiting_payment")
        return next((p for p in order.payments if p.status == "open"), None) if order else None

    def session_status(self, payment: Payment) -> dict:
        return self.fake.session(payment.reference)

    def buyer_pays(self, payment: Payment, mode: str = "card") -> None:
        fresh_ids()
        self.fake.pay(payment.reference, mode)

    @initialize()
    def three_orders(self):
        """Start with an order paid online, one waiting for its payment and one for pickup,
        so most steps have something to act on."""
        self.place("online", (1, 2))
        self.pay_at_stripe(0, "card", True)
        self.place("online", (1, 1))
        self.place("pickup", (1, 0))

    # Buyers

    @rule(
        choice=st.sampled_from(["pickup", "online"]),
        quantities=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    )
    def place(self, choice, quantities):
        db.session.expire_all()
        items = [
            (db.session.get(Product, pid), q)
            for pid, q in zip(self.product_ids, quantities, strict=True)
            if q
        ]
        if not items:
            return
        buyer = services.Buyer("Ana", "ana@example.hn", "+50499887766")

        def place_and_start():
            order = services.place_order(items, buyer, choice)
            if choice == "online":
                paying.start_online_payment(order.id, get_provider(), OK, NO)
            return order.id

        result = self.act(place_and_start)
        if isinstance(result, int):
            self.order_ids.append(result)

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 20))
    def pay_again(self, pick):
        order = self.order(pick)
        if order is not None:
            self.act(paying.start_online_payment, order.id, get_provider(), OK, NO)

    @precondition(lambda self: self.order_ids)
    @rule(
        pick=st.integers(0, 20), mode=st.sampled_from(["card", "card", "async"]), told=st.booleans()
    )
    def pay_at_stripe(self, pick, mode, told):
        """The buyer pays; the event arrives at once, or is lost (`told` False)."""
        payment = self.open_payment(pick)
        if payment is None or self.session_status(payment)["status"] != "open":
            return
        self.buyer_pays(payment, mode)
        if told:
            self.notify(pick)

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 20), succeed=st.booleans())
    def bank_settles(self, pick, succeed):
        payment = self.open_payment(pick)
        if payment is None:
            return
        session = self.session_status(payment)
        if session["status"] == "complete" and session["payment_status"] == "unpaid":
            self.fake.settle(payment.reference, succeed)
            provider = get_provider()
            self.act(
                paying.settle_payment,
                payment,
                provider.fetch_payment(payment.reference),
                provider,
                not succeed,
            )

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 20))
    def notify(self, pick):
        """The webhook, or the buyer coming back from Stripe: ask Stripe and settle."""
        payment = self.open_payment(pick)
        if payment is not None:
            provider = get_provider()
            self.act(
                paying.settle_payment, payment, provider.fetch_payment(payment.reference), provider
            )

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 20))
    def a_payment_nobody_expected(self, pick):
        """A 'paid' for an attempt, whatever the order's state (a direct settle)."""
        order = self.order(pick)
        paid = [p for p in order.payments if p.status == "open"] if order else []
        if paid:
            payment = paid[0]
            session = self.session_status(payment)
            if session["status"] == "open":
                self.buyer_pays(payment)
                state = PaymentState(payment.reference, order.id, "paid", payment.amount, None)
                state.charge_reference = self.session_status(payment)["payment_intent"]
                self.act(paying.settle_payment, payment, state, get_provider())

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 20))
    def buyer_cancels(self, pick):
        order = self.order(pick)
        if order is not None:
            self.act(paying.cancel_by_buyer, order.id, get_provider())

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 20))
    def buyer_switches_to_pickup(self, pick):
        order = self.order(pick)
        if order is not None:
            self.act(paying.switch_to_pickup, order.id, get_provider())

    # Vendors, organisers, time

    @precondition(lambda self: self.order_ids)
    @rule(
        pick=st.integers(0, 20),
        line=st.integers(0, 1),
        to=st.sampled_from(list(LineStatus)),
        reason=st.sampled_from(["", "Se quebró"]),
    )
    def vendor_moves(self, pick, line, to, reason):
        order = self.order(pick, "reserved", "paid")
        if order is not None:
            target = order.lines[line % len(order.lines)]
            actor = db.session.get(User, self.vendor_user_id)
            self.act(services.move_line, target.id, to, actor, reason)

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 20), line=st.integers(0, 1), quantity=st.integers(1, 3))
    def organiser_refunds(self, pick, line, quantity):
        order = self.order(pick, "paid")
        if order is not None:
            target = order.lines[line % len(order.lines)]
            actor = db.session.get(User, self.organiser_id)
            self.act(paying.refund_line, order.id, target.id, quantity, get_provider(), actor)

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(0, 20))
    def time_runs_out(self, pick):
        order = self.order(pick)
        if order is None or order.expires_at is None:
            return
        db.session.execute(
            db.update(Order)
            .where(Order.id == order.id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
        self.act(services.expire_reservations)
        self.act(paying.expire_online_payments, get_provider())

    @invariant()
    def consistent(self):
        check_all(self.start, self.order_ids)


def test_orders_in_any_order_keep_money_stock_and_ledger_consistent(app, stripe_on):
    OrderMachine.fake = stripe_on
    run_state_machine_as_test(
        OrderMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            database=None,  # no .hypothesis folder in the work tree; failures print their steps
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# The loser of each race: a clear message, and nothing changed.


def test_order_states_allow_only_their_moves():
    assert ORDER_STATES.allows(OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID)
    assert not ORDER_STATES.allows(OrderStatus.PAID, OrderStatus.CANCELLED)
    assert not ORDER_STATES.allows(OrderStatus.CANCELLED, OrderStatus.PAID)
    assert ORDER_STATES.next_states(OrderStatus.EXPIRED) == {"paid"}


def test_a_stale_order_object_cannot_move(app, make):
    order = make.placed_order([(make.shop_product(), 1)])
    db.session.execute(
        db.update(Order)
        .where(Order.id == order.id)
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )  # someone else, meanwhile: this session still holds "reserved"
    with pytest.raises(Refused) as refused:
        ORDER_STATES.move(order, OrderStatus.EXPIRED)
    assert refused.value.code == "conflict"
    db.session.rollback()


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def paid_online(client, make, stripe_on):
    from tests.marketplace.test_payments import deliver, order_online, session_id_of

    product, response = order_online(client, make)
    sid = session_id_of(response)
    deliver(client, stripe_on.pay(sid))
    order = db.session.scalars(db.select(Order)).one()
    with client.application.test_request_context():
        link = order_link(order)
    return order, product, link


@pytest.mark.parametrize("action", ["cancel", "pickup"])
def test_cancel_or_switch_after_the_payment_won_is_refused_and_changes_nothing(
    client, make, stripe_on, action
):
    order, product, link = paid_online(client, make, stripe_on)
    answer = client.post(
        f"{link}/{action}", headers={"Referer": f"http://localhost{link}"}, follow_redirects=True
    )
    assert "This order is already paid: ask the organisers for a refund." in answer.text
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "paid" and order.payment_choice == "online"
    assert db.session.get(Product, product.id).stock == 1
    assert len(live_sales(order.lines[0])) == 1
    assert stripe_on.refunds() == []


def test_a_payment_completing_after_the_buyer_cancelled_is_refunded_in_full(
    client, make, stripe_on
):
    from tests.marketplace.test_payments import deliver, order_online, session_id_of

    product, response = order_online(client, make)
    sid = session_id_of(response)
    deliver(client, stripe_on.pay(sid, mode="async"))  # the bank is still confirming
    order = db.session.scalars(db.select(Order)).one()
    with client.application.test_request_context():
        link = order_link(order)
    page = client.post(f"{link}/cancel", follow_redirects=True)
    assert "Your order was cancelled" in page.text
    deliver(client, stripe_on.settle(sid, succeed=True))
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "cancelled"
    assert [p.status for p in order.payments] == ["refunded"]
    assert [r["amount"] for r in stripe_on.refunds()] == [50000]
    assert db.session.get(Product, product.id).stock == 3
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 0


def test_switching_to_pickup_while_a_bank_payment_is_confirming_is_refused(client, make, stripe_on):
    from tests.marketplace.test_payments import deliver, order_online, session_id_of

    _product, response = order_online(client, make)
    deliver(client, stripe_on.pay(session_id_of(response), mode="async"))
    order = db.session.scalars(db.select(Order)).one()
    with client.application.test_request_context():
        link = order_link(order)
    page = client.post(
        f"{link}/pickup", headers={"Referer": f"http://localhost{link}"}, follow_redirects=True
    )
    assert "still being confirmed" in page.text
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "awaiting_payment"


def test_delivering_a_line_cancelled_a_moment_ago_is_refused(client, make, auth):
    user = make.user(role=Role.ENTREPRENEUR)
    vendor = make.shop_vendor(user=user)
    product = make.shop_product(vendor=vendor, stock=4)
    order = make.placed_order([(product, 2)])
    line_id = order.lines[0].id
    auth.login(user.email)
    page = client.get("/me/orders")  # the vendor's page, before the cancel
    assert "Mark ready" in page.text
    client.post(f"/me/orders/lines/{line_id}", data={"action": "ready"})
    client.post(f"/me/orders/lines/{line_id}", data={"action": "cancelled", "reason": "Roto"})
    answer = client.post(
        f"/me/orders/lines/{line_id}",
        data={"action": "delivered"},
        headers={"Referer": "http://localhost/me/orders"},
        follow_redirects=True,
    )
    assert "This order is not active any more." in answer.text
    db.session.expire_all()
    assert db.session.get(OrderLine, line_id).status == "cancelled"
    assert db.session.get(Product, product.id).stock == 4
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 0


def test_a_repeated_checkout_places_one_order_and_lands_on_the_same_page(client, make, stripe_on):
    product = make.shop_product(stock=5)
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    form = client.get("/checkout").text
    key = form.split('name="submission_key" type="hidden" value="')[1].split('"')[0]
    quote = form.split('name="quote" type="hidden" value="')[1].split('"')[0]
    data = {
        "name": "Carlos",
        "email": "carlos@example.hn",
        "phone": "+504 9988 7766",
        "payment": "online",
        "quote": quote,
        "submission_key": key,
    }
    once = client.post("/checkout", data=data)
    # The same form sent again (a double tap on a weak signal): same key, same answer.
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    again = client.post("/checkout", data=data)
    assert once.status_code == again.status_code == 303
    assert once.headers["Location"] == again.headers["Location"]
    assert "/pay/cs_test_" in once.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Payment.id))) == 1
    assert len(stripe_on.sessions()) == 1


def test_a_repeated_refund_or_payout_acts_once(client, make, stripe_on, auth):
    order, _product, _link = paid_online(client, make, stripe_on)
    auth.login(make.organizer().email)
    refund = {"line_id": order.lines[0].id, "quantity": 1, "submission_key": "r" * 20}
    assert client.post(f"/admin/orders/{order.id}/refund", data=refund).status_code == 303
    assert client.post(f"/admin/orders/{order.id}/refund", data=refund).status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).refunded == 25000
    assert len(stripe_on.refunds()) == 1
    payout = {
        "vendor_id": order.lines[0].vendor_id,
        "amount": "100.00",
        "paid_on": "2026-08-30",
        "method": "cash",
        "submission_key": "p" * 20,
    }
    assert client.post("/admin/payouts", data=payout).status_code == 303
    assert client.post("/admin/payouts", data=payout).status_code == 303
    assert db.session.scalar(db.select(db.func.count(VendorPayout.id))) == 1
