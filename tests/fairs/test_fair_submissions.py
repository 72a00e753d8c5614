"""A form or button sent twice with its one-time key (a double tap, a retry on a weak signal)
acts once, and the repeat is answered with the first outcome."""

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import Fair, FairStatus
from fairs.layout.models import Booth
from marketplace.core.audit import AuditEntry
from marketplace.core.database import db
from marketplace.core.submissions import Submission

KEY = "same-key-0123456789abcdef"


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def actions(name: str) -> int:
    return count(AuditEntry, AuditEntry.action == name)


def twice(client, url, data):
    first = client.post(url, data={**data, "submission_key": KEY})
    again = client.post(url, data={**data, "submission_key": KEY}, follow_redirects=True)
    return first, again


def test_an_application_sent_twice_is_one_application(client, make, auth):
    vendor = make.applicant()
    auth.login(vendor.user.email)
    fair = make.fair(name="Feria de La Ceiba")
    first, again = twice(client, f"/fairs/{fair.slug}/apply", {"categories": ["crafts"]})
    assert first.status_code == 303
    assert again.status_code == 200
    assert "Solicitud enviada a Feria de La Ceiba." in text(again)
    assert "ya envió una solicitud" not in text(again)
    assert count(Application) == 1
    assert actions("application.submitted") == 1


def test_a_booth_saved_twice_is_one_assignment(client, make, auth):
    organiser = make.organizer()
    auth.login(organiser.email)
    fair = make.fair()
    booth, other = make.grid(fair, 1, 2)
    application = make.application(fair, make.applicant(), status=ApplicationStatus.APPROVED)
    url = f"/admin/fairs/{fair.id}/applications/{application.id}/booth"
    first = client.post(url, data={"booth_id": booth.id, "submission_key": KEY})
    # The retry even names another booth: it is the same submission, already answered.
    again = client.post(
        url, data={"booth_id": other.id, "submission_key": KEY}, follow_redirects=True
    )
    assert first.status_code == 303
    assert "Puestos guardados." in text(again)
    assert db.session.get(Application, application.id).booth_id == booth.id
    assert actions("application.booth_assigned") == 1
    assert actions("application.booth_moved") == 0


def test_mark_present_sent_twice_is_one_check_in(client, make, auth):
    organiser = make.organizer()
    auth.login(organiser.email)
    fair = make.fair(status=FairStatus.LIVE)
    [booth] = make.grid(fair, 1, 1)
    application = make.application(
        fair, make.applicant(), status=ApplicationStatus.APPROVED, booth=booth
    )
    url = f"/admin/fairs/{fair.id}/checkin/{application.id}"
    first, again = twice(client, url, {"action": "in"})
    assert first.status_code == 303
    assert "quedó marcado como presente" in text(again)
    assert actions("application.checked_in") == 1


def test_a_new_fair_sent_twice_is_one_fair(client, make, auth):
    from tests.fairs.test_fair_admin import fair_form

    auth.login(make.organizer().email)
    first, again = twice(client, "/admin/fairs/new", fair_form())
    assert first.status_code == 303
    assert count(Fair) == 1
    assert again.request.path == first.headers["Location"]


def test_a_refused_submission_can_be_sent_again_with_its_key(client, make, auth):
    """A refusal rolls the claim back, so the corrected form goes through with the same key."""
    organiser = make.organizer()
    auth.login(organiser.email)
    fair = make.fair()
    [booth] = make.grid(fair, 1, 1)
    application = make.application(fair, make.applicant(), status=ApplicationStatus.WAITLISTED)
    url = f"/admin/fairs/{fair.id}/applications/{application.id}/booth"
    data = {"booth_id": booth.id, "submission_key": KEY}
    client.post(url, data=data)
    assert count(Submission) == 0
    make_approved(application.id)  # meanwhile, through the service
    client.post(url, data=data)
    assert db.session.get(Booth, booth.id).application.id == application.id


def make_approved(application_id: int) -> None:
    from fairs.applications.services import decide

    decide(None, db.session.get(Application, application_id), ApplicationStatus.APPROVED.value)
    db.session.commit()
