"""The sales ledger: append-only, idempotent, and stock that follows sales and voids."""

from datetime import timedelta

import pytest

from fairs.fairs.models import FairStatus
from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.core.timeutil import local_today
from vendors.products.models import Product
from vendors.sales.ledger import SaleInput, record_sale, void_sale
from vendors.sales.models import Sale


def count_sales() -> int:
    return db.session.scalar(db.select(db.func.count(Sale.id)))


def stock_of(product) -> int | None:
    return db.session.scalar(db.select(Product.stock).where(Product.id == product.id))


def sale_input(product=None, **kw) -> SaleInput:
    defaults = {
        "client_key": "venta-0001",
        "product_id": product.id if product else None,
        "description": "" if product else "Bolsa de tela",
        "quantity": 2,
        "unit_price": product.price if product else 40_00,
        "payment_method": "cash",
    }
    return SaleInput(**(defaults | kw))


def test_a_sale_takes_stock_and_keeps_its_price(make):
    shop = make.shop(stock=10, price=150_00)
    product = shop.products[0]
    sale, created = record_sale(shop, sale_input(product, quantity=3, unit_price=120_00))
    db.session.commit()
    assert created
    assert (sale.description, sale.total, sale.fair_id) == (product.title, 360_00, None)
    assert stock_of(product) == 7


def test_the_same_key_twice_records_one_sale_and_takes_stock_once(make):
    shop = make.shop(stock=10)
    product = shop.products[0]
    first, _ = record_sale(shop, sale_input(product))
    db.session.commit()
    again, created = record_sale(shop, sale_input(product))
    db.session.commit()
    assert not created
    assert again.id == first.id
    assert count_sales() == 1
    assert stock_of(product) == 8


def test_a_reused_key_with_other_content_is_refused_and_the_first_sale_kept(make):
    shop = make.shop(stock=10)
    product = shop.products[0]
    make.sale(shop, product, client_key="venta-0001", quantity=2)
    with pytest.raises(Refused) as refused:
        record_sale(shop, sale_input(product, quantity=5))
    db.session.rollback()
    assert (refused.value.status, refused.value.code) == (409, "client_key_reused")
    assert db.session.scalar(db.select(Sale.quantity)) == 2
    assert stock_of(product) == 8


def test_two_vendors_may_use_the_same_key(make):
    one, two = make.shop(), make.shop()
    make.sale(one, one.products[0], client_key="venta-0001")
    make.sale(two, two.products[0], client_key="venta-0001")
    assert count_sales() == 2


def test_selling_more_than_the_shelf_shows_keeps_the_sale_and_flags_a_count(make):
    shop = make.shop(stock=1)
    product = shop.products[0]
    make.sale(shop, product, quantity=3)
    assert count_sales() == 1
    assert stock_of(product) == 0
    assert db.session.get(Product, product.id).needs_stock_check is True


def test_made_to_order_products_have_no_stock_to_take(make):
    shop = make.shop()
    product = shop.products[0]
    product.stock = None
    db.session.commit()
    make.sale(shop, product, quantity=4)
    assert stock_of(product) is None


def test_a_free_text_item_needs_a_description(make):
    shop = make.shop()
    sale = make.sale(shop, description="  Pulsera de semillas ", unit_price=35_00)
    assert (sale.product_id, sale.description) == (None, "Pulsera de semillas")
    with pytest.raises(Refused) as refused:
        record_sale(shop, sale_input(description="   ", client_key="venta-0002"))
    assert refused.value.code == "invalid_description"


def test_a_void_puts_the_units_back_once_and_keeps_the_sale(make):
    shop = make.shop(stock=10)
    product = shop.products[0]
    sale = make.sale(shop, product, quantity=4)
    void_sale(sale, shop.user, "Cobré dos veces")
    db.session.commit()
    assert stock_of(product) == 10
    sale = db.session.get(Sale, sale.id)
    assert sale.is_void and sale.void_reason == "Cobré dos veces"
    with pytest.raises(Refused) as refused:
        void_sale(sale, shop.user, "Otra vez")
    db.session.rollback()
    assert refused.value.code == "already_voided"
    assert stock_of(product) == 10
    assert count_sales() == 1


def test_a_void_needs_a_reason(make):
    shop = make.shop(stock=10)
    sale = make.sale(shop, shop.products[0])
    with pytest.raises(Refused) as refused:
        void_sale(sale, shop.user, " ")
    db.session.rollback()
    assert refused.value.code == "invalid_void_reason"
    assert not db.session.get(Sale, sale.id).is_void


def test_a_sale_at_a_live_fair_is_attached_to_the_fair_and_booth(make):
    shop = make.shop()
    fair, booth = make.booth_at_fair(shop)
    sale = make.sale(shop, shop.products[0])
    assert (sale.fair_id, sale.booth_id) == (fair.id, booth.id)


def test_a_sale_sent_late_from_a_finished_fair_still_counts_for_it(make):
    shop = make.shop()
    yesterday = local_today() - timedelta(days=1)
    fair, booth = make.booth_at_fair(shop, status=FairStatus.FINISHED, starts_on=yesterday)
    during = utcnow() - timedelta(days=1)
    sale = make.sale(shop, shop.products[0], recorded_at=during)
    assert (sale.fair_id, sale.booth_id) == (fair.id, booth.id)
    today_sale = make.sale(shop, shop.products[0])
    assert today_sale.fair_id is None


def test_a_sale_outside_a_live_fair_is_kept_without_a_fair(make):
    shop = make.shop()
    make.booth_at_fair(shop, status=FairStatus.OPEN, starts_on=local_today() + timedelta(days=9))
    sale = make.sale(shop, shop.products[0])
    assert (sale.fair_id, sale.booth_id) == (None, None)


def test_a_phone_clock_running_ahead_does_not_date_a_sale_in_the_future(make):
    shop = make.shop()
    sale = make.sale(shop, shop.products[0], recorded_at=utcnow() + timedelta(days=2))
    assert sale.recorded_at <= utcnow()


def test_a_sale_dated_months_ago_is_refused(make):
    shop = make.shop()
    with pytest.raises(Refused) as refused:
        record_sale(shop, sale_input(recorded_at=utcnow() - timedelta(days=200)))
    assert refused.value.code == "recorded_at_out_of_range"
