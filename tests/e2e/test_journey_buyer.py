"""A buyer's journey from a booth's QR code to a pickup reservation, and the two entrepreneurs
who each see their own part of it. Once in Spanish, once with English chosen in the footer, where
every page must be free of Spanish interface text."""

import re
import uuid

import pytest

from marketplace.demo import DEMO_PASSWORD
from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.untranslated import COLLECT_JS, spanish_in, untranslated_on

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])

# The booth's QR code leads to this vendor; the second product is found by searching "cafe".
# Both have stock enough for every run in a session (15 and 40 units).
LEATHER = {"vendor": "Talabartería Reyes", "email": "jose@demo.hn", "slug": "talabarteria-reyes"}
LEATHER_PRODUCT = "Billetera de cuero"
COFFEE = {"vendor": "Café Montaña de Marcala", "email": "maria@demo.hn"}
COFFEE_PRODUCT = "Café de altura molido, 1 libra"

WORDS = {
    "es": {
        "catalogue": "Catálogo",
        "search": "Buscar productos",
        "results": "Resultados para «cafe»",
        "add": "Agregar al carrito",
        "added": "Agregado a su carrito.",
        "cart": "Carrito",
        "sold_by": "Vendido por",
        "checkout": "Continuar con el pedido",
        "name": "Su nombre",
        "email": "Correo electrónico",
        "phone": "Teléfono",
        "pickup": "Apartar y pagar al recoger o en la feria",
        "place": "Hacer el pedido",
        "order": "Pedido",
        "reserved": "Sus productos están apartados",
        "sign_in": "Iniciar sesión",
        "password": "Contraseña",
        "my_orders": "Mis pedidos",
    },
    "en": {
        "catalogue": "Catalogue",
        "search": "Search products",
        "results": "Results for “cafe”",
        "add": "Add to cart",
        "added": "Added to your cart.",
        "cart": "Cart",
        "sold_by": "Sold by",
        "checkout": "Continue to checkout",
        "name": "Your name",
        "email": "E-mail",
        "phone": "Phone",
        "pickup": "Reserve and pay at pickup or at the fair",
        "place": "Place order",
        "order": "Order",
        "reserved": "Your products are reserved",
        "sign_in": "Sign in",
        "password": "Password",
        "my_orders": "My orders",
    },
}


# Boxes that scroll sideways (a wide table, say) hide part of what the buyer needs to read.
CUT_OFF_JS = """() => [...document.querySelectorAll('main *')]
  .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
                  && el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.className || el.tagName)"""


class Journey:
    """One person's browser in one language: every page is checked the same way."""

    def __init__(self, visit, name, viewport, wanted):
        self.v = visit(name, viewport, locale="es-HN")
        self.page = self.v.page
        self.viewport = viewport
        self.wanted = wanted
        self.lang = "es"
        self.errors = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        # A message from a script (alert, confirm) is interface text too.
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        if self.lang == "en":
            self.errors += [f"dialog: {hit}" for hit in spanish_in(dialog.message)]
        dialog.dismiss()

    @property
    def words(self):
        return WORDS[self.lang]

    def choose_language(self) -> bool:
        """The browser speaks Spanish; English is chosen with the footer's switch."""
        if self.wanted == self.lang:
            return False
        self.page.get_by_role("button", name="English").click()
        self.page.wait_for_function("document.documentElement.lang === 'en'")
        self.lang = "en"
        return True

    def look(self, step):
        """Accessible, fits the screen, no stray errors; in English, nothing left in Spanish."""
        self.v.check(step)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{step}: sideways scroll ({width}px)"
        cut = self.page.evaluate(CUT_OFF_JS)
        assert cut == [], f"{step}: content hidden sideways in {cut}"
        assert self.errors == [], f"{step}: {self.errors}"
        problems = untranslated_on(self.page)
        if self.lang == "en":
            assert not problems, f"{step} ({self.page.url}) is not all English:\n" + "\n".join(
                problems
            )
        else:  # the same check sees the Spanish interface, so it is not blind on real pages
            assert len(problems) > 1, f"{step}: the language check saw no Spanish: {problems}"

    def nav(self, name):
        # The cart's link also says how many products it holds.
        link = re.compile(rf"^{re.escape(name)}( \d+)?$")
        self.page.get_by_role("navigation").get_by_role("link", name=link).click()

    def add_to_cart(self, step, title, in_cart):
        w = self.words
        assert self.page.get_by_role("heading", level=1).inner_text() == title
        self.look(step)
        self.page.get_by_role("button", name=w["add"]).click()
        assert w["added"] in self.page.get_by_role("status").inner_text()
        badge = self.page.get_by_role("navigation").get_by_role("link", name=w["cart"])
        assert badge.inner_text().split() == [w["cart"], str(in_cart)]
        self.look(f"{step}-added")


def table_rows(page) -> list[list[str]]:
    """The product and the "sold by" line of each line in the page's table."""
    # Read from the markup, not from the layout: innerText depends on the stylesheet having
    # been applied, which the script may run before.
    return page.locator("main tbody tr").evaluate_all(
        """rows => rows.map(r => [
            r.cells[0].querySelector('[lang=es]').textContent.trim(),
            r.cells[0].querySelector('.line-detail').textContent.trim().replace(/\\s+/g, ' '),
        ])"""
    )


