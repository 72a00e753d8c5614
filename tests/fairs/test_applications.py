"""Applying to fairs and the organisers' review: what entrepreneurs and organisers see."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import Circuit, FairStatus
from fairs.layout.models import Booth
from marketplace.core.audit import AuditEntry
from marketplace.core.database import db
from marketplace.core.timeutil import local_today
from tests.panels import render_panel
from vendors.profiles.models import VendorStatus

S = ApplicationStatus


def applications() -> list[Application]:
    return list(db.session.scalars(db.select(Application).order_by(Application.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def vendor(make, auth):
    vendor = make.applicant(category="crafts")
    auth.login(vendor.user.email)
    return vendor


def apply_form(**overrides):
    data = {"categories": ["crafts"], "needs_power": "y", "note": "Traigo mi propia mesa."}
    data.update(overrides)
    return data


def test_verified_entrepreneur_applies_with_products_and_needs(client, make, vendor):
    fair = make.fair()
    basket = make.offer(vendor, "Canasta de tule")
    make.offer(vendor, "Canasta escondida", visible=False)
    page = client.get(f"/fairs/{fair.slug}/apply")
    assert "Canasta de tule" in text(page)
    assert "Canasta escondida" not in text(page)

    response = client.post(f"/fairs/{fair.slug}/apply", data=apply_form(product_ids=[basket.id]))
    assert response.status_code == 303
    [application] = applications()
    assert application.status == S.SUBMITTED.value
    assert application.product_ids == [basket.id]
    assert application.needs_power and not application.needs_shade
    assert application.note == "Traigo mi propia mesa."
    mine = client.get("/me/applications")
    assert "En espera de revisión" in text(mine)
    assert "application.submitted" in audit_actions()


def test_the_last_day_of_the_window_still_counts(client, make, vendor):
    fair = make.fair(applications_open_on=local_today(), applications_close_on=local_today())
    assert client.post(f"/fairs/{fair.slug}/apply", data=apply_form()).status_code == 303
    assert len(applications()) == 1


def test_new_application_page_takes_the_fair_from_the_query(client, make, vendor):
    fair = make.fair(name="Feria de La Ceiba")
    assert "Feria de La Ceiba" in text(client.get("/me/applications/new"))
    response = client.post(f"/me/applications/new?fair={fair.slug}", data=apply_form())
    assert response.status_code == 303
    assert len(applications()) == 1


def test_applying_to_several_fairs_of_a_circuit_in_one_go(client, make, vendor):
    circuit = Circuit(slug="agosto", name="Circuito de agosto")
    db.session.add(circuit)
    db.session.commit()
    first = make.fair(circuit_id=circuit.id, name="Tegucigalpa")
    second = make.fair(circuit_id=circuit.id, name="San Pedro Sula")
    make.fair(circuit_id=circuit.id, name="La Ceiba", status=FairStatus.DRAFT)
    page = text(client.get(f"/fairs/{first.slug}/apply"))
    assert "San Pedro Sula" in page and "La Ceiba" not in page

    client.post(f"/fairs/{first.slug}/apply", data=apply_form(fair_ids=[first.id, second.id]))
    assert sorted(a.fair_id for a in applications()) == [first.id, second.id]


@pytest.mark.parametrize(
    ("fair_kw", "status"),
    [
        ({"status": FairStatus.CLOSED}, 409),
        ({"applications_close_on": date.today() - timedelta(days=2)}, 409),
        ({"applications_open_on": date.today() + timedelta(days=2)}, 409),
        ({"status": FairStatus.DRAFT}, 404),
    ],
)
def test_applying_outside_the_window_is_refused(client, make, vendor, fair_kw, status):
    fair = make.fair(**fair_kw)
    response = client.post(f"/fairs/{fair.slug}/apply", data=apply_form())
    assert response.status_code == status
    if status == 409:
        assert "no están abiertas" in text(response)
    assert applications() == []


def test_applying_twice_is_a_clear_message(client, make, vendor):
    fair = make.fair()
    client.post(f"/fairs/{fair.slug}/apply", data=apply_form())
    response = client.post(f"/fairs/{fair.slug}/apply", data=apply_form(note="otra vez"))
    assert response.status_code == 409
    assert "Usted ya envió una solicitud" in text(response)
    [application] = applications()
    assert application.note == "Traigo mi propia mesa."


def test_the_service_refuses_a_second_application_too(app, make):
    from fairs.applications.services import Choices, apply
    from marketplace.core.errors import Refused

    fair, vendor = make.fair(), make.applicant()
    make.application(fair, vendor)
    with app.test_request_context(), pytest.raises(Refused, match="ya envió"):
        apply(vendor, fair, Choices(categories=["crafts"]))
    db.session.rollback()
    assert len(applications()) == 1


def test_unverified_entrepreneur_cannot_apply(client, make, auth):
    vendor = make.applicant(status=VendorStatus.PENDING)
    auth.login(vendor.user.email)
    fair = make.fair()
    assert "debe estar verificado" in text(client.get(f"/fairs/{fair.slug}/apply"))
    response = client.post(f"/fairs/{fair.slug}/apply", data=apply_form())
    assert response.status_code == 409
    assert applications() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": []}, "Elija al menos un producto o una categoría"),
        ({"categories": ["weapons"]}, "Elija de la lista."),
        ({"product_ids": ["abc"]}, "solo productos de su propio catálogo"),
        ({"note": "x" * 1001}, "como máximo 1000 caracteres"),
    ],
)
def test_bad_application_form_explains_and_saves_nothing(client, make, vendor, data, message):
    fair = make.fair()
    response = client.post(f"/fairs/{fair.slug}/apply", data=apply_form(**data))
    assert response.status_code == 422
    assert message in text(response)
    assert applications() == []


def test_another_vendors_product_cannot_be_listed(client, make, vendor):
    other = make.offer(make.applicant(), "Ajeno")
    fair = make.fair()
    response = client.post(f"/fairs/{fair.slug}/apply", data=apply_form(product_ids=[other.id]))
    assert response.status_code == 422
    assert applications() == []


def test_entrepreneur_edits_and_withdraws_while_the_window_is_open(client, make, vendor):
    fair = make.fair()
    application = make.application(fair, vendor)
    page = client.get(f"/me/applications/{application.id}/edit")
    assert page.status_code == 200
    client.post(f"/me/applications/{application.id}/edit", data=apply_form(needs_shade="y"))
    db.session.refresh(application)
    assert application.needs_shade
    client.post(f"/me/applications/{application.id}/withdraw")
    db.session.refresh(application)
    assert application.status == S.WITHDRAWN.value
    # Withdrawn is not the end: they may apply again while the window is open.
    client.post(f"/fairs/{fair.slug}/apply", data=apply_form())
    db.session.refresh(application)
    assert application.status == S.SUBMITTED.value


def test_editing_after_the_window_closed_changes_nothing(client, make, vendor):
    fair = make.fair(applications_close_on=local_today() - timedelta(days=1))
    application = make.application(fair, vendor, note="antes")
    response = client.post(f"/me/applications/{application.id}/edit", data=apply_form())
    assert response.status_code == 409
    assert "ya no se puede cambiar" in text(response)
    client.post(f"/me/applications/{application.id}/withdraw")
    db.session.refresh(application)
    assert (application.note, application.status) == ("antes", S.SUBMITTED.value)


@pytest.mark.parametrize("action", ["edit", "withdraw"])
def test_another_vendors_application_is_not_found(client, make, vendor, action):
    fair = make.fair()
    theirs = make.application(fair, make.applicant())
    response = client.post(f"/me/applications/{theirs.id}/{action}", data=apply_form())
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == S.SUBMITTED.value


def test_dashboard_panel_shows_status_and_booth(app, make):
    fair = make.fair(name="Feria Tegucigalpa")
    vendor = make.applicant()
    [booth] = make.grid(fair, 1, 1)
    make.application(fair, vendor, status=S.APPROVED, booth=booth)
    with app.test_request_context():
        html = render_panel("vendors/_dash_applications.html", vendor.user)
    assert "Feria Tegucigalpa" in html
    assert "Aprobada" in html and "Puesto A-01" in html


# --- organisers -------------------------------------------------------------------------


@pytest.fixture
def organizer(make, auth):
    user = make.organizer()
    auth.login(user.email)
    return user


def test_review_list_filters_and_counts(client, make, organizer):
    fair = make.fair()
    make.application(fair, make.applicant("crafts", business_name="Tule Lindo"))
    make.application(
        fair,
        make.applicant("food", business_name="Baleadas Doña Rosa", department="Atlántida"),
        status=S.APPROVED,
    )
    page = text(client.get(f"/admin/fairs/{fair.id}/applications"))
    assert "Tule Lindo" in page and "Baleadas Doña Rosa" in page
    only_food = text(client.get(f"/admin/fairs/{fair.id}/applications?category=food"))
    assert "Tule Lindo" not in only_food and "Baleadas Doña Rosa" in only_food
    atlantida = text(client.get(f"/admin/fairs/{fair.id}/applications?department=Atlántida"))
    assert "Tule Lindo" not in atlantida
    # Unknown filter values are ignored, not an error.
    bad = client.get(f"/admin/fairs/{fair.id}/applications?status=nope&category=x&page=zz")
    assert bad.status_code == 200
    assert "Tule Lindo" in text(bad) and "Baleadas Doña Rosa" in text(bad)


def test_organiser_approves_one_and_the_entrepreneur_is_told(app, client, make, organizer):
    fair = make.fair(name="Feria de San Pedro Sula")
    application = make.application(fair, make.applicant())
    response = client.post(
        f"/admin/fairs/{fair.id}/applications/{application.id}/decide",
        data={"decision": "approved", "reason": "¡Bienvenida!"},
        follow_redirects=True,
    )
    assert "ahora está «Aprobada»" in text(response)
    db.session.refresh(application)
    assert application.status == S.APPROVED.value
    assert application.decided_at is not None
    assert "application.approved" in audit_actions()
    mail = sorted(Path(app.instance_path, "mail").glob("*.eml"))[-1].read_text()
    assert "Feria de San Pedro Sula" in mail and "aprobada" in mail


def test_bulk_decision_skips_forbidden_transitions_and_says_so(client, make, organizer):
    fair = make.fair()
    waiting = make.application(fair, make.applicant())
    withdrawn = make.application(fair, make.applicant(), status=S.WITHDRAWN)
    elsewhere = make.application(make.fair(), make.applicant())
    response = client.post(
        f"/admin/fairs/{fair.id}/applications/decide",
        data={
            "decision": "waitlisted",
            "application_ids": [waiting.id, withdrawn.id, elsewhere.id, "x"],
        },
        follow_redirects=True,
    )
    page = text(response)
    assert "1 solicitud ahora está «En lista de espera»" in page
    assert "1 solicitud no se pudo cambiar" in page
    statuses = {a.id: a.status for a in applications()}
    assert statuses == {
        waiting.id: S.WAITLISTED.value,
        withdrawn.id: S.WITHDRAWN.value,
        elsewhere.id: S.SUBMITTED.value,
    }


def test_rejecting_an_assigned_application_frees_its_booth(client, make, organizer):
    fair = make.fair()
    [booth] = make.grid(fair, 1, 1)
    application = make.application(fair, make.applicant(), status=S.APPROVED, booth=booth)
    client.post(
        f"/admin/fairs/{fair.id}/applications/decide",
        data={"decision": "rejected", "application_ids": [application.id]},
    )
    db.session.refresh(application)
    assert (application.status, application.booth_id) == (S.REJECTED.value, None)


def test_bad_decision_changes_nothing(client, make, organizer):
    fair = make.fair()
    application = make.application(fair, make.applicant())
    response = client.post(
        f"/admin/fairs/{fair.id}/applications/{application.id}/decide",
        data={"decision": "withdrawn"},
        follow_redirects=True,
    )
    assert "Elija aprobar, lista de espera o rechazar." in text(response)
    db.session.refresh(application)
    assert application.status == S.SUBMITTED.value


def test_application_of_another_fair_is_not_found_under_this_fair(client, make, organizer):
    fair, other = make.fair(), make.fair()
    application = make.application(other, make.applicant())
    assert client.get(f"/admin/fairs/{fair.id}/applications/{application.id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/fairs/{fair}/applications/decide",
        "/admin/fairs/{fair}/applications/{app}/decide",
        "/admin/fairs/{fair}/applications/{app}/booth",
        "/admin/fairs/{fair}/assignment/auto",
    ],
)
def test_entrepreneurs_cannot_call_organiser_actions(client, make, vendor, path):
    fair = make.fair()
    application = make.application(fair, vendor)
    url = path.format(fair=fair.id, app=application.id)
    response = client.post(url, data={"decision": "approved", "application_ids": [application.id]})
    assert response.status_code == 403
    db.session.refresh(application)
    assert application.status == S.SUBMITTED.value


def test_demo_applications_wait_for_vendors_and_run_once(app, make):
    from fairs.demo.applications import load_demo_applications

    past = make.fair(status=FairStatus.FINISHED, starts_on=date.today() - timedelta(days=60))
    upcoming = make.fair(city="Tegucigalpa")
    assert load_demo_applications() == []
    make.grid(past, 2, 2)
    vendors = [make.applicant(c) for c in ("food", "crafts", "textiles")]
    make.applicant(status=VendorStatus.PENDING)
    load_demo_applications()
    db.session.commit()
    load_demo_applications()
    db.session.commit()
    by_fair = {
        fair.id: [a for a in applications() if a.fair_id == fair.id] for fair in (past, upcoming)
    }
    assert len(by_fair[past.id]) == len(by_fair[upcoming.id]) == len(vendors)
    assert all(a.booth_id and a.checked_in_at for a in by_fair[past.id])
    assert {a.status for a in by_fair[upcoming.id]} <= {S.SUBMITTED.value, S.WAITLISTED.value}


def test_organiser_panel_links_each_upcoming_fair_to_its_applications(client, make, organizer):
    fair = make.fair(name="Feria de Choluteca")
    make.application(fair, make.applicant())
    past = make.fair(name="Feria pasada", status=FairStatus.FINISHED)
    page = text(client.get("/admin/"))
    assert "Feria de Choluteca" in page
    assert f"/admin/fairs/{fair.id}/applications" in page
    # A finished fair has its sales report on the panel, but nothing left to review.
    assert f"/admin/fairs/{past.id}/applications" not in page


def test_entrepreneur_without_a_profile_is_told_what_to_do_first(client, make, auth):
    user = make.user()
    auth.login(user.email)
    fair = make.fair()
    assert "Primero cree el perfil de su negocio" in text(client.get("/me/applications"))
    response = client.post(f"/fairs/{fair.slug}/apply", data=apply_form())
    assert response.status_code == 409
    assert applications() == []


def test_swapping_into_a_booth_without_the_needed_power_is_refused(client, make, organizer):
    fair = make.fair()
    plain, powered = make.grid(fair, 1, 2)
    powered_booth = db.session.get(Booth, powered.id)
    powered_booth.has_power = True
    db.session.commit()
    needs_power = make.application(
        fair, make.applicant(), status=S.APPROVED, booth=powered, needs_power=True
    )
    other = make.application(fair, make.applicant(), status=S.APPROVED, booth=plain)
    response = client.post(
        f"/admin/fairs/{fair.id}/applications/{needs_power.id}/swap",
        data={"other_id": other.id},
        follow_redirects=True,
    )
    assert "no se pueden intercambiar" in text(response)
    db.session.expire_all()
    assert db.session.get(Application, needs_power.id).booth_id == powered.id
