"""Steps that several journeys take the way a person does: by the labels and words on screen
(the interface is in Spanish, as most of its users see it)."""

from playwright.sync_api import Page, expect

from marketplace.demo import DEMO_PASSWORD
from tests.e2e.conftest import LAPTOP, PHONE

ORGANISER = "organizadora@demo.hn"
VIEWPORTS = [PHONE, LAPTOP]
VIEWPORT_IDS = ["phone", "laptop"]


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()


def follow_menu(page: Page, name: str) -> None:
    """A link of the top menu, by its words."""
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name=name, exact=True
    ).click()


def flash(page: Page):
    """The confirmation (or error) shown at the top of the page after a form is sent."""
    return page.locator(".flashes")


def fits_the_screen(page: Page) -> bool:
    """Nothing wider than the window: no sideways scrolling."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