def buy_two_products(journey) -> str:
    """From the vendor's page to a reservation; returns the order code."""
    page = journey.page
    page.goto(f"/vendors/{LEATHER['slug']}")
    assert page.get_by_role("heading", level=1).inner_text() == LEATHER["vendor"]
    journey.look("vendor")
    if journey.choose_language():
        journey.look("vendor-english")
    w = journey.words
    page.get_by_role("link", name=LEATHER_PRODUCT).first.click()
    journey.add_to_cart("leather-product", LEATHER_PRODUCT, in_cart=1)

    journey.nav(w["catalogue"])
    journey.look("catalogue")
    page.get_by_label(w["search"]).fill("cafe")
    page.get_by_label(w["search"]).press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == w["results"]
    found = page.locator(".product-card h3").all_inner_texts()
    assert COFFEE_PRODUCT in found, found
    journey.look("search-cafe")
    page.get_by_role("link", name=COFFEE_PRODUCT).first.click()
    journey.add_to_cart("coffee-product", COFFEE_PRODUCT, in_cart=2)

    journey.nav(w["cart"])
    assert sorted(table_rows(page)) == sorted(
        [
            [LEATHER_PRODUCT, f"{w['sold_by']} {LEATHER['vendor']}"],
            [COFFEE_PRODUCT, f"{w['sold_by']} {COFFEE['vendor']}"],
        ]
    )
    assert "L 430.00" in page.locator("main tfoot").inner_text()
    journey.look("cart")

    page.get_by_role("link", name=w["checkout"]).click()
    journey.look("checkout")
    tag = uuid.uuid4().hex[:8]
    page.get_by_label(w["name"]).fill(f"Lucía Buyer {tag}")
    page.get_by_label(w["email"]).fill(f"buyer-{tag}@example.hn")
    page.get_by_label(w["phone"]).fill("9876-5432")
    pickup = page.get_by_label(w["pickup"])
    assert pickup.is_checked(), "pick-up is the choice when online payment is off"
    page.get_by_role("button", name=w["place"]).click()

    heading = page.get_by_role("heading", level=1).inner_text()
    assert re.fullmatch(rf"{w['order']} [A-Z0-9]{{8}}", heading), heading
    code = heading.split()[-1]
    assert w["reserved"] in page.locator("main").inner_text()
    assert sorted(table_rows(page)) == sorted(
        [
            [LEATHER_PRODUCT, f"{w['sold_by']} {LEATHER['vendor']}"],
            [COFFEE_PRODUCT, f"{w['sold_by']} {COFFEE['vendor']}"],
        ]
    )
    journey.look("order")
    return code


def vendor_sees_only_their_line(visit, viewport, lang, vendor, mine, theirs, code):
    journey = Journey(visit, f"buyer-{lang}-{vendor['email'].split('@')[0]}", viewport, lang)
    page = journey.page
    page.goto("/")
    journey.look("home")
    if journey.choose_language():
        journey.look("home-english")
    w = journey.words
    journey.nav(w["sign_in"])
    journey.look("sign-in")
    page.get_by_label(w["email"]).fill(vendor["email"])
    page.get_by_label(w["password"]).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=w["sign_in"]).click()
    journey.look("dashboard")
    journey.nav(w["my_orders"])
    assert page.get_by_role("heading", level=1).inner_text() == w["my_orders"]
    ours = page.locator("main article").filter(has_text=code)
    assert ours.count() == 1, f"{vendor['email']} should see one line of {code}"
    assert mine in ours.inner_text() and theirs not in ours.inner_text()
    journey.look("vendor-orders")


def run_journey(visit, viewport, lang):
    buyer = Journey(visit, f"buyer-{lang}", viewport, lang)
    code = buy_two_products(buyer)
    vendor_sees_only_their_line(
        visit, viewport, lang, LEATHER, LEATHER_PRODUCT, COFFEE_PRODUCT, code
    )
    vendor_sees_only_their_line(
        visit, viewport, lang, COFFEE, COFFEE_PRODUCT, LEATHER_PRODUCT, code
    )


@VIEWPORTS
def test_buyer_reserves_from_two_vendors_in_spanish(visit, viewport):
    run_journey(visit, viewport, "es")


@VIEWPORTS
def test_buyer_reserves_from_two_vendors_in_english(visit, viewport):
    run_journey(visit, viewport, "en")


def test_the_language_check_finds_spanish_interface_text(browser):
    """The English check must be able to fail: Spanish buttons, labels and attributes are
    found, while text marked as Spanish content is left alone."""
    assert spanish_in("Buy now · Agregar al carrito") != []
    assert spanish_in("Café de altura molido, 1 libra · Add to cart") == []
    page = browser.new_page()
    try:
        page.set_content(
            '<html lang="en"><head><title>Cart</title></head><body>'
            '<p lang="es">Agregar al carrito es lo que dice el vendedor</p>'
            "<button>Add to cart</button>"
            '<input type="search" placeholder="Add a word">'
            "</body></html>"
        )
        assert untranslated_on(page) == []
        page.set_content(
            '<html lang="es"><body><button>Agregar al carrito</button>'
            '<input type="search" placeholder="Buscar productos">'
            '<a href="/" title="Mis pedidos">x</a></body></html>'
        )
        problems = " ".join(untranslated_on(page))
        for text in ('lang="es"', "Agregar al carrito", "Buscar productos", "Mis pedidos"):
            assert text in problems
        assert "Agregar" in page.evaluate(COLLECT_JS)["text"]
    finally:
        page.close()
