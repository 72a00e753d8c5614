"""Two-step sign-in for organisers and administrators: enrolment after the password, codes that
work once, recovery codes, the pending sign-in's time limit, rate limits, and the administrators'
reset. Entrepreneurs are not asked."""

import re
import time

import pytest
from sqlalchemy import select

from marketplace.core.audit import AuditEntry
from marketplace.core.auth import two_factor
from marketplace.core.auth.models import RecoveryCode, TotpCredential, User
from marketplace.core.database import db
from marketplace.core.extensions import limiter
from marketplace.demo import DEMO_TOTP_SECRET
from tests.factories import PASSWORD, TOTP_SECRET
from tests.signin import code_at, sign_in

WRONG = "Ese código no es correcto o ya se usó."
EXPIRED = "Su inicio de sesión venció o no se había empezado."


def password_step(client, email, **form):
    return client.post("/login", data={"email": email, "password": PASSWORD, **form})


def code_now(secret=TOTP_SECRET, offset=0):
    return code_at(secret, two_factor.current_step() + offset)


def send_code(client, code, **kw):
    return client.post("/login/code", data={"code": code}, **kw)


def text(response) -> str:
    return response.get_data(as_text=True)


def actions(action) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- who is asked, and what a password alone gets ------------------------------------------


def test_entrepreneurs_are_signed_in_by_the_password_alone(client, make):
    make.user(email="rosa@example.hn")
    response = password_step(client, "rosa@example.hn")
    assert response.headers["Location"] == "/me"


def test_staff_with_only_the_password_are_not_signed_in(client, make):
    make.organizer(email="org@example.hn")
    response = password_step(client, "org@example.hn")
    assert response.headers["Location"] == "/login/code"
    assert client.get("/admin/").headers["Location"].startswith("/login")
    page = client.get("/login/code")
    assert page.status_code == 200 and "Código de verificación" in text(page)


def test_staff_without_two_factor_cannot_reach_admin_after_the_password(client, make):
    make.organizer(email="org@example.hn", enrolled=False)
    password_step(client, "org@example.hn")
    assert client.get("/admin/").headers["Location"].startswith("/login")
    assert client.get("/admin/fairs").headers["Location"].startswith("/login")
    assert client.get("/login/code").headers["Location"] == "/login/two-factor/setup"


