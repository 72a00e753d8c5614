"""Demo sales: a busy day at the last finished fair, loaded once however often demo load runs."""

from collections import Counter
from datetime import timedelta

from fairs.fairs.models import FairStatus
from marketplace.core.database import db
from marketplace.core.timeutil import LOCAL_TZ, local_today
from vendors.demo.sales import load_demo_sales
from vendors.sales.models import Sale


def test_demo_sales_fill_the_last_finished_fair_once(make):
    shop, other = make.shop(), make.shop()

    fair, booth = make.booth_at_fair(
        shop, status=FairStatus.FINISHED, starts_on=local_today() - timedelta(days=21)
    )
    load_demo_sales()
    db.session.commit()
    sales = list(db.session.scalars(db.select(Sale)))
    assert 200 <= len(sales) <= 400
    assert {(s.vendor_id, s.fair_id, s.booth_id) for s in sales} == {(shop.id, fair.id, booth.id)}
    assert {s.recorded_at.astimezone(LOCAL_TZ).date() for s in sales} == {fair.starts_on}
    methods = Counter(s.payment_method for s in sales)
    assert methods.most_common(1)[0][0] == "cash" and len(methods) >= 3
    load_demo_sales()
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == len(sales)
    assert other.id not in {s.vendor_id for s in sales}


def test_demo_sales_without_a_fair_or_vendors_do_not_fail(make):
    assert "no vendors" in load_demo_sales()[0]
    make.shop(products=0)
    load_demo_sales()
    db.session.commit()
    sale = db.session.scalar(db.select(Sale))
    assert sale.fair_id is None and sale.product_id is None
