"""Registering without telling anyone which e-mails have an account: one answer for every
accepted form, a confirmation mail for a new address, a warning mail to an existing one."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from marketplace.app import create_app
from marketplace.core.auth.models import User
from marketplace.core.database import db
from marketplace.core.extensions import limiter
from tests import mailbox
from tests.conftest import TEST_DATABASE_URL
from tests.databases import drop_postgres, fresh_postgres
from tests.factories import PASSWORD

NEW_PASSWORD = "buena-clave-1"
CONFIRM = "/register/confirm/"
#: What differs between two identical answers: the moment and the request's own id.
PER_RESPONSE = {"Date", "X-Request-ID", "Set-Cookie"}


@pytest.fixture(autouse=True)
def _empty_mailbox(app):
    mailbox.clear(app)


def register(client, email="rosa@example.hn", password=NEW_PASSWORD, **extra):
    data = {"name": "Rosa Ortiz", "email": email, "password": password, "confirm": password}
    return client.post("/register", data={**data, **extra})


def user(email) -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def confirmation_link(app, email) -> str:
    (subject, body), *_ = mailbox.messages(app, email)
    assert subject == "Confirme su correo en Mercado Retorno"
    return mailbox.link(body, CONFIRM)


def test_new_and_existing_e_mails_get_the_same_answer(app, make):
    make.user(email="ana@example.hn", name="Ana Prueba")
    before = user("ana@example.hn")
    hashed, confirmed = before.password_hash, before.email_confirmed_at

    answers = []
    for email in ("rosa@example.hn", "ana@example.hn"):
        limiter.reset()  # each as the first attempt from its address (the limit's headers)
        answers.append(register(app.test_client(), email))
    new, existing = answers
    assert new.status_code == existing.status_code == 303
    assert new.headers["Location"] == existing.headers["Location"] == "/register/sent"
    same = {k: v for k, v in new.headers.items() if k not in PER_RESPONSE}
    assert same == {k: v for k, v in existing.headers.items() if k not in PER_RESPONSE}
    assert new.get_data() == existing.get_data()

    pages = [app.test_client().get(r.headers["Location"]) for r in answers]
    assert pages[0].get_data() == pages[1].get_data()
    assert "Revise su correo" in pages[0].get_data(as_text=True)

    # Each owner got their own mail; the existing account is exactly as it was.
    assert confirmation_link(app, "rosa@example.hn").startswith(CONFIRM)
    [(subject, body)] = mailbox.messages(app, "ana@example.hn")
    assert subject == "Alguien intentó registrarse en Mercado Retorno con su correo"
    assert "Ya tiene una cuenta" in body
    assert "http://localhost/login" in body
    assert mailbox.link(body, "/password/reset/")
    after = user("ana@example.hn")
    assert (after.password_hash, after.email_confirmed_at, after.name) == (
        hashed,
        confirmed,
        "Ana Prueba",
    )
    assert (
        app.test_client()
        .post("/login", data={"email": "ana@example.hn", "password": PASSWORD})
        .status_code
        == 302
    )


def test_the_password_is_hashed_whichever_the_answer(app, make, monkeypatch):
    """The same work either way, so the time taken does not tell either."""
    from marketplace.core.auth import services

    make.user(email="ana@example.hn")
    hashed = []
    real = services._hasher

    def counting():
        hasher = real()
        hashed.append(hasher)
        return hasher

    monkeypatch.setattr(services, "_hasher", counting)
    register(app.test_client(), "rosa@example.hn")
    new = len(hashed)
    register(app.test_client(), "ana@example.hn")
    assert new == len(hashed) - new == 1


def test_the_confirmation_link_confirms_signs_in_and_continues_to_the_profile(app, client):
    register(client, "  Rosa@Example.HN ")
    account = user("rosa@example.hn")
    assert account.password_hash.startswith("$argon2") and account.email_confirmed_at is None
    assert client.get("/me").status_code == 302  # not signed in yet

    link = confirmation_link(app, "rosa@example.hn")
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirmar mi correo" in page.get_data(as_text=True)
    assert user("rosa@example.hn").email_confirmed_at is None  # opening it alone is not enough

    done = client.post(link)
    assert done.status_code == 303 and done.headers["Location"] == "/me/profile"
    profile = client.get("/me/profile").get_data(as_text=True)
    assert "Complete su perfil" in profile and "Su correo quedó confirmado" in profile
    assert user("rosa@example.hn").email_confirmed_at is not None


def test_an_unconfirmed_account_cannot_sign_in_until_confirmed(app, client, auth):
    register(client)
    refused = auth.login("rosa@example.hn", NEW_PASSWORD)
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert "Primero confirme su correo" in text
    assert 'href="/register/confirm"' in text
    assert client.get("/me").status_code == 302
    # A wrong password says only what it says for any account.
    wrong = auth.login("rosa@example.hn", "otra-clave-mala")
    assert wrong.status_code == 401 and "Primero confirme" not in wrong.get_data(as_text=True)

    client.post(confirmation_link(app, "rosa@example.hn"))
    auth.logout()
    assert auth.login("rosa@example.hn", NEW_PASSWORD).status_code == 302


def test_a_second_tap_on_the_link_is_harmless(app, client):
    register(client)
    link = confirmation_link(app, "rosa@example.hn")
    assert client.post(link).headers["Location"] == "/me/profile"
    # The same phone, tapping again: still signed in, to the dashboard, no error.
    again = client.post(link)
    assert again.status_code == 303 and again.headers["Location"] == "/me"
    assert client.get(link).headers["Location"] == "/me"
    # Another device: the link no longer signs anyone in; it sends them to sign in.
    other = app.test_client()
    late = other.get(link, follow_redirects=True)
    assert late.status_code == 200
    assert "Su correo ya está confirmado. Inicie sesión." in late.get_data(as_text=True)
    assert other.post(link).headers["Location"] == "/login"
    assert other.get("/me").status_code == 302


def test_an_expired_or_forged_link_offers_a_new_one(app, client):
    register(client)
    link = confirmation_link(app, "rosa@example.hn")
    app.config["EMAIL_CONFIRM_MAX_AGE"] = -1
    try:
        expired = client.post(link)
    finally:
        app.config["EMAIL_CONFIRM_MAX_AGE"] = 2 * 24 * 60 * 60
    assert expired.status_code == 400
    text = expired.get_data(as_text=True)
    assert "Este enlace de confirmación venció o no es válido." in text
    assert 'action="/register/confirm"' in text
    assert user("rosa@example.hn").email_confirmed_at is None
    forged = client.post(link[:-3] + "abc")
    assert forged.status_code == 400
    assert client.get("/me").status_code == 302

    # The new link works; the old one, now out of time, only says the e-mail is confirmed.
    mailbox.clear(app)
    assert client.post("/register/confirm", data={"email": "rosa@example.hn"}).status_code == 303
    assert client.post(confirmation_link(app, "rosa@example.hn")).status_code == 303
    assert client.get("/me/profile").status_code == 200


def test_an_expired_link_of_a_confirmed_account_sends_to_sign_in(app, client):
    register(client)
    link = confirmation_link(app, "rosa@example.hn")
    client.post(link)
    client.post("/logout")
    app.config["EMAIL_CONFIRM_MAX_AGE"] = -1
    try:
        late = client.get(link)
    finally:
        app.config["EMAIL_CONFIRM_MAX_AGE"] = 2 * 24 * 60 * 60
    assert late.status_code == 303 and late.headers["Location"] == "/login"


@pytest.mark.parametrize("email", ["espera@example.hn", "ana@example.hn", "nadie@example.hn"])
def test_asking_for_the_confirmation_again_says_the_same_for_every_e_mail(app, client, make, email):
    make.user(email="ana@example.hn")  # confirmed
    register(app.test_client(), "espera@example.hn")
    mailbox.clear(app)
    page = client.get("/register/confirm")
    assert page.status_code == 200 and "Enviar la confirmación de nuevo" in page.get_data(True)

    response = client.post("/register/confirm", data={"email": email.upper()})
    assert response.status_code == 303 and response.headers["Location"] == "/register/sent"
    sent = mailbox.messages(app, email)
    if email == "espera@example.hn":
        assert confirmation_link(app, email)
    else:
        assert sent == []


def test_bad_input_on_the_resend_form_is_explained(client):
    response = client.post("/register/confirm", data={"email": "no-es-un-correo"})
    assert response.status_code == 422
    assert "Esto no parece un correo electrónico." in response.get_data(as_text=True)


def test_a_double_tap_on_register_acts_once(app):
    client = app.test_client()
    first = register(client, submission_key="registro-doble-0001")
    second = register(client, submission_key="registro-doble-0001")
    assert first.headers["Location"] == second.headers["Location"] == "/register/sent"
    # One confirmation, and no "someone tried to register" mail about the first tap.
    [(subject, _body)] = mailbox.messages(app, "rosa@example.hn")
    assert subject == "Confirme su correo en Mercado Retorno"


def test_someone_registering_your_e_mail_first_cannot_keep_the_account(app, auth, client):
    """Whoever registered another person's e-mail chose its password; the real owner, trying
    to register, is mailed a reset link, which confirms the address and replaces the password."""
    register(app.test_client(), password="clave-del-intruso")
    mailbox.clear(app)
    register(client, password="clave-de-rosa-1")
    [(subject, body)] = mailbox.messages(app, "rosa@example.hn")
    assert "Su correo todavía no está confirmado" in body
    reset = mailbox.link(body, "/password/reset/")
    done = client.post(reset, data={"password": "clave-de-rosa-1", "confirm": "clave-de-rosa-1"})
    assert done.status_code == 302
    assert user("rosa@example.hn").email_confirmed_at is not None
    auth.logout()
    assert auth.login("rosa@example.hn", "clave-del-intruso").status_code == 401
    assert auth.login("rosa@example.hn", "clave-de-rosa-1").status_code == 302


def test_accounts_that_staff_or_the_demo_make_sign_in_without_a_confirmation(app, runner, auth):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert auth.login("maria@demo.hn", "demo-mercado-2026").status_code == 302
    auth.logout()
    created = runner.invoke(
        args=["users", "create", "org@example.hn", "--password-stdin"], input="clave-segura-1\n"
    )
    assert created.exit_code == 0
    assert auth.login("org@example.hn", "clave-segura-1").status_code == 302


def test_english_speakers_get_english_mail_and_pages(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(register(client).headers["Location"]).get_data(as_text=True)
    assert "Check your e-mail" in page
    [(subject, _body)] = mailbox.messages(app, "rosa@example.hn")
    assert subject == "Confirm your e-mail for Mercado Retorno"


@pytest.fixture
def empty_database(tmp_path):
    """A database of its own, for running the migrations from the start."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = fresh_postgres(TEST_DATABASE_URL, TEST_DATABASE_URL.rpartition("/")[2] + "_confirm_mig")
    yield url
    drop_postgres(url)


def test_the_migration_confirms_the_accounts_that_already_exist(tmp_path, empty_database):
    other = create_app(
        {
            "APP_ENV": "testing",
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": empty_database,
        }
    )
    with other.app_context():
        upgrade(revision="0003_submissions")
        db.session.execute(
            text(
                "INSERT INTO users (email, name, role, active, session_token, created_at)"
                " VALUES ('vieja@example.hn', 'Cuenta vieja', 'entrepreneur', :yes, 'abc', :at)"
            ),
            {"yes": True, "at": datetime(2026, 1, 5, 10, 0)},
        )
        db.session.commit()
        upgrade()
        account = db.session.scalar(db.select(User))
        assert account.email_confirmed_at == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
        db.session.remove()
        downgrade(revision="0003_submissions")
        assert db.session.execute(text("SELECT email FROM users")).scalar() == "vieja@example.hn"
        db.session.remove()
        db.engine.dispose()
