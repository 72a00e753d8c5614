"""Organisers verify or reject profiles; every decision is recorded and the entrepreneur told."""

import threading

import pytest

from marketplace.core.audit import AuditEntry
from marketplace.core.database import db
from tests.signin import sign_in
from tests.vendors.conftest import profile_data
from vendors.profiles.models import VendorProfile, VendorStatus


@pytest.fixture
def organizer(auth, make):
    user = make.organizer(email="lucia@example.hn", name="Lucía Mejía")
    auth.login("lucia@example.hn")
    return user


def decisions(vendor_id) -> list[AuditEntry]:
    stmt = db.select(AuditEntry).where(
        AuditEntry.target_id == vendor_id,
        AuditEntry.action.in_(("vendor.verified", "vendor.rejected")),
    )
    return list(db.session.scalars(stmt))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/vendors"),
        ("get", "/admin/vendors/{id}"),
        ("post", "/admin/vendors/{id}/verify"),
        ("post", "/admin/vendors/{id}/reject"),
        ("get", "/admin/vendors/{id}/edit"),
        ("get", "/admin/vendors/new"),
        ("get", "/admin/vendors/{id}/claim-code"),
    ],
)
def test_entrepreneurs_cannot_open_the_organisers_pages(client, auth, make, method, path):
    vendor = make.vendor(status=VendorStatus.PENDING)
    make.user(email="otra@example.hn")
    auth.login("otra@example.hn")
    response = getattr(client, method)(path.format(id=vendor.id))
    assert response.status_code == 403
    db.session.refresh(vendor)
    assert vendor.status == VendorStatus.PENDING.value


def test_the_queue_shows_pending_profiles_oldest_first_a_page_at_a_time(client, make, organizer):
    for n in range(32):
        make.vendor(status=VendorStatus.PENDING, business_name=f"Pendiente {n:02d}")
    make.vendor(status=VendorStatus.VERIFIED, business_name="Ya Verificado")
    first = client.get("/admin/vendors").get_data(as_text=True)
    assert "Pendiente 00" in first and "Pendiente 29" in first
    assert "Pendiente 30" not in first and "Ya Verificado" not in first
    assert "Página 1 de 2" in first
    second = client.get("/admin/vendors?page=2").get_data(as_text=True)
    assert "Pendiente 31" in second
    verified = client.get("/admin/vendors?status=verified").get_data(as_text=True)
    assert "Ya Verificado" in verified and "Pendiente 00" not in verified
    everyone = client.get("/admin/vendors?status=all&page=2").get_data(as_text=True)
    assert "Ya Verificado" in everyone
    # An unknown filter falls back to the queue rather than failing.
    assert client.get("/admin/vendors?status=<x>").status_code == 200


def test_the_panel_counts_profiles_waiting(client, make, organizer):
    make.vendor(status=VendorStatus.PENDING)
    make.vendor(status=VendorStatus.PENDING)
    make.vendor(status=VendorStatus.VERIFIED)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Perfiles pendientes de verificación: 2" in page
    assert 'href="/admin/vendors"' in page


def test_verifying_records_who_and_when_and_tells_the_entrepreneur(
    client, make, organizer, mailbox
):
    owner = make.user(email="rosa@example.hn", name="Rosa Ortiz")
    vendor = make.vendor(user=owner, status=VendorStatus.PENDING, business_name="Café Rosa")
    response = client.post(f"/admin/vendors/{vendor.id}/verify")
    assert response.status_code == 303
    db.session.refresh(vendor)
    assert vendor.status == VendorStatus.VERIFIED.value
    assert vendor.status_changed_at is not None
    [entry] = decisions(vendor.id)
    assert entry.actor_id == organizer.id
    page = client.get(f"/admin/vendors/{vendor.id}").get_data(as_text=True)
    assert "Historial" in page and "Lucía Mejía" in page
    [(subject, body)] = mailbox("rosa@example.hn")
    assert subject == "Su negocio está verificado en Mercado Retorno"
    assert "Café Rosa" in body


