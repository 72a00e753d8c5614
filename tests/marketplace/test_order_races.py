"""Two people acting on one order at the same moment, on PostgreSQL with real connections: the
buyer and Stripe's webhook, a double tap, a vendor's two buttons, two organisers refunding.

Each race runs a few rounds; every round checks the invariants in order_checks: money refunded
never exceeds money paid and matches the refunds, a cancelled order holds no unrefunded payment,
the ledger has a live sale exactly for what was paid or delivered, and stock adds up."""

import threading
from datetime import timedelta

import pytest

from marketplace.core.audit import AuditEntry
from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.orders import paying, services
from marketplace.orders.access import order_link
from marketplace.orders.models import Order, OrderLine, Payment, Refund
from marketplace.payments import get_provider
from tests.marketplace.order_checks import check_all
from tests.marketplace.test_payments import WEBHOOK
from vendors.products.models import Product

pytestmark = pytest.mark.postgres

ROUNDS = 4


def together(app, *actions):
    """Run each action in its own thread, app context and database connection, all released
    at once; returns what each returned, or the Refused message, in order."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(n, action):
        with app.app_context():
            barrier.wait()
            try:
                results[n] = action()
                db.session.commit()
            except Refused as e:
                db.session.rollback()
                results[n] = Refused(e.message, code=e.code)
            except Exception as e:  # noqa: BLE001 - reported by the assertion below
                db.session.rollback()
                results[n] = e
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, Refused)]
    assert unexpected == []
    return results


def online_order(app, make, quantity=2, stock=5, price=25000):
    """An order waiting for its online payment, with its Stripe session open."""
    product = make.shop_product(stock=stock, price=price)
    order = make.placed_order([(product, quantity)], choice="online")
    with app.test_request_context():
        paying.start_online_payment(order.id, get_provider(), "http://x/ok", "http://x/no")
    db.session.commit()
    payment = db.session.scalars(db.select(Payment).where(Payment.order_id == order.id)).one()
    return order.id, payment.reference, product


def deliver_with_own_client(app, envelope):
    def send():
        answer = app.test_client().post(
            WEBHOOK,
            data=envelope["payload"],
            headers={"Stripe-Signature": envelope["signature"]},
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.text
        return answer.json["status"]

    return send


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


@pytest.mark.parametrize("buyer_action", ["cancel", "pickup"])
def test_the_buyer_cancelling_or_switching_while_the_payment_lands(
    app, make, stripe_on, buyer_action
):
    starts = {}
    for _round in range(ROUNDS):
        order_id, session_id, product = online_order(app, make)
        starts[product.id] = 5
        completed = stripe_on.pay(session_id)  # paid at Stripe; the event is on its way

        def buyer(order_id=order_id):
            action = paying.cancel_by_buyer if buyer_action == "cancel" else paying.switch_to_pickup
            return action(order_id, get_provider())

        result, webhook = together(app, buyer, deliver_with_own_client(app, completed))
        order = fresh(Order, order_id)
        # The payment reached Stripe first, so it wins: the order is paid, whoever locked first.
        assert order.status == "paid"
        assert webhook in ("processed", "duplicate")
        assert result is False or (isinstance(result, Refused) and result.code == "already_paid")
        assert fresh(Product, product.id).stock == 3
        assert stripe_on.refunds() == []
        check_all(starts)


def test_a_payment_completing_after_the_cancel_is_refunded_in_full(app, make, stripe_on):
    starts = {}
    for _round in range(ROUNDS):
        order_id, session_id, product = online_order(app, make)
        starts[product.id] = 5
        stripe_on.pay(session_id, mode="async")  # a bank payment Stripe is still confirming
        succeeded = {}

        def buyer(order_id=order_id):
            return paying.cancel_by_buyer(order_id, get_provider())

        def bank(session_id=session_id, succeeded=succeeded):
            succeeded.update(stripe_on.settle(session_id, succeed=True))
            return deliver_with_own_client(app, succeeded)()

        cancelled, _status = together(app, buyer, bank)
        order = fresh(Order, order_id)
        payment = db.session.scalars(db.select(Payment).where(Payment.order_id == order_id)).one()
        if cancelled is True:  # the cancel committed first: the money goes back
            assert order.status == "cancelled" and payment.status == "refunded"
            assert fresh(Product, product.id).stock == 5
        else:  # the payment was recorded first: the cancel found it paid
            assert order.status == "paid" and payment.status == "paid"
        check_all(starts)
    refunded = [r["amount"] for r in stripe_on.refunds()]
    assert all(amount == 50000 for amount in refunded)


def test_a_double_tap_on_pay_online_opens_one_attempt_and_both_go_to_its_page(app, make, stripe_on):
    for _round in range(ROUNDS):
        order_id, _session, _product = online_order(app, make)
        with app.test_request_context():
            link = order_link(db.session.get(Order, order_id))
        key = "k" * 20 + str(order_id)

        def tap(link=link, key=key):
            return app.test_client().post(link + "/pay", data={"submission_key": key})

        first, second = together(app, tap, tap)
        assert first.status_code == second.status_code == 303
        assert first.headers["Location"] == second.headers["Location"]
        assert "/pay/cs_test_" in first.headers["Location"]
        payments = db.session.scalars(
            db.select(Payment).where(Payment.order_id == order_id).order_by(Payment.attempt)
        ).all()
        db.session.expire_all()
        assert [(p.attempt, p.status) for p in payments] == [(1, "expired"), (2, "open")]


def test_two_tabs_paying_at_once_never_fail_and_leave_one_open_attempt(app, make, stripe_on):
    order_id, _session, _product = online_order(app, make)
    with app.test_request_context():
        link = order_link(db.session.get(Order, order_id))

    def tab():
        return app.test_client().post(link + "/pay").status_code

    assert together(app, tab, tab, tab) == [303, 303, 303]
    payments = db.session.scalars(db.select(Payment).where(Payment.order_id == order_id)).all()
    assert sorted(p.attempt for p in payments) == [1, 2, 3, 4]
    assert [p.status for p in payments].count("open") == 1


def test_a_vendor_cancelling_and_delivering_one_line_at_once_does_one(app, make):
    starts = {}
    outcomes = set()
    for _round in range(ROUNDS * 2):
        product = make.shop_product(stock=4)
        starts[product.id] = 4
        order = make.placed_order([(product, 3)])
        line_id = order.lines[0].id
        vendor_user_id = db.session.get(Product, product.id).vendor.user_id
        with app.test_request_context():
            services.move_line(line_id, services.LineStatus.CONFIRMED, None)
        db.session.commit()

        def move(to, reason="", line_id=line_id, vendor_user_id=vendor_user_id):
            def act():
                actor = db.session.get(User, vendor_user_id)
                return services.move_line(line_id, to, actor, reason).status

            return act

        results = together(
            app,
            move(services.LineStatus.CANCELLED, "Se quebró"),
            move(services.LineStatus.DELIVERED),
        )
        refused = [r for r in results if isinstance(r, Refused)]
        assert len(refused) == 1, results
        # The loser is told the step is not possible any more, and nothing of theirs is kept.
        assert refused[0].code in ("not_allowed", "order_closed") and refused[0].message
        line = fresh(OrderLine, line_id)
        outcomes.add(line.status)
        assert line.status in ("cancelled", "delivered")
        check_all(starts)
    assert outcomes  # which one wins is up to the scheduler


def test_concurrent_partial_refunds_are_all_counted_and_never_exceed_the_payment(
    app, make, stripe_on
):
    starts = {}
    for _round in range(ROUNDS):
        order_id, session_id, product = online_order(app, make, quantity=3, price=20000)
        starts[product.id] = 5
        stripe_on.pay(session_id)
        with app.test_request_context():
            payment = db.session.scalars(db.select(Payment).where(Payment.order_id == order_id))
            payment = payment.one()
            paying.settle_payment(payment, get_provider().fetch_payment(session_id), get_provider())
        db.session.commit()
        line_id = fresh(Order, order_id).lines[0].id
        organiser_id = make.organizer().id

        def refund_one(order_id=order_id, line_id=line_id, organiser_id=organiser_id):
            actor = db.session.get(User, organiser_id)
            return paying.refund_line(order_id, line_id, 1, get_provider(), actor).amount

        results = together(app, refund_one, refund_one, refund_one, refund_one)
        assert sorted(r for r in results if isinstance(r, int)) == [20000] * 3
        assert [r.code for r in results if isinstance(r, Refused)] == ["too_much"]
        order = fresh(Order, order_id)
        assert order.refunded == 60000
        assert (
            db.session.scalar(
                db.select(db.func.sum(Refund.amount)).where(Refund.order_id == order_id)
            )
            == 60000
        )
        assert fresh(Product, product.id).stock == 5
        # Three distinct refunds at Stripe (the fake lists only ten at a time: ask for each).
        references = db.session.scalars(
            db.select(Refund.reference).where(Refund.order_id == order_id)
        ).all()
        assert len(set(references)) == 3
        at_stripe = [stripe_on._get(f"/v1/refunds/{ref}")["amount"] for ref in references]
        assert at_stripe == [20000] * 3
        check_all(starts)


def test_expiry_racing_a_late_payment_ends_consistent(app, make, stripe_on):
    starts = {}
    for _round in range(ROUNDS):
        order_id, session_id, product = online_order(app, make)
        starts[product.id] = 5
        db.session.execute(
            db.update(Order)
            .where(Order.id == order_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
        completed = stripe_on.pay(session_id)
        together(
            app,
            lambda: paying.expire_online_payments(get_provider()),
            deliver_with_own_client(app, completed),
        )
        assert fresh(Order, order_id).status == "paid"
        check_all(starts)


def test_two_organisers_paying_out_one_balance_at_once_pay_it_once(app, make, stripe_on):
    from datetime import date

    from marketplace.orders import payouts
    from marketplace.orders.models import VendorPayout

    order_id, session_id, product = online_order(app, make, quantity=1, price=10000)
    stripe_on.pay(session_id)
    payment = db.session.scalars(db.select(Payment).where(Payment.order_id == order_id)).one()
    paying.settle_payment(payment, get_provider().fetch_payment(session_id), get_provider())
    db.session.commit()
    vendor_id = product.vendor_id
    organisers = [make.organizer().id, make.organizer().id]

    def pay_out(organiser_id):
        def act():
            actor = db.session.get(User, organiser_id)
            return payouts.record_payout(vendor_id, 6000, date(2026, 8, 30), "cash", "", actor).id

        return act

    results = together(app, *(pay_out(o) for o in organisers))
    assert sum(isinstance(r, int) for r in results) == 1
    assert [r.code for r in results if isinstance(r, Refused)] == ["more_than_owed"]
    assert db.session.scalar(db.select(db.func.sum(VendorPayout.amount))) == 6000


def test_the_order_page_and_the_expiry_job_release_a_reservation_once(app, make):
    """The buyer opens their order while cron's `orders expire` runs: the stock comes back once."""
    starts = {}
    for _round in range(ROUNDS):
        product = make.shop_product(stock=3)
        starts[product.id] = 3
        order = make.placed_order([(product, 2)])
        order.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        order_id = order.id
        with app.test_request_context():
            link = order_link(order)

        results = together(
            app,
            lambda link=link: app.test_client().get(link).status_code,
            services.expire_reservations,
            lambda order_id=order_id: services.expire_if_due(order_id),
        )
        assert results[0] == 200
        assert fresh(Order, order_id).status == "expired"
        assert fresh(Product, product.id).stock == 3
        expiries = db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(
                AuditEntry.action == "order.expired", AuditEntry.target_id == order_id
            )
        )
        assert expiries == 1
        check_all(starts)
