"""Two people acting on one fair, application or booth at the same moment, on real concurrent
PostgreSQL connections: one wins, the other is told and nothing of theirs is written, and the
audit trail says what really happened."""

import threading

import pytest

from fairs.applications import services as applications
from fairs.applications.models import Application, ApplicationStatus
from fairs.assignment import booking
from fairs.dayof import services as dayof
from fairs.fairs import services
from fairs.fairs.models import Fair, FairStatus
from fairs.layout.models import Booth
from marketplace.core.audit import AuditEntry
from marketplace.core.auth.models import User
from marketplace.core.database import db
from marketplace.core.errors import Refused
from tests.signin import sign_in

pytestmark = pytest.mark.postgres

S = ApplicationStatus
PASSWORD = "correct-horse-9"
CHANGED = "Otra persona cambió esta solicitud hace un momento"
SAVED = "Puestos guardados."


def race(app, *jobs):
    """Run each job in its own thread, app context and database connection. A job is
    (load, act): `load()` reads what the person sees before the barrier, `act(*loaded)` acts
    after it and commits. Returns, per job in order, "ok" or the refusal's message."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str | None] = [None] * len(jobs)

    def run(i, load, act):
        with app.app_context(), app.test_request_context():
            try:
                try:
                    loaded = load()
                finally:
                    barrier.wait(timeout=30)  # raises for everyone if one job never got here
                act(*loaded)
                db.session.commit()
                outcomes[i] = "ok"
            except Refused as e:
                db.session.rollback()
                outcomes[i] = e.message
            except Exception as e:  # noqa: BLE001 - any other failure fails the test below
                db.session.rollback()
                outcomes[i] = f"unexpected: {e!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def post_at_once(app, requests):
    """Each (email, url, data) from its own signed-in browser, sent at the same moment; the
    pages the browsers end on (redirects followed) and the first response's status."""
    barrier = threading.Barrier(len(requests))
    pages: list = [None] * len(requests)

    def browser(i, email, url, data):
        client = app.test_client()
        sign_in(client, email)
        barrier.wait(timeout=30)
        first = client.post(url, data=data, headers={"Referer": f"http://localhost{url}"})
        location = first.headers.get("Location")
        page = client.get(location) if location else first
        pages[i] = (first.status_code, page.get_data(as_text=True))

    threads = [threading.Thread(target=browser, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return pages


def get(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def assert_booths_consistent(fair_id: int) -> None:
    held = db.session.execute(
        db.select(Application.vendor_id, Application.booth_id, Application.status).where(
            Application.fair_id == fair_id, Application.booth_id.is_not(None)
        )
    ).all()
    assert len({v for v, _b, _s in held}) == len(held), "a vendor holds two booths"
    assert len({b for _v, b, _s in held}) == len(held), "a booth is held twice"
    assert {s for _v, _b, s in held} <= {S.APPROVED.value}


@pytest.fixture
def fair(make):
    return make.fair()


def approved(make, fair, **kw):
    return make.application(fair, make.applicant(), status=S.APPROVED, **kw)


def test_two_organisers_give_one_application_two_booths_at_once(app, make, fair):
    """The reported bug: both used to be told "saved", and the audit showed two assignments."""
    first_booth, second_booth = make.grid(fair, 1, 2)
    application = approved(make, fair)
    organisers = [make.organizer(), make.organizer()]

    def job(user_id, booth_id):
        def load():
            return (
                db.session.get(User, user_id),
                db.session.get(Application, application_id),
                db.session.get(Booth, booth_id),
            )

        return load, booking.assign_booth

    application_id, booth_ids = application.id, [first_booth.id, second_booth.id]
    organiser_ids = [o.id for o in organisers]
    outcomes = race(app, *(job(o, b) for o, b in zip(organiser_ids, booth_ids, strict=True)))

    assert sorted(o[: len(CHANGED)] for o in outcomes) == [CHANGED, "ok"]
    winner = (first_booth, second_booth)[outcomes.index("ok")]
    assert get(Application, application.id).booth_id == winner.id
    [entry] = audit("application.booth_assigned")
    assert entry.details == {"booth": winner.code, "from_id": None}
    assert audit("application.booth_moved") == []


def test_two_organisers_in_their_browsers_one_is_told_someone_else_changed_it(app, make, fair):
    booths = make.grid(fair, 1, 2)
    application = approved(make, fair)
    emails = [make.organizer().email, make.organizer().email]
    url = f"/admin/fairs/{fair.id}/applications/{application.id}/booth"
    pages = post_at_once(
        app,
        [
            (email, url, {"booth_id": booth.id, "seen_booth_id": ""})
            for email, booth in zip(emails, booths, strict=True)
        ],
    )

    assert [status for status, _page in pages] == [303, 303]
    told = sorted((SAVED in page, CHANGED in page) for _status, page in pages)
    assert told == [(False, True), (True, False)]
    winner = booths[[SAVED in page for _s, page in pages].index(True)]
    assert get(Application, application.id).booth_id == winner.id
    [entry] = audit("application.booth_assigned")
    assert entry.details["from_id"] is None and entry.details["booth"] == winner.code


def test_two_applications_given_one_booth_at_once_leave_one_holder(app, make, fair):
    [booth] = make.grid(fair, 1, 1)
    contenders = [approved(make, fair), approved(make, fair)]
    emails = [make.organizer().email, make.organizer().email]
    pages = post_at_once(
        app,
        [
            (
                email,
                f"/admin/fairs/{fair.id}/applications/{a.id}/booth",
                {"booth_id": booth.id, "seen_booth_id": ""},
            )
            for email, a in zip(emails, contenders, strict=True)
        ],
    )

    assert [status for status, _page in pages] == [303, 303]  # no 500
    taken = "El puesto A-01 ya está ocupado. Elija otro, por favor."
    assert sorted((SAVED in p, taken in p) for _s, p in pages) == [(False, True), (True, False)]
    holders = db.session.scalars(db.select(Application.id).where(Application.booth_id == booth.id))
    assert len(list(holders)) == 1
    assert len(audit("application.booth_assigned")) == 1
    assert_booths_consistent(fair.id)


def test_two_status_buttons_on_one_fair_one_wins(app, make):
    fair = make.fair(status=FairStatus.CLOSED)
    emails = [make.organizer().email, make.organizer().email]
    url = f"/admin/fairs/{fair.id}/status"
    # As the fair page's form sends them: with the status both organisers saw.
    seen = {"seen_status": "closed"}
    pages = post_at_once(
        app,
        [
            (emails[0], url, {"status": "open", **seen}),
            (emails[1], url, {"status": "live", **seen}),
        ],
    )

    statuses = sorted(status for status, _page in pages)
    assert statuses == [302, 422]
    loser = next(page for status, page in pages if status == 422)
    assert "Otra persona cambió esto hace un momento" in loser
    winner = ("open", "live")[[s for s, _p in pages].index(302)]
    assert get(Fair, fair.id).status == winner
    [entry] = audit("fair.status_changed")
    assert entry.details["previous"] == "closed" and entry.details["status"] == winner


def test_two_status_changes_through_the_service_one_is_refused(app, make):
    fair_id, organiser_id = make.fair(status=FairStatus.OPEN).id, make.organizer().id

    def job(target):
        def load():
            return db.session.get(User, organiser_id), db.session.get(Fair, fair_id), target

        return load, services.change_status

    outcomes = race(app, job("closed"), job("cancelled"))

    assert outcomes.count("ok") == 1
    assert "Otra persona cambió esto hace un momento" in next(o for o in outcomes if o != "ok")
    assert len(audit("fair.status_changed")) == 1


def test_a_decision_racing_a_withdrawal_leaves_one_outcome(app, make, fair):
    [booth] = make.grid(fair, 1, 1)
    application = approved(make, fair, booth=booth)
    organiser = make.organizer()

    def reject():
        return (
            db.session.get(User, organiser_id),
            db.session.get(Application, application_id),
            "waitlisted",
        )

    def withdraw():
        return (db.session.get(Application, application_id),)

    application_id, organiser_id = application.id, organiser.id
    outcomes = race(app, (reject, applications.decide), (withdraw, applications.withdraw))

    assert outcomes.count("ok") == 1, outcomes
    assert CHANGED in next(o for o in outcomes if o != "ok")
    final = get(Application, application.id)
    won = "waitlisted" if outcomes[0] == "ok" else "withdrawn"
    assert final.status == won and final.booth_id is None
    actions = [e.action for e in audit(f"application.{won}")]
    assert actions == [f"application.{won}"]
    [entry] = audit(f"application.{won}")
    assert entry.details["freed_booth_id"] == booth.id
    other = "withdrawn" if won == "waitlisted" else "waitlisted"
    assert audit(f"application.{other}") == []


def test_a_double_tap_on_mark_present_records_one_check_in(app, make):
    fair = make.fair(status=FairStatus.LIVE)
    [booth] = make.grid(fair, 1, 1)
    application = approved(make, fair, booth=booth)
    organisers = [make.organizer(), make.organizer()]

    def job(user_id):
        def load():
            return db.session.get(User, user_id), db.session.get(Application, application_id)

        return load, dayof.check_in

    application_id, organiser_ids = application.id, [o.id for o in organisers]
    assert race(app, *(job(o) for o in organiser_ids)) == ["ok", "ok"]
    assert get(Application, application.id).checked_in_at is not None
    assert len(audit("application.checked_in")) == 1


def test_the_same_check_in_button_sent_twice_at_once_acts_once(app, make):
    fair = make.fair(status=FairStatus.LIVE)
    [booth] = make.grid(fair, 1, 1)
    application = approved(make, fair, booth=booth)
    email = make.organizer().email
    url = f"/admin/fairs/{fair.id}/checkin/{application.id}"
    data = {"action": "in", "submission_key": "tap-tap-0123456789abcdef"}
    pages = post_at_once(app, [(email, url, data), (email, url, data)])

    assert [status for status, _page in pages] == [303, 303]
    assert all("quedó marcado como presente" in page for _s, page in pages)
    assert len(audit("application.checked_in")) == 1


def test_freeing_a_booth_while_the_vendor_is_marked_present_is_refused(app, make):
    fair = make.fair(status=FairStatus.LIVE)
    [booth] = make.grid(fair, 1, 1)
    application = approved(make, fair, booth=booth)
    organiser = make.organizer()

    def load():
        return db.session.get(User, organiser_id), db.session.get(Application, application_id)

    application_id, organiser_id = application.id, organiser.id
    outcomes = race(app, (load, dayof.check_in), (load, dayof.free_booth))

    final = get(Application, application.id)
    assert outcomes.count("ok") == 1, outcomes
    if outcomes[0] == "ok":
        assert final.booth_id == booth.id and final.checked_in_at is not None
    else:
        assert final.booth_id is None and final.checked_in_at is None
    assert_booths_consistent(fair.id)
