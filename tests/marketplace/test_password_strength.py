"""New passwords that anyone could guess are refused, with advice, wherever one is chosen."""

import pytest

from marketplace.core.auth.models import User
from marketplace.core.database import db
from tests.factories import PASSWORD

ADVICE = "Esta contraseña es demasiado fácil de adivinar"
# The longest the forms take (a password manager may make one like it).
LONG = ("tortillas con frijoles y mantequilla " * 4)[:128]


def count_users() -> int:
    return db.session.scalar(db.select(db.func.count(User.id)))


def register(client, password, name="Ana Lopez", email="ana.lopez@correo.hn"):
    data = {"name": name, "email": email, "password": password, "confirm": password}
    return client.post("/register", data=data)


@pytest.mark.parametrize(
    "password",
    [
        "password123",  # among the most common passwords anywhere
        "qwertyuiop",  # a keyboard row
        "12345678",
        "mercado2026",  # the site's own name and a year
        "Honduras1",
        "Tegucigalpa2026",
        "analopez1",  # the person's own name
        "ana.lopez@correo.hn",  # the person's own e-mail
    ],
)
def test_registration_refuses_a_guessable_password_and_saves_nothing(client, password):
    response = register(client, password)
    assert response.status_code == 422
    assert ADVICE in response.get_data(as_text=True)
    assert count_users() == 0


@pytest.mark.parametrize(
    "password", ["mi perro come mango", "correct-horse-9", "demo-mercado-2026", LONG]
)
def test_registration_takes_a_passphrase(client, password):
    assert ADVICE not in register(client, password).get_data(as_text=True)
    assert count_users() == 1


def test_the_advice_is_in_english_for_english_readers(client):
    client.post("/language", data={"lang": "en"})
    response = register(client, "password123")
    assert "This password is too easy to guess" in response.get_data(as_text=True)


def test_changing_to_ones_own_email_is_refused(client, auth, make):
    user = make.user(email="rosa.ortiz@example.hn", name="Rosa Ortiz")
    auth.login("rosa.ortiz@example.hn")
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "rosaortiz2026", "confirm": "rosaortiz2026"},
    )
    assert response.status_code == 422
    assert ADVICE in response.get_data(as_text=True)
    password_hash = db.session.get(User, user.id).password_hash
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == password_hash
