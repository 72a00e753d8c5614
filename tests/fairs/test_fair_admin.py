"""Organisers create fairs, edit them and move them through their statuses."""

from datetime import date, timedelta

import pytest

from fairs.applications.models import Application
from fairs.fairs.models import Fair, FairStatus
from marketplace.core.audit import AuditEntry, history
from marketplace.core.database import db

NEXT_YEAR = date.today().year + 1


def fair_form(**overrides):
    data = {
        "name": "Feria de Emprendimiento Tela",
        "city": "Tela",
        "department": "Atlántida",
        "venue": "Parque Central de Tela",
        "description": "Productos hechos en Honduras.",
        "starts_on": f"{NEXT_YEAR}-08-20",
        "ends_on": f"{NEXT_YEAR}-08-21",
        "opens_at": "09:00",
        "closes_at": "17:00",
        "applications_open_on": f"{NEXT_YEAR}-06-01",
        "applications_close_on": f"{NEXT_YEAR}-08-10",
        "capacity": "40",
        "circuit_id": "0",
    }
    data.update(overrides)
    return data


def count_fairs() -> int:
    return db.session.scalar(db.select(db.func.count(Fair.id)))


def test_organiser_creates_a_draft_fair(client, organizer):
    response = client.post("/admin/fairs/new", data=fair_form())
    assert response.status_code == 303
    fair = db.session.scalar(db.select(Fair))
    assert fair.status == FairStatus.DRAFT.value
    assert fair.slug == f"feria-de-emprendimiento-tela-{NEXT_YEAR}"
    assert fair.ends_on == date(NEXT_YEAR, 8, 21)
    assert [e.action for e in history("fair", fair.id)] == ["fair.created"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Feria de Emprendimiento Tela" in page
    assert "Borrador" in page
    # A draft is the ministry's business only.
    assert client.get(f"/fairs/{fair.slug}").status_code == 404


def test_fair_list_and_forms_render(client, organizer, make):
    make.fair(name="Feria de Choluteca")
    page = client.get("/admin/fairs")
    assert page.status_code == 200
    assert "Feria de Choluteca" in page.get_data(as_text=True)
    assert client.get("/admin/fairs/new").status_code == 200


def test_one_day_fair_when_last_day_is_left_empty(client, organizer):
    client.post("/admin/fairs/new", data=fair_form(ends_on=""))
    fair = db.session.scalar(db.select(Fair))
    assert fair.ends_on == fair.starts_on


def test_same_name_twice_gets_a_second_address(client, organizer):
    client.post("/admin/fairs/new", data=fair_form())
    client.post("/admin/fairs/new", data=fair_form())
    slugs = sorted(db.session.scalars(db.select(Fair.slug)))
    assert slugs == [
        f"feria-de-emprendimiento-tela-{NEXT_YEAR}",
        f"feria-de-emprendimiento-tela-{NEXT_YEAR}-2",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Complete este campo."),
        ("name", "n" * 121, "Como máximo 120 caracteres."),
        ("department", "Texas", "Elija uno de los 18 departamentos de Honduras."),
        ("starts_on", "mañana", "No es una fecha válida."),
        ("ends_on", f"{NEXT_YEAR}-08-19", "La feria no puede terminar antes de empezar."),
        ("closes_at", "08:00", "La feria debe cerrar después de abrir."),
        (
            "applications_close_on",
            f"{NEXT_YEAR}-08-25",
            "Las solicitudes deben cerrarse a más tardar el primer día de la feria.",
        ),
        (
            "applications_open_on",
            f"{NEXT_YEAR}-08-15",
            "Las solicitudes no pueden cerrarse antes de abrirse.",
        ),
        ("capacity", "0", "Entre 1 y 600."),
        ("capacity", "10000", "Entre 1 y 600."),
    ],
)
def test_bad_fair_is_explained_and_not_saved(client, organizer, field, value, message):
    response = client.post("/admin/fairs/new", data=fair_form(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_fairs() == 0


def test_editing_changes_the_fair_and_is_logged(client, organizer, make):
    fair = make.fair(name="Feria vieja", status=FairStatus.OPEN)
    response = client.post(f"/admin/fairs/{fair.id}/edit", data=fair_form(name="Feria nueva"))
    assert response.status_code == 302
    db.session.refresh(fair)
    assert fair.name == "Feria nueva"
    assert fair.status == FairStatus.OPEN.value  # the form never touches the status
    assert history("fair", fair.id)[0].details["fields"][0] == "name"


def test_bad_edit_changes_nothing(client, organizer, make):
    fair = make.fair(name="Feria intacta")
    response = client.post(
        f"/admin/fairs/{fair.id}/edit",
        data=fair_form(name="Otra", ends_on=f"{NEXT_YEAR}-08-01"),
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).name == "Feria intacta"


def test_html_in_a_name_is_shown_as_text(client, organizer):
    client.post("/admin/fairs/new", data=fair_form(name="<script>alert(1)</script> Feria"))
    fair = db.session.scalar(db.select(Fair))
    page = client.get(f"/admin/fairs/{fair.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Feria" in page


def test_status_moves_along_the_allowed_path_and_is_audited(client, organizer, make):
    fair = make.fair(status=FairStatus.DRAFT)
    for status in ("open", "closed", "live", "finished"):
        response = client.post(f"/admin/fairs/{fair.id}/status", data={"status": status})
        assert response.status_code == 302, status
    db.session.refresh(fair)
    assert fair.status == "finished"
    moves = [
        (e.details["previous"], e.details["status"])
        for e in reversed(history("fair", fair.id))
        if e.action == "fair.status_changed"
    ]
    assert moves == [
        ("draft", "open"),
        ("open", "closed"),
        ("closed", "live"),
        ("live", "finished"),
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (FairStatus.DRAFT, "live"),
        (FairStatus.OPEN, "finished"),
        (FairStatus.FINISHED, "open"),
        (FairStatus.CANCELLED, "open"),
        (FairStatus.OPEN, "party"),
    ],
)
def test_status_jump_is_refused(client, organizer, make, start, target):
    fair = make.fair(status=start)
    response = client.post(f"/admin/fairs/{fair.id}/status", data={"status": target})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Una feria no puede pasar de" in page or "Ese estado no existe." in page
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).status == start.value
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_cancelled_fair_is_no_longer_public(client, organizer, make):
    fair = make.fair(status=FairStatus.OPEN)
    assert client.get(f"/fairs/{fair.slug}").status_code == 200
    client.post(f"/admin/fairs/{fair.id}/status", data={"status": "cancelled"})
    assert client.get(f"/fairs/{fair.slug}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/fairs",
        "/admin/fairs/new",
        "/admin/fairs/{id}",
        "/admin/fairs/{id}/edit",
        "/admin/fairs/{id}/layout",
        "/admin/fairs/{id}/checkin",
        "/admin/fairs/{id}/print/qr",
        "/admin/circuits",
    ],
)
def test_entrepreneurs_cannot_use_organiser_pages(client, entrepreneur, make, url):
    fair = make.fair()
    assert client.get(url.format(id=fair.id)).status_code == 403


