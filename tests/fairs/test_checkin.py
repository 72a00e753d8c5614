"""Fair day: organisers mark vendors present from a phone, and free the booths of no-shows."""

from datetime import time, timedelta

import pytest

from fairs.applications.models import Application
from fairs.fairs.models import FairStatus
from marketplace.core.audit import history
from marketplace.core.database import db
from marketplace.core.timeutil import local_today


@pytest.fixture
def fair_day(make):
    """A fair happening today since midnight, with three vendors in their booths."""
    fair = make.fair_with_layout(
        rows=1,
        cols=4,
        status=FairStatus.LIVE,
        starts_on=local_today(),
        opens_at=time(0, 0),
        closes_at=time(23, 59),
    )
    apps = [
        make.booth_occupant(fair, fair.booths[0], business_name="Café Cerro Azul"),
        make.booth_occupant(fair, fair.booths[1], business_name="Tejidos Lenca", checked_in=True),
        make.booth_occupant(fair, fair.booths[2], business_name="Artesanías Copán"),
    ]
    return fair, apps


def test_checkin_list_is_alphabetical_with_count(client, organizer, fair_day):
    fair, _apps = fair_day
    page = client.get(f"/admin/fairs/{fair.id}/checkin").get_data(as_text=True)
    assert "1 de 3 emprendimientos presentes" in page
    order = [page.index(n) for n in ("Artesanías Copán", "Café Cerro Azul", "Tejidos Lenca")]
    assert order == sorted(order)
    assert "list-filter.js" in page


@pytest.mark.parametrize(
    ("q", "shown"), [("cerro", "Café Cerro Azul"), ("a-03", "Artesanías Copán")]
)
def test_search_by_name_or_booth_code(client, organizer, fair_day, q, shown):
    fair, _apps = fair_day
    page = client.get(f"/admin/fairs/{fair.id}/checkin", query_string={"q": q}).get_data(
        as_text=True
    )
    list_part = page.split('id="checkin-list"')[1].split("</ul>")[0]
    assert shown in list_part
    assert "Tejidos Lenca" not in list_part


def test_marking_present_and_undoing(client, organizer, fair_day):
    fair, apps = fair_day
    url = f"/admin/fairs/{fair.id}/checkin/{apps[0].id}"
    response = client.post(url, data={"action": "in", "q": "cerro"})
    assert response.status_code == 303
    assert "q=cerro" in response.headers["Location"]
    db.session.refresh(apps[0])
    first = apps[0].checked_in_at
    assert first is not None
    # A second tap on a slow phone changes nothing.
    client.post(url, data={"action": "in"})
    db.session.refresh(apps[0])
    assert apps[0].checked_in_at == first
    client.post(url, data={"action": "undo"})
    db.session.refresh(apps[0])
    assert apps[0].checked_in_at is None
    actions = [e.action for e in history("application", apps[0].id)]
    assert actions == ["application.check_in_undone", "application.checked_in"]


def test_no_shows_are_listed_after_opening_and_their_booth_can_be_freed(
    client, organizer, fair_day
):
    fair, apps = fair_day
    page = client.get(f"/admin/fairs/{fair.id}/checkin").get_data(as_text=True)
    no_shows = page.split("Todavía no llegan (2)")[1]
    assert "Café Cerro Azul" in no_shows and "Artesanías Copán" in no_shows
    assert "Tejidos Lenca" not in no_shows
    assert f"/admin/fairs/{fair.id}/applications" in no_shows
    response = client.post(f"/admin/fairs/{fair.id}/checkin/{apps[0].id}/free")
    assert response.status_code == 303
    db.session.refresh(apps[0])
    assert apps[0].booth_id is None
    entry = history("application", apps[0].id)[0]
    assert (entry.action, entry.details["booth"]) == ("application.booth_freed", "A-01")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "El puesto A-01 quedó libre" in page


def test_no_shows_wait_for_the_opening_time(client, organizer, make):
    fair = make.fair_with_layout(
        rows=1, cols=1, status=FairStatus.CLOSED, starts_on=local_today() + timedelta(days=2)
    )
    make.booth_occupant(fair, fair.booths[0], business_name="Café Cerro Azul")
    page = client.get(f"/admin/fairs/{fair.id}/checkin").get_data(as_text=True)
    assert "Todavía no llegan" not in page


def test_present_vendor_keeps_the_booth(client, organizer, fair_day):
    fair, apps = fair_day
    response = client.post(f"/admin/fairs/{fair.id}/checkin/{apps[1].id}/free")
    assert response.status_code == 422
    assert "está marcado como presente" in response.get_data(as_text=True)
    db.session.refresh(apps[1])
    assert apps[1].booth_id is not None


def test_only_approved_vendors_with_a_booth_are_checked_in(client, organizer, fair_day, make):
    fair, _apps = fair_day
    waiting = make.booth_occupant(fair, None, status="waitlisted")
    response = client.post(f"/admin/fairs/{fair.id}/checkin/{waiting.id}")
    assert response.status_code == 422
    assert "aprobado y con puesto" in response.get_data(as_text=True)
    response = client.post(f"/admin/fairs/{fair.id}/checkin/{waiting.id}/free")
    assert response.status_code == 422
    db.session.refresh(waiting)
    assert waiting.checked_in_at is None


def test_no_checkin_before_the_fair_is_closed_for_applications(client, organizer, make):
    fair = make.fair_with_layout(rows=1, cols=1, status=FairStatus.OPEN)
    application = make.booth_occupant(fair, fair.booths[0])
    response = client.post(f"/admin/fairs/{fair.id}/checkin/{application.id}")
    assert response.status_code == 422
    assert "Solo se puede marcar asistencia" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.checked_in_at is None


def test_application_of_another_fair_is_404(client, organizer, fair_day, make):
    fair, _apps = fair_day
    other = make.fair_with_layout(rows=1, cols=1, status=FairStatus.LIVE)
    stranger = make.booth_occupant(other, other.booths[0])
    assert client.post(f"/admin/fairs/{fair.id}/checkin/{stranger.id}").status_code == 404
    assert client.post(f"/admin/fairs/{fair.id}/checkin/{stranger.id}/free").status_code == 404
    assert client.post(f"/admin/fairs/{fair.id}/checkin/999").status_code == 404
    db.session.refresh(stranger)
    assert stranger.checked_in_at is None and stranger.booth_id is not None


def test_entrepreneur_cannot_check_anyone_in(client, make, auth, fair_day):
    fair, apps = fair_day
    make.user(email="rosa@example.hn")
    auth.login("rosa@example.hn")
    assert client.post(f"/admin/fairs/{fair.id}/checkin/{apps[0].id}").status_code == 403
    assert client.post(f"/admin/fairs/{fair.id}/checkin/{apps[0].id}/free").status_code == 403
    assert db.session.get(Application, apps[0].id).checked_in_at is None
