"""Staff sign-in with two-step verification in a real browser: the demo organiser types the code
from the authenticator app (a wrong one first); a new organiser sets up the app from the QR
code's key and is shown the recovery codes. Accessible at a phone's and a laptop's width."""

import pytest
from playwright.sync_api import expect

from marketplace.core.auth import services, two_factor
from marketplace.core.auth.models import Role
from marketplace.core.database import db
from marketplace.demo import DEMO_PASSWORD
from tests.e2e.journey_steps import ORGANISER, VIEWPORT_IDS, VIEWPORTS, demo_code
from tests.signin import code_at


def password_step(page, email, password=DEMO_PASSWORD):
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Iniciar sesión").click()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_the_demo_organiser_signs_in_with_a_code(visit, viewport):
    v = visit("two-factor/sign-in", viewport)
    page = v.page
    password_step(page, ORGANISER)
    expect(page.get_by_role("heading", name="Código de verificación")).to_be_visible()
    v.check("second-step")
    page.get_by_label("Código de verificación").fill("000000")
    page.get_by_role("button", name="Verificar e iniciar sesión").click()
    expect(page.get_by_text("Ese código no es correcto o ya se usó.")).to_be_visible()
    v.check("wrong-code")
    page.get_by_label("Código de verificación").fill(demo_code(ORGANISER))
    page.get_by_role("button", name="Verificar e iniciar sesión").click()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    expect(page.get_by_role("heading", name="Panel de organización")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_new_organiser_sets_up_the_app(visit, live_app, viewport, request):
    email = f"nueva.{request.node.callspec.id}@example.hn"
    with live_app.app_context():
        services.create_user(email, DEMO_PASSWORD, Role.ORGANIZER, "Nueva Organizadora")
        db.session.commit()
        db.session.remove()
    v = visit("two-factor/enrol", viewport)
    page = v.page
    password_step(page, email)
    expect(
        page.get_by_role("heading", name="Configurar la verificación en dos pasos")
    ).to_be_visible()
    expect(page.locator(".totp-qr svg")).to_be_visible()
    v.check("setup")
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.get_by_label("Código de la aplicación").fill(code_at(key, two_factor.current_step()))
    page.get_by_role("button", name="Activar la verificación en dos pasos").click()
    expect(page.get_by_role("heading", name="Sus códigos de recuperación")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    v.check("recovery-codes")
    page.get_by_role("link", name="Ya los guardé, continuar").click()
    expect(page.get_by_role("heading", name="Panel de organización")).to_be_visible()