def test_entrepreneur_cannot_change_a_status(client, entrepreneur, make):
    fair = make.fair(status=FairStatus.OPEN)
    response = client.post(f"/admin/fairs/{fair.id}/status", data={"status": "cancelled"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).status == "open"


def test_signed_out_visitor_is_sent_to_sign_in(client, make):
    fair = make.fair()
    response = client.get(f"/admin/fairs/{fair.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "url", ["/admin/fairs/999", "/admin/fairs/999/edit", "/admin/fairs/999/layout"]
)
def test_unknown_fair_is_404(client, organizer, url):
    assert client.get(url).status_code == 404
    assert client.post("/admin/fairs/999/status", data={"status": "open"}).status_code == 404


def test_circuit_page_shows_who_attends_which_fair(client, organizer, make):
    client.post("/admin/circuits", data={"name": "Circuito de agosto"})
    from fairs.fairs.models import Circuit

    circuit = db.session.scalar(db.select(Circuit))
    start = date.today() + timedelta(days=60)
    tegus = make.fair_with_layout(
        city="Tegucigalpa", circuit_id=circuit.id, starts_on=start, rows=1, cols=2
    )
    ceiba = make.fair_with_layout(
        city="La Ceiba", circuit_id=circuit.id, starts_on=start + timedelta(days=14), rows=1, cols=2
    )
    both = make.booth_occupant(tegus, tegus.booths[0], business_name="Café Cerro Azul")
    db.session.add(Application(fair_id=ceiba.id, vendor_id=both.vendor_id, status="approved"))
    make.booth_occupant(ceiba, ceiba.booths[0], business_name="Tejidos Lenca")
    make.booth_occupant(tegus, None, business_name="Solo en espera", status="waitlisted")
    db.session.commit()
    page = client.get(f"/admin/circuits/{circuit.id}").get_data(as_text=True)
    assert "Café Cerro Azul" in page and "Tejidos Lenca" in page
    assert "Solo en espera" not in page
    row = page.split("Café Cerro Azul")[1].split("</tr>")[0]
    assert row.count("✓") == 2
    row = page.split("Tejidos Lenca")[1].split("</tr>")[0]
    assert row.count("✓") == 1


def test_fair_form_offers_circuits(client, organizer, make):
    client.post("/admin/circuits", data={"name": "Circuito de agosto"})
    from fairs.fairs.models import Circuit

    circuit = db.session.scalar(db.select(Circuit))
    client.post(
        "/admin/fairs/new", data=fair_form(circuit_id=str(circuit.id), closing_ceremony="y")
    )
    fair = db.session.scalar(db.select(Fair))
    assert fair.circuit_id == circuit.id and fair.closing_ceremony


@pytest.mark.parametrize("status", [FairStatus.FINISHED, FairStatus.CANCELLED])
def test_finished_or_cancelled_fair_is_not_edited(client, organizer, make, status):
    fair = make.fair(name="Feria pasada", status=status)
    response = client.post(f"/admin/fairs/{fair.id}/edit", data=fair_form(name="Otra"))
    assert response.status_code == 422
    assert "ya no se puede cambiar" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).name == "Feria pasada"


def test_pages_speak_english_when_asked(client, organizer, make):
    fair = make.fair(status=FairStatus.DRAFT)
    client.post("/language", data={"lang": "en", "next": "/"})
    page = client.get(f"/admin/fairs/{fair.id}").get_data(as_text=True)
    assert "Draft" in page and "Change to “Open for applications”" in page
    response = client.post(f"/admin/fairs/{fair.id}/status", data={"status": "finished"})
    assert "A fair cannot go from “Draft” to “Finished”." in response.get_data(as_text=True)


def test_service_refuses_a_circuit_that_does_not_exist(app, make):
    from fairs.fairs import services
    from marketplace.core.errors import Refused

    details = services.FairDetails(
        name="Feria",
        city="Tela",
        department="Atlántida",
        venue="Parque",
        starts_on=date(NEXT_YEAR, 8, 1),
        ends_on=date(NEXT_YEAR, 8, 1),
        circuit_id=999,
    )
    with app.test_request_context(), pytest.raises(Refused) as error:
        services.create_fair(make.organizer(), details)
    assert error.value.field == "circuit_id"
    assert count_fairs() == 0
