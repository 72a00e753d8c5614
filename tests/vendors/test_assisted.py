"""Registering someone at a ministry desk, and that person claiming the account with a code."""

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db
from tests.vendors.conftest import profile_data
from vendors.profiles.assisted import new_claim_code
from vendors.profiles.models import VendorProfile, VendorStatus


@pytest.fixture
def organizer(auth, make):
    user = make.organizer(email="lucia@example.hn", name="Lucía Mejía")
    auth.login("lucia@example.hn")
    return user


def register_at_desk(client, **overrides):
    data = profile_data(
        name="Rosa Ortiz", email="rosa@example.hn", consent="y", answers_consent="y"
    )
    data.update(overrides)
    return client.post("/admin/vendors/new", data={k: v for k, v in data.items() if v is not None})


def shown_code(page: str) -> str:
    return re.search(r'class="claim-code"><strong>([A-Z0-9]{4}-[A-Z0-9]{4})<', page).group(1)


def register_and_get_code(client, **overrides) -> str:
    response = register_at_desk(client, **overrides)
    return shown_code(client.get(response.headers["Location"]).get_data(as_text=True))


def claim(client, identifier, code):
    return client.post("/claim", data={"identifier": identifier, "code": code})


def choose_password(client, password="mi-clave-nueva-1"):
    return client.post("/claim/password", data={"password": password, "confirm": password})


def test_an_organiser_registers_someone_who_consented(client, organizer):
    response = register_at_desk(client)
    assert response.status_code == 302
    vendor = db.session.scalar(db.select(VendorProfile))
    assert vendor.assisted_by_id == organizer.id
    assert vendor.consent_at is not None
    assert vendor.status == VendorStatus.PENDING.value
    assert vendor.user.name == "Rosa Ortiz"
    assert vendor.user.password_hash is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    code = shown_code(page)
    # Only a keyed hash is stored, and the page offers the message to copy and a wa.me link.
    assert code.replace("-", "") not in (vendor.claim_code_hash or "")
    assert len(vendor.claim_code_hash) == 64
    assert "https://wa.me/50433124455?text=" in page
    assert "/claim" in page and code in page
    # The code is shown once; coming back offers a new one instead.
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert code not in again and "Generar un código nuevo" in again


def test_without_consent_nothing_is_created(client, organizer):
    response = register_at_desk(client, consent=None)
    assert response.status_code == 422
    assert "Solo podemos registrar a alguien que haya dado su consentimiento." in (
        response.get_data(as_text=True)
    )
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_an_e_mail_already_registered_is_refused(client, make, organizer):
    make.user(email="rosa@example.hn")
    response = register_at_desk(client)
    assert response.status_code == 422
    assert "Ya existe una cuenta con este correo." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(VendorProfile.id))) == 0


def test_the_code_can_be_sent_by_e_mail(client, organizer, mailbox):
    code = register_and_get_code(client, send_email="y")
    [(subject, body)] = mailbox("rosa@example.hn")
    assert subject == "Su cuenta de Mercado Retorno está lista"
    assert code in body and "http://localhost/claim" in body


@pytest.mark.parametrize("identifier", ["rosa@example.hn", " ROSA@example.hn", "3312-4455"])
def test_the_owner_claims_the_account_and_chooses_a_password(client, auth, organizer, identifier):
    code = register_and_get_code(client)
    auth.logout()
    response = claim(client, identifier, code.lower().replace("-", " "))
    assert response.headers["Location"] == "/claim/password"
    assert "Esta es la cuenta de Café Doña Rosa" in client.get("/claim/password").get_data(
        as_text=True
    )
    response = choose_password(client)
    assert response.headers["Location"] == "/me"
    assert client.get("/me").status_code == 200
    vendor = db.session.scalar(db.select(VendorProfile))
    assert vendor.claim_code_hash is None
    auth.logout()
    assert auth.login("rosa@example.hn", "mi-clave-nueva-1").headers["Location"] == "/me"


def test_a_used_code_does_not_work_again(client, auth, organizer):
    code = register_and_get_code(client)
    auth.logout()
    claim(client, "rosa@example.hn", code)
    choose_password(client)
    auth.logout()
    response = claim(client, "rosa@example.hn", code)
    assert response.status_code == 422
    assert "el código ya fue usado" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("rosa@example.hn", "AAAA-AAAA"),
        ("otra@example.hn", None),
        ("9999-0000", None),
        ("no es un teléfono", None),
    ],
)
def test_a_wrong_code_or_contact_is_refused(client, auth, organizer, identifier, code):
    real = register_and_get_code(client)
    auth.logout()
    response = claim(client, identifier, code or real)
    assert response.status_code == 422
    assert "El código o el correo/teléfono no son correctos" in response.get_data(as_text=True)
    assert client.get("/claim/password").headers["Location"] == "/claim"


def test_an_expired_code_is_refused(client, auth, organizer):
    code = register_and_get_code(client)
    vendor = db.session.scalar(db.select(VendorProfile))
    vendor.claim_code_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.logout()
    response = claim(client, "rosa@example.hn", code)
    assert response.status_code == 422
    assert "Este código ya venció." in response.get_data(as_text=True)


def test_a_new_code_replaces_the_old_one(client, auth, organizer):
    old = register_and_get_code(client)
    vendor = db.session.scalar(db.select(VendorProfile))
    response = client.post(f"/admin/vendors/{vendor.id}/claim-code")
    new = shown_code(client.get(response.headers["Location"]).get_data(as_text=True))
    auth.logout()
    assert claim(client, "rosa@example.hn", old).status_code == 422
    assert claim(client, "rosa@example.hn", new).status_code == 302


def test_a_code_made_after_step_one_sends_the_person_back(client, auth, organizer):
    old = register_and_get_code(client)
    vendor = db.session.scalar(db.select(VendorProfile))
    auth.logout()
    claim(client, "rosa@example.hn", old)
    # Meanwhile, at the desk, the organiser makes a new code.
    new_claim_code(vendor, organizer)
    db.session.commit()
    response = choose_password(client)
    assert response.headers["Location"] == "/claim"
    db.session.refresh(vendor.user)
    assert vendor.user.password_hash is None


def test_no_code_for_an_account_its_owner_already_uses(client, make, organizer):
    vendor = make.vendor()
    detail = f"http://localhost/admin/vendors/{vendor.id}"
    response = client.post(f"/admin/vendors/{vendor.id}/claim-code", headers={"Referer": detail})
    assert response.status_code == 303
    assert response.headers["Location"] == detail
    page = client.get(detail).get_data(as_text=True)
    assert "Esta cuenta ya tiene contraseña" in page
    db.session.refresh(vendor)
    assert vendor.claim_code_hash is None


# The suite's app runs without rate limits (Flask-Limiter is configured once per process), so
# this check runs a small app of its own, with limits on, in a separate process.
RATE_LIMIT_SCRIPT = """
import sys, tempfile
from flask_migrate import upgrade
from marketplace.app import create_app
folder = tempfile.mkdtemp()
app = create_app({"APP_ENV": "testing", "RATELIMIT_ENABLED": True, "INSTANCE_PATH": folder,
                  "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/claim.db",
                  "CLAIM_RATE_LIMIT": "3 per minute"})
with app.app_context():
    upgrade()
client = app.test_client()
form = {"identifier": "rosa@example.hn", "code": "AAAA-AAAA"}
print(" ".join(str(client.post("/claim", data=form).status_code) for _ in range(5)))
"""


def test_claim_attempts_are_rate_limited():
    result = subprocess.run(
        [sys.executable, "-c", RATE_LIMIT_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.split() == ["422", "422", "422", "429", "429"], result.stderr
