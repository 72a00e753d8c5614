"""Accounts: registering, signing in and out, passwords, and the bad input around them."""

import email
import email.policy
import re
from pathlib import Path

import pytest

from marketplace.core.auth.models import Role, User
from marketplace.core.database import db
from tests import mailbox
from tests.factories import PASSWORD
from tests.signin import sign_in


def count_users() -> int:
    return db.session.scalar(db.select(db.func.count(User.id)))


def register(client, follow_redirects=False, **overrides):
    data = {
        "name": "Rosa Ortiz",
        "email": "rosa@example.hn",
        "password": "buena-clave-1",
        "confirm": "buena-clave-1",
    }
    data.update(overrides)
    return client.post("/register", data=data, follow_redirects=follow_redirects)


def test_registering_creates_an_entrepreneur_who_signs_in_from_the_mail(app, client):
    mailbox.clear(app)
    response = register(client, email="  Rosa@Example.HN ")
    assert response.status_code == 303
    user = db.session.scalar(db.select(User))
    assert user.email == "rosa@example.hn"
    assert user.role == Role.ENTREPRENEUR.value
    assert user.password_hash.startswith("$argon2")
    assert client.post(_confirm_link(app, "rosa@example.hn")).status_code == 303
    page = client.get("/me")
    assert page.status_code == 200
    assert "Rosa Ortiz" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "", "Escriba su correo electrónico."),
        ("email", "no-es-un-correo", "Esto no parece un correo electrónico."),
        ("email", "a" * 250 + "@x.hn", "como máximo 254 caracteres"),
        ("name", "", "Escriba su nombre."),
        ("name", "n" * 121, "como máximo 120 caracteres"),
        ("password", "corta", "entre 8 y 128 caracteres"),
        ("password", "x" * 129, "entre 8 y 128 caracteres"),
        ("confirm", "otra-clave-2", "Las dos contraseñas no coinciden."),
    ],
)
def test_bad_registration_explains_in_spanish_and_saves_nothing(client, field, value, message):
    response = register(client, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_users() == 0


def test_a_registered_email_creates_nothing_whatever_its_case_and_says_so_only_by_mail(
    app, client, make
):
    make.user(email="rosa@example.hn")
    response = register(client, email="ROSA@example.hn", follow_redirects=True)
    assert response.status_code == 200
    assert "Ya existe una cuenta con este correo." not in response.get_data(as_text=True)
    assert "Ya tiene una cuenta" in _last_mail(app)
    assert count_users() == 1


def test_english_speakers_get_english_messages(client):
    response = (
        register(client, email="", headers=None)
        if False
        else client.post(
            "/register", data={"email": ""}, headers={"Accept-Language": "en-US,en;q=0.9"}
        )
    )
    assert "Please enter your e-mail address." in response.get_data(as_text=True)


def test_login_and_logout(client, auth, make):
    make.user(email="ana@example.hn")
    response = auth.login("ANA@example.hn")
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    assert client.get("/me").status_code == 200
    auth.logout()
    assert client.get("/me").status_code == 302


@pytest.mark.parametrize("email", ["ana@example.hn", "nadie@example.hn"])
def test_wrong_login_says_the_same_whether_or_not_the_account_exists(auth, make, email):
    make.user(email="ana@example.hn")
    response = auth.login(email, "clave-equivocada")
    assert response.status_code == 401
    assert "El correo o la contraseña no son correctos." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/admin/users", "/admin/users"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/", "/admin/"),
        ("/\\evil.example", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
    ],
)
def test_next_only_redirects_within_the_site(client, make, next_url, expected):
    make.admin(email="admin@example.hn")
    response = sign_in(client, "admin@example.hn", next=next_url)
    assert response.headers["Location"] == expected


def test_remember_me_sets_a_lasting_cookie(client, make):
    make.user(email="ana@example.hn")
    client.post("/login", data={"email": "ana@example.hn", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_session_is_renewed_at_login(client, make):
    make.user(email="ana@example.hn")
    with client.session_transaction() as s:
        s["planted"] = "by-someone-else"
    client.post("/login", data={"email": "ana@example.hn", "password": PASSWORD})
    with client.session_transaction() as s:
        assert "planted" not in s


def test_change_password(client, auth, make):
    user = make.user(email="ana@example.hn")
    auth.login("ana@example.hn")
    wrong = client.post(
        "/account/password",
        data={"current": "no-es-esta", "password": "nueva-clave-9", "confirm": "nueva-clave-9"},
    )
    assert wrong.status_code == 422
    assert "La contraseña actual no es correcta." in wrong.get_data(as_text=True)
    ok = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "nueva-clave-9", "confirm": "nueva-clave-9"},
    )
    assert ok.status_code == 302
    auth.logout()
    assert auth.login("ana@example.hn", PASSWORD).status_code == 401
    assert auth.login("ana@example.hn", "nueva-clave-9").status_code == 302
    assert db.session.get(User, user.id) is not None


