"""A double tap on "Registrar venta" records one sale, online and offline: the phone makes one
key per intended sale and ignores taps while that sale is on its way. Needs Chromium."""

import pytest

from marketplace.core.database import db
from tests.e2e import test_sales_offline as offline
from vendors.products.models import Product
from vendors.sales.models import Sale

pytestmark = pytest.mark.skipif(not offline.CHROMIUM, reason="Chromium is not installed")
server = offline.server
page = offline.page

SUBMIT = "button.sale-submit"


def open_screen(server, page, make):
    shop = make.shop(email="rosa@example.hn", stock=10, price=150_00)
    product_id, title = shop.products[0].id, shop.products[0].title
    db.session.rollback()
    page.goto(f"{server}/login")
    page.fill("input[name=email]", "rosa@example.hn")
    page.fill("input[name=password]", "correct-horse-9")
    page.click("form button[type=submit]")
    page.goto(f"{server}/me/sell")
    return product_id, title


def stock(product_id) -> int:
    db.session.expire_all()
    value = db.session.get(Product, product_id).stock
    db.session.rollback()
    return value


def queued_keys(page) -> list[str]:
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("mercado-ventas", 1);
            open.onsuccess = () => {
                const req = open.result.transaction("queue").objectStore("queue").getAllKeys();
                req.onsuccess = () => resolve(req.result);
            };
        })"""
    )


def test_a_double_tap_online_records_one_sale_and_takes_stock_once(server, page, make):
    product_id, title = open_screen(server, page, make)
    page.click(f"text={title}")
    page.dblclick(SUBMIT)
    page.wait_for_selector("#sales-today >> text=L 150.00")
    page.wait_for_selector(f"{SUBMIT}:enabled")  # both taps are over, the form is free again
    assert page.text_content("#sale-status") == "Venta registrada."
    assert offline.count_sales() == 1
    assert stock(product_id) == 9

    # The next sale is a new one: it gets a key of its own.
    page.click(SUBMIT)
    page.wait_for_selector("#sales-today >> text=Ventas: 2")
    assert offline.count_sales() == 2
    assert stock(product_id) == 8
    keys = db.session.scalars(db.select(Sale.client_key)).all()
    db.session.rollback()
    assert len(set(keys)) == 2


def test_two_submits_at_once_send_one_sale_even_if_the_button_is_bypassed(server, page, make):
    """The in-flight flag alone, without the disabled button: two submits in one task."""
    product_id, title = open_screen(server, page, make)
    page.click(f"text={title}")
    page.evaluate(
        "() => { const f = document.getElementById('sale-form'); "
        "f.requestSubmit(); f.requestSubmit(); }"
    )
    page.wait_for_selector("#sales-today >> text=L 150.00")
    page.wait_for_selector(f"{SUBMIT}:enabled")
    assert offline.count_sales() == 1
    assert stock(product_id) == 9


def test_a_double_tap_offline_queues_one_sale_and_sends_it_once(server, page, make):
    product_id, title = open_screen(server, page, make)
    page.context.set_offline(True)
    page.click(f"text={title}")
    page.click(SUBMIT)
    page.click(SUBMIT, force=True)  # a second tap at once lands on the disabled button
    page.wait_for_selector("#sale-pending:not([hidden])")
    page.wait_for_selector(f"{SUBMIT}:enabled")
    assert page.text_content("#sale-pending") == "Ventas pendientes de enviar: 1"
    assert len(queued_keys(page)) == 1
    assert offline.count_sales() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sale-pending[hidden]", state="attached")
    page.wait_for_selector("#sales-today >> text=L 150.00")
    assert offline.count_sales() == 1
    assert stock(product_id) == 9
    assert queued_keys(page) == []
