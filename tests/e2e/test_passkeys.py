"""Journey: an entrepreneur on her phone creates a passkey and then signs in with it alone.

Chromium's virtual authenticator (DevTools' WebAuthn domain) plays the phone's screen lock: a
platform authenticator that keeps discoverable credentials and verifies the person. WebAuthn
needs a secure context and a domain for the RP ID (an IP address is refused), so this browser
opens the live server as http://localhost:<port>, which counts as secure; the server derives the
RP ID "localhost" from that host.
"""

from playwright.sync_api import expect

from marketplace.core.auth import services
from marketplace.core.auth.models import Role, User
from marketplace.core.auth.passkeys.models import Passkey
from marketplace.core.database import db
from tests.e2e.conftest import PHONE, Visit
from tests.e2e.journey_steps import flash, sign_in

EMAIL = "lucia.passkey@example.hn"
PASSWORD = "cafe-de-marcala-7"


def test_an_entrepreneur_signs_in_with_her_phones_screen_lock(
    browser, live_server, live_app, request
):
    with live_app.app_context():
        services.create_user(EMAIL, PASSWORD, Role.ENTREPRENEUR, "Lucía Pérez")
        db.session.commit()
    lucia = Visit(browser, live_server.replace("127.0.0.1", "localhost"), "passkeys", PHONE)
    request.addfinalizer(lucia.close)
    page = lucia.page
    cdp = lucia.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    sign_in(page, EMAIL, PASSWORD)
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Mi cuenta").click()
    page.get_by_role("link", name="Llaves de acceso").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Llaves de acceso")
    expect(page.get_by_text("Todavía no tiene llaves de acceso.")).to_be_visible()
    # The script found WebAuthn: the form shows, the note for other browsers does not.
    expect(page.get_by_text("Este navegador no puede crear llaves de acceso")).to_be_hidden()
    lucia.check("passkeys-empty")
    expect(page.get_by_label("Nombre de la llave de acceso")).to_have_value("Mi teléfono")
    page.get_by_role("button", name="Crear una llave de acceso").click()
    expect(flash(page)).to_contain_text("Su llave de acceso «Mi teléfono» está lista.")
    expect(page.get_by_role("heading", level=3, name="Mi teléfono")).to_be_visible()
    lucia.check("passkeys-one")
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert [c["isResidentCredential"] for c in stored["credentials"]] == [True]

    page.get_by_role("button", name="Cerrar sesión").click()
    expect(flash(page)).to_contain_text("Usted cerró sesión.")

    page.goto("/login")
    lucia.check("login-with-passkey")
    page.get_by_role("button", name="Entrar con una llave de acceso").click()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    assert "/me" in page.url  # her dashboard (or her profile form, which it sends her to)
    with live_app.app_context():
        passkey = db.session.scalar(
            db.select(Passkey).join(Passkey.user).where(User.email == EMAIL)
        )
        assert passkey.last_used_at is not None
