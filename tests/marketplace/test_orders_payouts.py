"""What the programme owes each entrepreneur for online sales, and the payouts it records."""

from datetime import date

import pytest

from marketplace.core.database import db
from marketplace.orders import payouts
from marketplace.orders.models import OrderStatus, VendorPayout


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def paid_online(make, items):
    order = make.placed_order(items, choice="online")
    order.status = OrderStatus.PAID.value  # as the webhook leaves it
    db.session.commit()
    return order


@pytest.mark.parametrize(
    "amount, percent, fee",
    [(1005, "2.5", 25), (1020, "2.5", 26), (1010, "2.5", 25), (99999, "0", 0), (1, "50", 1)],
)
def test_fees_are_whole_centavos_rounded_half_up(amount, percent, fee):
    from decimal import Decimal

    assert payouts.fee_for(amount, Decimal(percent)) == fee


def test_balances_payouts_and_csv(client, make, auth, app):
    app.config["PLATFORM_FEE_PERCENT"] = "2.5"
    try:
        a = make.shop_vendor(name="Apicultura Doña Rosa")
        b = make.shop_vendor(name="Barro Lenca")
        paid_online(make, [(make.shop_product(vendor=a, price=1020), 1)])
        paid_online(make, [(make.shop_product(vendor=b, price=10000), 2)])
        make.placed_order([(make.shop_product(vendor=b, price=5000), 1)])  # pay at pickup
        auth.login(make.organizer().email)
        page = client.get("/admin/payouts")
        assert "Apicultura Doña Rosa" in page.text and "L 9.94" in page.text  # 10.20 - 0.26
        response = client.post(
            "/admin/payouts",
            data={
                "vendor_id": b.id,
                "amount": "100.00",
                "paid_on": "2026-08-30",
                "method": "transfer",
                "reference": "TRF-1",
            },
        )
        assert response.status_code == 303
        too_much = client.post(
            "/admin/payouts",
            data={"vendor_id": b.id, "amount": "96.00", "paid_on": "2026-08-30", "method": "cash"},
        )
        assert too_much.status_code == 422
        assert "more than the programme owes" in too_much.text
        csv = client.get("/admin/payouts.csv").text.splitlines()
        assert csv[0] == "vendor_id,business_name,online_sales,fee,earned,paid_out,owed"
        assert csv[1] == f"{a.id},Apicultura Doña Rosa,10.20,0.26,9.94,0.00,9.94"
        assert csv[2] == f"{b.id},Barro Lenca,200.00,5.00,195.00,100.00,95.00"
        payout = db.session.scalars(db.select(VendorPayout)).one()
        assert (payout.amount, payout.paid_on) == (10000, date(2026, 8, 30))
    finally:
        app.config["PLATFORM_FEE_PERCENT"] = 0


@pytest.mark.parametrize("amount", ["", "abc", "-5", "0", "1.234"])
def test_bad_payout_amounts_are_refused(client, make, auth, amount):
    vendor = make.shop_vendor()
    paid_online(make, [(make.shop_product(vendor=vendor, price=10000), 1)])
    auth.login(make.organizer().email)
    response = client.post(
        "/admin/payouts",
        data={"vendor_id": vendor.id, "amount": amount, "paid_on": "2026-08-30", "method": "cash"},
    )
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(VendorPayout.id))) == 0


def test_entrepreneurs_cannot_see_payouts(client, make, auth):
    auth.login(make.user().email)
    assert client.get("/admin/payouts").status_code == 403
    assert client.get("/admin/payouts.csv").status_code == 403


def test_the_organiser_panel_links_to_orders_and_payouts(client, make, auth):
    auth.login(make.organizer().email)
    page = client.get("/admin/")
    assert "/admin/orders" in page.text and "/admin/payouts" in page.text
