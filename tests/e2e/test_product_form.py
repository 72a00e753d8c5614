"""Adding a product from a 360-px phone in a real browser: nothing wider than the screen, a
camera photo shrunk before upload, and the new product in the list."""

from marketplace.demo import DEMO_PASSWORD
from tests import images_factory as factory
from tests.e2e.conftest import PHONE


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_adding_a_product_from_a_phone(visit, tmp_path):
    photo = tmp_path / "IMG_0002.jpg"
    factory.upright_photo((3000, 4000)).save(photo, quality=90)
    page = visit("add-product", PHONE).page
    page.goto("/login")
    page.fill("input[name=email]", "ana@demo.hn")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.goto("/me/products/new")
    assert fits_the_screen(page)
    page.fill("input[name=title]", "Hamaca para niño")
    page.fill("input[name=price]", "-5")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".form-errors")
    assert "El precio no puede ser negativo." in page.content() and fits_the_screen(page)

    page.fill("input[name=price]", "1,250.50")
    page.select_option("select[name=category]", "textiles")
    page.check("input[name=made_to_order]")
    page.set_input_files("input[name=photos]", [str(photo)])
    page.wait_for_selector("[data-photo-preview] img")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/me/products")
    row = page.locator(".product-row", has_text="Hamaca para niño")
    assert "L 1,250.50" in row.inner_text() and "Hecho a pedido" in row.inner_text()
    # Shrunk to 1536 px high in the browser; the largest variant here is 1280 px wide.
    assert row.locator("img").get_attribute("width") == "1280"
    assert fits_the_screen(page)