def test_rejecting_needs_a_reason_which_the_entrepreneur_reads(
    client, auth, make, organizer, mailbox
):
    owner = make.user(email="rosa@example.hn")
    vendor = make.vendor(user=owner, status=VendorStatus.PENDING)
    response = client.post(f"/admin/vendors/{vendor.id}/reject", data={"reason": "  "})
    assert response.status_code == 422
    assert "Escriba el motivo." in response.get_data(as_text=True)
    db.session.refresh(vendor)
    assert vendor.status == VendorStatus.PENDING.value
    client.post(f"/admin/vendors/{vendor.id}/reject", data={"reason": "Falta una foto real."})
    db.session.refresh(vendor)
    assert vendor.status == VendorStatus.REJECTED.value
    assert vendor.status_reason == "Falta una foto real."
    [(subject, body)] = mailbox("rosa@example.hn")
    assert "Falta una foto real." in body
    auth.login("rosa@example.hn")
    assert "Falta una foto real." in client.get("/me").get_data(as_text=True)


def test_deciding_twice_is_refused_and_changes_nothing(client, make, organizer, mailbox):
    owner = make.user(email="rosa@example.hn")
    vendor = make.vendor(user=owner, status=VendorStatus.PENDING)
    client.post(f"/admin/vendors/{vendor.id}/verify")
    changed_at = db.session.get(VendorProfile, vendor.id).status_changed_at
    again = client.post(f"/admin/vendors/{vendor.id}/verify")
    assert again.status_code == 409
    assert "Este perfil ya está «Verificado»" in again.get_data(as_text=True)
    assert "No se cambió nada." in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(VendorProfile, vendor.id).status_changed_at == changed_at
    assert len(decisions(vendor.id)) == 1
    assert len(mailbox("rosa@example.hn")) == 1


def test_a_rejected_profile_cannot_be_rejected_again(client, make, organizer):
    vendor = make.vendor(status=VendorStatus.REJECTED, status_reason="Primero")
    response = client.post(f"/admin/vendors/{vendor.id}/reject", data={"reason": "Segundo"})
    assert response.status_code == 409
    db.session.refresh(vendor)
    assert vendor.status_reason == "Primero"


def test_a_missing_profile_is_not_found(client, organizer):
    assert client.get("/admin/vendors/999").status_code == 404
    assert client.post("/admin/vendors/999/verify").status_code == 404


def test_an_organiser_edits_a_profile_for_someone_and_it_is_recorded(client, make, organizer):
    vendor = make.vendor(status=VendorStatus.VERIFIED)
    response = client.post(
        f"/admin/vendors/{vendor.id}/edit", data=profile_data(business_name="Nombre Corregido")
    )
    assert response.status_code == 302
    db.session.refresh(vendor)
    assert vendor.business_name == "Nombre Corregido"
    assert vendor.status == VendorStatus.VERIFIED.value
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "vendor.edited_by_staff")
    )
    assert entry.actor_id == organizer.id
    assert "business_name" in entry.details["fields"]
    page = client.get(f"/admin/vendors/{vendor.id}").get_data(as_text=True)
    assert "Editado por un organizador" in page


def test_demographic_answers_are_not_shown_even_to_organisers(client, make, organizer):
    vendor = make.vendor(gender="woman", age_range="35-44")
    page = client.get(f"/admin/vendors/{vendor.id}").get_data(as_text=True)
    assert "Mujer" not in page and "35-44" not in page and "35–44" not in page


def test_organisers_edit_a_profile_without_seeing_or_changing_gender_and_age(
    client, make, organizer
):
    vendor = make.vendor(gender="woman", age_range="35-44")
    url = f"/admin/vendors/{vendor.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="gender"' not in page and 'name="age_range"' not in page
    assert "Mujer" not in page and "35–44" not in page
    assert "nunca se muestran" in page
    sent = profile_data(business_name="Nombre Corregido", gender="man", age_range="18-24")
    assert client.post(url, data=sent).status_code == 302
    db.session.refresh(vendor)
    assert vendor.business_name == "Nombre Corregido"
    assert (vendor.gender, vendor.age_range) == ("woman", "35-44")


@pytest.mark.postgres
def test_two_organisers_verifying_at_once_make_one_decision(app, make):
    make.organizer(email="a@example.hn")
    make.organizer(email="b@example.hn")
    vendor_id = make.vendor(status=VendorStatus.PENDING).id
    clients = []
    for email in ("a@example.hn", "b@example.hn"):
        c = app.test_client()
        sign_in(c, email)
        clients.append(c)
    barrier = threading.Barrier(2)
    statuses = []

    def verify(c):
        barrier.wait()
        statuses.append(c.post(f"/admin/vendors/{vendor_id}/verify").status_code)

    threads = [threading.Thread(target=verify, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [303, 409]
    assert len(decisions(vendor_id)) == 1
