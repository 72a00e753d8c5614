"""An entrepreneur's product pages at a phone and a laptop viewport: accessible, no stray errors."""

import pytest

from marketplace.demo import DEMO_PASSWORD
from tests.e2e.conftest import LAPTOP, PHONE


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_product_pages_are_accessible(visit, viewport):
    v = visit("products", viewport)
    errors = []
    v.page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    v.page.goto("/login")
    v.page.fill("input[name=email]", "maria@demo.hn")
    v.page.fill("input[name=password]", DEMO_PASSWORD)
    v.page.click("main form button[type=submit]")
    v.page.goto("/me/products")
    v.check("list")
    edit = v.page.locator(".product-info h2 a").first.get_attribute("href")
    v.page.goto(edit)
    v.check("edit")
    v.page.goto(edit.replace("/edit", "/photos"))
    v.check("photos")
    v.page.goto("/me/products/new")
    v.check("new")
    v.page.fill("input[name=price]", "-5")
    v.page.click("main form button[type=submit]")
    v.page.wait_for_selector(".form-errors")
    v.check("new-with-errors")
    assert v.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # The refused form answers 422 on purpose; Chromium logs every 4xx page as an error.
    assert [e for e in errors if "status of 422" not in e] == []
