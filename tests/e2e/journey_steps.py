"""Steps that several journeys take the way a person does: by the labels and words on screen
(the interface is in Spanish, as most of its users see it)."""

import time

from playwright.sync_api import Page, expect

from marketplace.core.auth import two_factor
from marketplace.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.e2e.conftest import LAPTOP, PHONE
from tests.signin import code_at

ORGANISER = "organizadora@demo.hn"
VIEWPORTS = [PHONE, LAPTOP]
VIEWPORT_IDS = ["phone", "laptop"]


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Iniciar sesión").click()
    signed_in = page.get_by_role("button", name="Cerrar sesión")
    code = page.get_by_label("Código de verificación")
    expect(signed_in.or_(code)).to_be_visible()
    if code.is_visible():  # staff: the code from the authenticator app
        code.fill(demo_code(email))
        page.get_by_role("button", name="Verificar e iniciar sesión").click()
    expect(signed_in).to_be_visible()


#: The last time step whose code each demo account used on the live server (it takes each once).
_used_steps: dict[str, int] = {}


def demo_code(email: str) -> str:
    """A code of the demo authenticator key that this account has not used yet: this step's or
    the next one's, else wait for the clock to move on."""
    while True:
        now = two_factor.current_step()
        for step in (now, now + 1):
            if step > _used_steps.get(email, -1):
                _used_steps[email] = step
                return code_at(DEMO_TOTP_SECRET, step)
        time.sleep(two_factor.STEP_SECONDS - time.time() % two_factor.STEP_SECONDS + 0.1)


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
