"""static/js/sell.js in a real browser: a sale made without signal waits on the phone, the
pending count shows it, and it is sent once when the connection returns. Needs Chromium
(Debian's `chromium` package); skipped without it."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from marketplace.core.database import db
from vendors.products.models import Product
from vendors.sales.models import Sale

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed")


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture
def page(browser):
    """A phone's browser from the shared Chromium (one Playwright per test run)."""
    context = browser.new_context(locale="es-HN")
    yield context.new_page()
    context.close()


def count_sales() -> int:
    db.session.expire_all()
    count = db.session.scalar(db.select(db.func.count(Sale.id)))
    db.session.rollback()  # on SQLite an open transaction would hold the server's write lock
    return count


def test_a_sale_made_offline_waits_and_is_sent_once_back_online(server, page, make):
    shop = make.shop(email="rosa@example.hn", stock=10, price=150_00)
    product = shop.products[0]
    title = product.title
    db.session.rollback()
    page.goto(f"{server}/login")
    page.fill("input[name=email]", "rosa@example.hn")
    page.fill("input[name=password]", "correct-horse-9")
    page.click("form button[type=submit]")
    page.goto(f"{server}/me/sell")

    page.context.set_offline(True)
    page.click(f"text={title}")
    assert page.input_value("input[name=price]") == "150.00"
    page.fill("input[name=price]", "135")
    page.fill("input[name=quantity]", "2")
    page.click("button.sale-submit")
    page.wait_for_selector("#sale-pending:not([hidden])")
    assert page.text_content("#sale-pending") == "Ventas pendientes de enviar: 1"
    assert "Se enviará cuando haya conexión" in page.text_content("#sale-status")
    assert count_sales() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sale-pending[hidden]", state="attached")
    page.wait_for_selector("#sales-today >> text=L 270.00")
    assert count_sales() == 1
    sale = db.session.scalar(db.select(Sale))
    assert (sale.quantity, sale.unit_price, sale.payment_method) == (2, 135_00, "cash")
    assert db.session.get(Product, product.id).stock == 8


def test_the_screen_opens_from_the_phone_without_a_connection(server, page, make):
    make.shop(email="rosa@example.hn")
    db.session.rollback()
    page.goto(f"{server}/login")
    page.fill("input[name=email]", "rosa@example.hn")
    page.fill("input[name=password]", "correct-horse-9")
    page.click("form button[type=submit]")
    page.goto(f"{server}/me/sell")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now under the service worker's control, which keeps a copy
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    assert page.text_content("h1") == "Registrar venta"
    assert page.is_visible("button.sale-submit")