def _last_mail(app) -> str:
    """The body of the newest message the mail backend wrote."""
    mails = sorted(
        Path(app.instance_path, "mail").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns
    )
    if not mails:
        return ""
    message = email.message_from_bytes(mails[-1].read_bytes(), policy=email.policy.default)
    return message.get_content()


def _confirm_link(app, address) -> str:
    [(_subject, body)] = mailbox.messages(app, address)
    return mailbox.link(body, "/register/confirm/")


def _reset_link(app) -> str:
    return re.search(r"http://localhost(/password/reset/\S+)", _last_mail(app)).group(1)


def test_password_reset_by_single_use_link(app, client, auth, make):
    make.user(email="ana@example.hn")
    response = client.post("/password/reset", data={"email": "Ana@example.hn"})
    assert response.status_code == 302
    link = _reset_link(app)
    form = client.get(link)
    assert form.status_code == 200
    done = client.post(link, data={"password": "otra-clave-77", "confirm": "otra-clave-77"})
    assert done.status_code == 302
    auth.logout()
    assert auth.login("ana@example.hn", "otra-clave-77").status_code == 302
    auth.logout()
    reused = client.post(link, data={"password": "tercera-clave", "confirm": "tercera-clave"})
    assert reused.status_code == 400
    assert "Este enlace venció o ya se usó." in reused.get_data(as_text=True)
    assert auth.login("ana@example.hn", "tercera-clave").status_code == 401


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(app, client):
    before = _last_mail(app)
    response = client.post(
        "/password/reset", data={"email": "nadie@example.hn"}, follow_redirects=True
    )
    assert "Si existe una cuenta con ese correo" in response.get_data(as_text=True)
    assert _last_mail(app) == before


def test_expired_and_forged_reset_links_are_refused(app, client, make):
    user = make.user(email="ana@example.hn")
    from marketplace.core.auth.services import make_reset_token

    token = make_reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        expired = client.post(
            f"/password/reset/{token}",
            data={"password": "otra-clave-77", "confirm": "otra-clave-77"},
        )
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert expired.status_code == 400
    forged = client.get("/password/reset/" + token[:-3] + "abc")
    assert forged.status_code == 400
    assert (
        client.post(
            "/login", data={"email": "ana@example.hn", "password": "otra-clave-77"}
        ).status_code
        == 401
    )


def test_wrong_role_gets_a_friendly_403(client, auth, make):
    make.user(email="ana@example.hn")
    auth.login("ana@example.hn")
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Usted no tiene permiso para ver esta página." in response.get_data(as_text=True)


def test_navigation_follows_the_role(client, auth, make):
    make.organizer(email="org@example.hn")
    auth.login("org@example.hn")
    page = client.get("/").get_data(as_text=True)
    assert "Panel de organización" in page and "Mi negocio" not in page
    assert "Cuentas" not in page  # only admins manage accounts


def test_admin_creates_an_organiser_who_sets_their_own_password(app, client, auth, make):
    make.admin(email="admin@example.hn")
    auth.login("admin@example.hn")
    response = client.post(
        "/admin/users",
        data={"name": "Carlos Díaz", "email": "carlos@sre.gob.hn", "role": "organizer"},
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "carlos@sre.gob.hn"))
    assert user.role == "organizer" and user.password_hash is None
    auth.logout()
    link = _reset_link(app)
    client.post(link, data={"password": "clave-carlos-1", "confirm": "clave-carlos-1"})
    auth.logout()
    assert auth.login("carlos@sre.gob.hn", "clave-carlos-1").status_code == 302


def test_organisers_cannot_create_accounts(client, auth, make):
    make.organizer(email="org@example.hn")
    auth.login("org@example.hn")
    response = client.post(
        "/admin/users", data={"name": "X", "email": "x@example.hn", "role": "admin"}
    )
    assert response.status_code == 403
    assert count_users() == 1