def test_a_staff_session_without_two_factor_is_sent_to_enrol(client, make):
    """A session begun before two-step verification was required (or by any other way in)."""
    user = make.organizer(email="org@example.hn")
    assert sign_in(client, "org@example.hn").headers["Location"] == "/admin/"
    db.session.execute(db.delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.commit()
    response = client.get("/admin/fairs")
    assert response.headers["Location"] == "/login/two-factor/setup"
    assert client.get("/admin/").headers["Location"].startswith("/login")
    assert client.get("/login/two-factor/setup").status_code == 200


# --- enrolment ------------------------------------------------------------------------------


def test_enrolment_with_qr_code_key_and_recovery_codes(client, make):
    user = make.organizer(email="org@example.hn", enrolled=False)
    password_step(client, "org@example.hn", next="/admin/fairs")
    page = client.get("/login/two-factor/setup")
    assert page.status_code == 200
    secret = db.session.get(TotpCredential, user.id).secret
    body = text(page)
    assert "<svg" in body and "Configurar la verificación en dos pasos" in body
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
    # Coming back shows the same key: a QR code already scanned keeps working.
    assert secret in text(client.get("/login/two-factor/setup")).replace(" ", "")

    wrong = client.post("/login/two-factor/setup", data={"code": "000000"})
    assert wrong.status_code == 422 and "Ese código no es correcto." in text(wrong)
    assert client.get("/admin/").status_code == 302

    done = client.post("/login/two-factor/setup", data={"code": code_now(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", text(done))
    assert len(set(codes)) == 10
    assert "Solo se muestran ahora." in text(done) and 'href="/admin/fairs"' in text(done)
    assert client.get("/admin/").status_code == 200
    # Stored hashed: no code is in the database as typed.
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & stored
    assert db.session.get(TotpCredential, user.id).confirmed_at is not None
    assert [e.target_id for e in actions("user.two_factor_enrolled")] == [user.id]


def test_the_enrolment_code_cannot_sign_in_again(client, make):
    user = make.organizer(email="org@example.hn", enrolled=False)
    password_step(client, "org@example.hn")
    client.get("/login/two-factor/setup")
    code = code_now(db.session.get(TotpCredential, user.id).secret)
    assert client.post("/login/two-factor/setup", data={"code": code}).status_code == 200
    client.post("/logout")
    password_step(client, "org@example.hn")
    response = send_code(client, code)
    assert response.status_code == 401 and WRONG in text(response)


def test_enrolled_staff_are_not_offered_a_new_key(client, make):
    make.organizer(email="org@example.hn")
    password_step(client, "org@example.hn")
    assert client.get("/login/two-factor/setup").headers["Location"] == "/login/code"


# --- the code at sign-in --------------------------------------------------------------------


def test_a_correct_code_signs_in_and_keeps_next_and_remember(client, make):
    make.admin(email="admin@example.hn")
    password_step(client, "admin@example.hn", next="/admin/users", remember="y")
    assert client.get_cookie("remember_token") is None
    response = send_code(client, code_now())
    assert response.headers["Location"] == "/admin/users"
    assert client.get_cookie("remember_token") is not None
    assert client.get("/admin/users").status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(client, make):
    make.organizer(email="org@example.hn")
    password_step(client, "org@example.hn")
    response = send_code(client, code_now(offset=5))
    assert response.status_code == 401 and WRONG in text(response)
    assert client.get("/admin/").status_code == 302
    english = send_code(client, "123456", headers={"Accept-Language": "en"})
    assert "That code is not correct or was already used." in text(english)


def test_a_code_works_once(app, make):
    make.organizer(email="org@example.hn")
    first, second = app.test_client(), app.test_client()
    password_step(first, "org@example.hn")
    password_step(second, "org@example.hn")
    code = code_now()
    assert send_code(first, code).headers["Location"] == "/admin/"
    replay = send_code(second, code)
    assert replay.status_code == 401 and WRONG in text(replay)
    assert second.get("/admin/").status_code == 302
    # An older code is no good either once a later one was accepted.
    assert send_code(second, code_now(offset=-1)).status_code == 401
    assert send_code(second, code_now(offset=1)).headers["Location"] == "/admin/"


def test_a_phone_clock_one_step_off_is_accepted_two_is_not(make):
    user = make.organizer(email="org@example.hn")
    now = time.time()
    step = two_factor.current_step(now)
    assert not two_factor.accept_code(user, code_at(TOTP_SECRET, step - 2), now)
    assert two_factor.accept_code(user, code_at(TOTP_SECRET, step - 1), now)
    assert two_factor.accept_code(user, code_at(TOTP_SECRET, step + 1), now)
    assert not two_factor.accept_code(user, code_at(TOTP_SECRET, step + 2), now)


def test_tests_can_sign_the_same_staff_in_three_times_in_half_a_minute(app, make):
    make.organizer(email="org@example.hn")
    for _ in range(3):
        client = app.test_client()
        assert sign_in(client, "org@example.hn").headers["Location"] == "/admin/"


def test_a_recovery_code_works_once(client, make):
    user = make.organizer(email="org@example.hn")
    codes = two_factor.replace_recovery_codes(user)
    db.session.commit()
    password_step(client, "org@example.hn")
    # Typed in capitals, with spaces instead of dashes: still the code.
    typed = codes[0].upper().replace("-", " ")
    assert send_code(client, typed).headers["Location"] == "/admin/"
    assert [e.target_id for e in actions("user.recovery_code_used")] == [user.id]
    client.post("/logout")
    password_step(client, "org@example.hn")
    again = send_code(client, codes[0])
    assert again.status_code == 401 and WRONG in text(again)
    assert send_code(client, codes[1]).headers["Location"] == "/admin/"
    page = client.get("/account/two-factor")
    assert "Le quedan 8 códigos de recuperación sin usar." in text(page)


def test_the_pending_sign_in_expires(app, client, make):
    make.organizer(email="org@example.hn")
    password_step(client, "org@example.hn")
    max_age = app.config["TWO_FACTOR_PENDING_SECONDS"]
    with client.session_transaction() as s:
        pending = s["two_factor_pending"]
        s["two_factor_pending"] = {**pending, "started": pending["started"] - max_age - 1}
    response = send_code(client, code_now(), follow_redirects=True)
    assert response.request.path == "/login" and EXPIRED in text(response)
    assert client.get("/admin/").status_code == 302
    with client.session_transaction() as s:
        assert "two_factor_pending" not in s


def test_a_password_change_elsewhere_voids_the_pending_sign_in(client, make):
    from marketplace.core.auth import services

    user = make.organizer(email="org@example.hn")
    password_step(client, "org@example.hn")
    services.set_password(user, "otra-clave-99")
    db.session.commit()
    response = send_code(client, code_now(), follow_redirects=True)
    assert EXPIRED in text(response) and client.get("/admin/").status_code == 302


def test_cancel_forgets_the_pending_sign_in(client, make):
    make.organizer(email="org@example.hn")
    password_step(client, "org@example.hn")
    assert client.post("/login/cancel").headers["Location"] == "/login"
    assert client.get("/login/code").headers["Location"] == "/login"


def test_a_password_reset_still_asks_for_the_code(app, client, make):
    from marketplace.core.auth import services

    user = make.organizer(email="org@example.hn")
    link = f"/password/reset/{services.make_reset_token(user)}"
    done = client.post(link, data={"password": "otra-clave-77", "confirm": "otra-clave-77"})
    assert done.headers["Location"] == "/login/code"
    assert client.get("/admin/").status_code == 302
    assert send_code(client, code_now()).headers["Location"] == "/admin/"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Escriba el código."),
        ("abcdef", "Escriba el código de 6 dígitos"),
        ("12 34 5", "Escriba el código de 6 dígitos"),
        ("١٢٣٤٥٦", "Escriba el código de 6 dígitos"),  # Arabic-Indic digits
        ("1" * 33, "Es demasiado largo para un código."),
        ("1234567", "Escriba el código de 6 dígitos"),
        ("12\x003456", "caracteres"),
    ],
)
def test_bad_codes_get_a_clear_message_and_change_nothing(client, make, code, message):
    user = make.organizer(email="org@example.hn")
    password_step(client, "org@example.hn")
    response = send_code(client, code)
    assert response.status_code == 422 and message in text(response)
    assert db.session.get(TotpCredential, user.id).last_step is None
    assert send_code(client, code_now()).headers["Location"] == "/admin/"


def test_a_code_without_a_pending_sign_in_is_a_message(client, make):
    make.organizer(email="org@example.hn")
    for url in ("/login/code", "/login/two-factor/setup"):
        response = client.post(url, data={"code": code_now()}, follow_redirects=True)
        assert response.status_code == 200 and EXPIRED in text(response)
    with client.session_transaction() as s:
        s["two_factor_pending"] = {"uid": "1; DROP TABLE users", "started": "ayer"}
    response = send_code(client, code_now(), follow_redirects=True)
    assert response.status_code == 200 and EXPIRED in text(response)


def test_a_bad_enrolment_code_is_a_message(client, make):
    make.organizer(email="org@example.hn", enrolled=False)
    password_step(client, "org@example.hn")
    response = client.post("/login/two-factor/setup", data={"code": "doce"})
    assert response.status_code == 422
    assert "Escriba los 6 dígitos que muestra ahora su aplicación" in text(response)


# --- rate limits ----------------------------------------------------------------------------


@pytest.fixture
def tight_limits(app):
    limiter.reset()
    app.config["TWO_FACTOR_RATE_LIMIT"] = "3 per minute"
    app.config["TWO_FACTOR_ADDRESS_RATE_LIMIT"] = "5 per minute"
    yield
    app.config["TWO_FACTOR_RATE_LIMIT"] = "100000 per minute"
    app.config["TWO_FACTOR_ADDRESS_RATE_LIMIT"] = "100000 per minute"
    limiter.reset()


def test_codes_are_rate_limited_per_account(app, make, tight_limits):
    make.organizer(email="org@example.hn")
    client = app.test_client()
    password_step(client, "org@example.hn")
    statuses = [send_code(client, "000000").status_code for _ in range(3)]
    blocked = send_code(client, code_now())
    assert statuses == [401, 401, 401] and blocked.status_code == 429
    assert "Demasiados intentos" in text(blocked)
    # Another browser (another address) trying the same account is counted with it.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    password_step(other, "org@example.hn")
    assert send_code(other, code_now()).status_code == 429


def test_codes_are_rate_limited_per_address(app, make, tight_limits):
    for n in range(3):
        make.organizer(email=f"org{n}@example.hn")
    statuses = []
    for n in range(3):
        client = app.test_client()
        password_step(client, f"org{n}@example.hn")
        statuses += [send_code(client, "000000").status_code for _ in range(2)]
    assert statuses == [401] * 5 + [429]


# --- the account page -----------------------------------------------------------------------


def test_new_recovery_codes_need_a_current_code(client, auth, make):
    user = make.organizer(email="org@example.hn")
    old = two_factor.replace_recovery_codes(user)
    db.session.commit()
    auth.login("org@example.hn")
    page = client.get("/account/two-factor")
    assert page.status_code == 200 and "Le quedan 10 códigos" in text(page)
    assert "/account/two-factor" in text(client.get("/account/password"))
    wrong = client.post("/account/two-factor/recovery-codes", data={"code": "000000"})
    assert wrong.status_code == 401 and WRONG in text(wrong)
    bad = client.post("/account/two-factor/recovery-codes", data={"code": "x"})
    assert bad.status_code == 422
    assert two_factor.recovery_codes_left(user) == 10
    made = client.post("/account/two-factor/recovery-codes", data={"code": code_now(offset=1)})
    new = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", text(made))
    assert made.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert not two_factor.use_recovery_code(user, two_factor.normalise_code(old[0]))
    assert two_factor.use_recovery_code(user, two_factor.normalise_code(new[0]))


def test_entrepreneurs_have_no_two_factor_page(client, auth, make):
    make.user(email="rosa@example.hn")
    auth.login("rosa@example.hn")
    assert client.get("/account/two-factor").status_code == 403
    assert "/account/two-factor" not in text(client.get("/account/password"))


# --- administrators' reset ------------------------------------------------------------------


def test_an_admin_resets_a_colleague_who_enrols_again(app, client, auth, make):
    admin = make.admin(email="admin@example.hn")
    org = make.organizer(email="org@example.hn")
    two_factor.replace_recovery_codes(org)
    db.session.commit()
    colleague = app.test_client()
    sign_in(colleague, "org@example.hn")
    auth.login("admin@example.hn")
    listing = text(client.get("/admin/users"))
    assert f"/admin/users/{org.id}/two-factor/reset" in listing
    assert f"/admin/users/{admin.id}/two-factor/reset" not in listing

    response = client.post(
        f"/admin/users/{org.id}/two-factor/reset",
        headers={"Referer": "http://localhost/admin/users"},
    )
    assert response.status_code == 303
    page = text(client.get("/admin/users"))
    assert "Se restableció la verificación en dos pasos de org@example.hn." in page
    [entry] = actions("user.two_factor_reset")
    assert (entry.actor_id, entry.target_id) == (admin.id, org.id)
    assert db.session.get(TotpCredential, org.id) is None
    assert two_factor.recovery_codes_left(org) == 0
    # Signed out everywhere; the next sign-in goes to enrolment.
    assert colleague.get("/admin/").status_code == 302
    assert password_step(colleague, "org@example.hn").headers["Location"] == "/login/code"
    assert colleague.get("/login/code").headers["Location"] == "/login/two-factor/setup"
    # Sent again (a double click): a message, nothing more.
    again = client.post(
        f"/admin/users/{org.id}/two-factor/reset",
        headers={"Referer": "http://localhost/admin/users"},
    )
    assert again.status_code == 303
    assert "no tiene configurada la verificación en dos pasos" in text(client.get("/admin/users"))
    assert len(actions("user.two_factor_reset")) == 1


def test_an_admin_cannot_reset_their_own(client, auth, make):
    admin = make.admin(email="admin@example.hn")
    auth.login("admin@example.hn")
    response = client.post(f"/admin/users/{admin.id}/two-factor/reset")
    assert response.status_code == 403
    assert "No puede restablecer su propia verificación en dos pasos." in text(response)
    assert two_factor.is_enrolled(admin) and not actions("user.two_factor_reset")


def test_organisers_cannot_reset_anyone(client, auth, make):
    org = make.organizer(email="org@example.hn")
    other = make.organizer(email="otra@example.hn")
    auth.login("org@example.hn")
    for target in (org, other):
        assert client.post(f"/admin/users/{target.id}/two-factor/reset").status_code == 403
    assert two_factor.is_enrolled(other) and not actions("user.two_factor_reset")


def test_reset_of_a_missing_or_non_staff_account_is_a_message(client, auth, make):
    make.admin(email="admin@example.hn")
    rosa = make.user(email="rosa@example.hn")
    auth.login("admin@example.hn")
    assert client.post("/admin/users/999999/two-factor/reset").status_code == 404
    assert client.post("/admin/users/abc/two-factor/reset").status_code == 404
    response = client.post(f"/admin/users/{rosa.id}/two-factor/reset")
    assert response.status_code == 409
    assert "Solo las cuentas de organización y de administración" in text(response)


# --- demo -----------------------------------------------------------------------------------


def test_the_demo_staff_have_the_published_authenticator_key(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert two_factor.grouped(DEMO_TOTP_SECRET) in result.output
    for email in ("admin@demo.hn", "organizadora@demo.hn"):
        user = db.session.scalar(select(User).where(User.email == email))
        assert db.session.get(TotpCredential, user.id).secret == DEMO_TOTP_SECRET
        assert two_factor.is_enrolled(user)
    maria = db.session.scalar(select(User).where(User.email == "maria@demo.hn"))
    assert db.session.get(TotpCredential, maria.id) is None


def test_demo_data_is_not_loaded_in_production(app, runner):
    app.config["APP_ENV"] = "production"
    try:
        result = runner.invoke(args=["demo", "load"])
    finally:
        app.config["APP_ENV"] = "testing"
    assert result.exit_code != 0 and "not loaded in production" in result.output
    assert db.session.scalar(select(db.func.count(User.id))) == 0
