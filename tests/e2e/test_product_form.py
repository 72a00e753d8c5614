"""The product form on a 360-px phone screen in a real browser: nothing wider than the screen,
a photo from the "camera" shrunk before upload, and the new product in the list.
Needs Chromium (Debian's `chromium` package); skipped without it."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from marketplace.database import db
from tests import images_factory as factory
from tests.factories import PASSWORD
from vendors.models import Product

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed")


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def phone(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 360, "height": 740}, locale="es-HN")
        yield page
        browser.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_adding_a_product_from_a_phone(server, phone, make, tmp_path):
    email = make.product_vendor().user.email
    # End this thread's transaction: on SQLite it holds the write lock the server needs.
    db.session.rollback()
    photo = tmp_path / "IMG_0002.jpg"
    factory.upright_photo((3000, 4000)).save(photo, quality=90)
    phone.goto(f"{server}/login")
    phone.fill("input[name=email]", email)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.goto(f"{server}/me/products/new")
    assert fits_the_screen(phone)
    phone.fill("input[name=title]", "Hamaca para niño")
    phone.fill("input[name=price]", "-5")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector(".form-errors")
    assert "El precio no puede ser negativo." in phone.content() and fits_the_screen(phone)

    phone.fill("input[name=price]", "1,250.50")
    phone.select_option("select[name=category]", "textiles")
    phone.check("input[name=made_to_order]")
    phone.set_input_files("input[name=photos]", [str(photo)])
    phone.wait_for_selector("[data-photo-preview] img")
    phone.click("main form button[type=submit]")
    phone.wait_for_url("**/me/products")
    assert "Hamaca para niño" in phone.content() and fits_the_screen(phone)

    product = db.session.scalars(db.select(Product)).one()
    assert product.price == 125050 and product.made_to_order
    assert product.cover.width == 1280  # shrunk to 1536 px in the browser, then 1280 here
