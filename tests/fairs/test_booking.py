"""Booth assignment by hand and automatically: one booth per vendor, one vendor per booth."""

import re
import threading

import pytest

from fairs.applications.models import Application, ApplicationStatus
from fairs.assignment import booking
from fairs.assignment.auto import preview_auto_assignment, save_auto_assignment
from fairs.layout.models import Booth
from marketplace.core.audit import AuditEntry
from marketplace.core.database import db
from marketplace.core.errors import Refused

S = ApplicationStatus


def text(response) -> str:
    return response.get_data(as_text=True)


def booth_of(application) -> str | None:
    db.session.expire_all()
    booth = db.session.get(Application, application.id).booth
    return booth.code if booth else None


@pytest.fixture
def organizer(make, auth):
    user = make.organizer()
    auth.login(user.email)
    return user


@pytest.fixture
def fair(make):
    return make.fair()


def approved(make, fair, category="crafts", **kw):
    return make.application(fair, make.applicant(category), status=S.APPROVED, **kw)


def assign(client, application, booth_id):
    url = f"/admin/fairs/{application.fair_id}/applications/{application.id}/booth"
    return client.post(url, data={"booth_id": booth_id}, follow_redirects=True)


def test_organiser_assigns_a_free_booth_by_hand(client, auth, make, fair, organizer):
    booths = make.grid(fair, 1, 3)
    application = approved(make, fair)
    page = text(client.get(f"/admin/fairs/{fair.id}/applications/{application.id}"))
    assert all(b.code in page for b in booths)

    response = assign(client, application, booths[1].id)
    assert "Puestos guardados." in text(response)
    assert booth_of(application) == "A-02"
    assert db.session.get(Application, application.id).booth_manual
    assert db.session.scalar(db.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == (
        "application.booth_assigned"
    )
    # The entrepreneur sees it.
    auth.logout()
    auth.login(application.vendor.user.email)
    assert "Puesto A-02" in text(client.get("/me/applications"))


def test_move_swap_and_unassign(client, make, fair, organizer):
    a1, a2, a3 = make.grid(fair, 1, 3)
    first = approved(make, fair, booth=a1)
    second = approved(make, fair, booth=a2)
    assign(client, first, a3.id)
    assert (booth_of(first), booth_of(second)) == ("A-03", "A-02")

    url = f"/admin/fairs/{fair.id}/applications/{first.id}"
    client.post(f"{url}/swap", data={"other_id": second.id})
    assert (booth_of(first), booth_of(second)) == ("A-02", "A-03")

    client.post(f"{url}/unassign")
    assert booth_of(first) is None
    assert booth_of(second) == "A-03"


def test_booth_list_offers_only_free_booths_that_meet_the_needs(client, make, fair, organizer):
    plain, powered, taken = make.grid(fair, 1, 3)
    db.session.get(Booth, powered.id).has_power = True
    db.session.get(Booth, taken.id).has_power = True
    db.session.commit()
    approved(make, fair, booth=taken)
    application = approved(make, fair, needs_power=True)
    assert [b.code for b in booking.free_booths_for(application)] == ["A-02"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other_fair", "Ese puesto es de otra feria."),
        ("taken", "El puesto A-01 ya está ocupado."),
        ("unavailable", "El puesto A-01 está fuera de uso."),
        ("not_approved", "Solo las solicitudes aprobadas pueden tener puesto."),
        ("no_power", "no cumple con lo que esta persona necesita"),
    ],
)
def test_refused_assignments_explain_and_change_nothing(
    client, make, fair, organizer, case, message
):
    [booth] = make.grid(fair, 1, 1)
    application = approved(make, fair, needs_power=case == "no_power")
    if case == "other_fair":
        [booth] = make.grid(make.fair(), 1, 1)
    elif case == "taken":
        approved(make, fair, booth=booth)
    elif case == "unavailable":
        db.session.get(Booth, booth.id).unavailable = True
        db.session.commit()
    elif case == "not_approved":
        db.session.get(Application, application.id).status = S.SUBMITTED.value
        db.session.commit()
    response = assign(client, application, booth.id)
    assert message in text(response)
    assert booth_of(application) is None


def test_unknown_booth_is_a_message(client, make, fair, organizer):
    application = approved(make, fair)
    assert "Elija un puesto." in text(assign(client, application, 9999))


def test_waitlisting_frees_the_booth_for_someone_else(client, make, fair, organizer):
    [booth] = make.grid(fair, 1, 1)
    holder = approved(make, fair, booth=booth)
    client.post(
        f"/admin/fairs/{fair.id}/applications/{holder.id}/decide", data={"decision": "waitlisted"}
    )
    other = approved(make, fair)
    assign(client, other, booth.id)
    assert (booth_of(holder), booth_of(other)) == (None, "A-01")


# --- automatic assignment ----------------------------------------------------------------


def test_auto_assignment_previews_then_saves_exactly_that(client, make, fair, organizer):
    make.grid(fair, 2, 3)
    kept = approved(make, fair)
    db.session.get(Application, kept.id).booth_id = db.session.scalar(
        db.select(Booth.id).where(Booth.code == "B-03")
    )
    db.session.commit()
    crafts = [approved(make, fair, "crafts") for _ in range(3)]
    waiting = make.application(fair, make.applicant())

    def preview_page() -> str:
        # The same plan every time; only the form's submission key and its CSRF token (signed
        # with the second it was made) differ.
        page = text(client.get(f"/admin/fairs/{fair.id}/assignment/auto"))
        return re.sub(r'name="(submission_key|csrf_token)"[^>]*>', "", page)

    first = preview_page()
    assert first == preview_page()
    assert "Puestos vecinos con la misma categoría" in first
    assert [booth_of(a) for a in crafts] == [None, None, None]

    with client.application.test_request_context():
        digest = preview_auto_assignment(fair).digest
    response = client.post(
        f"/admin/fairs/{fair.id}/assignment/auto", data={"digest": digest}, follow_redirects=True
    )
    assert "3 puestos asignados." in text(response)
    codes = [booth_of(a) for a in crafts]
    assert None not in codes and len(set(codes)) == 3
    assert booth_of(kept) == "B-03"
    assert booth_of(waiting) is None
    # Nothing left to place: the preview says so.
    again = text(client.get(f"/admin/fairs/{fair.id}/assignment/auto"))
    assert "No hay solicitudes aprobadas esperando puesto." in again


def test_auto_assignment_refuses_a_stale_plan_and_shows_the_new_one(
    app, client, make, fair, organizer
):
    make.grid(fair, 1, 3)
    approved(make, fair)
    with app.test_request_context():
        old = preview_auto_assignment(fair).digest
    late = approved(make, fair)  # approved by someone else meanwhile
    response = client.post(f"/admin/fairs/{fair.id}/assignment/auto", data={"digest": old})
    assert response.status_code == 409
    assert "Este es el plan nuevo" in text(response)
    assert booth_of(late) is None
    assert (
        db.session.scalar(db.select(db.func.count()).where(Application.booth_id.is_not(None))) == 0
    )


def test_auto_assignment_explains_who_is_left_out(app, make, fair):
    [booth] = make.grid(fair, 1, 1)
    approved(make, fair)
    left_out = approved(make, fair, needs_power=True)
    with app.test_request_context():
        preview = preview_auto_assignment(fair)
    assert [(b.code) for _, b in preview.placed] == [booth.code]
    assert [(a.id, reason) for a, reason in preview.unassigned] == [
        (left_out.id, "no_booth_with_power")
    ]


def test_food_vendors_go_to_the_food_zone(app, make, fair, organizer):
    make.grid(fair, 1, 2)
    food_booth = db.session.scalar(db.select(Booth).where(Booth.code == "A-02"))
    food_booth.zone = "food"
    db.session.commit()
    cook = approved(make, fair, "food")
    potter = approved(make, fair, "crafts")
    with app.test_request_context():
        save_auto_assignment(organizer, fair, preview_auto_assignment(fair).digest)
        db.session.commit()
    assert (booth_of(cook), booth_of(potter)) == ("A-02", "A-01")


# --- two organisers at the same moment ----------------------------------------------------


@pytest.mark.postgres
def test_two_organisers_assigning_the_same_booth_at_once_one_wins(app, make, fair):
    [booth] = make.grid(fair, 1, 1)
    organisers = [make.organizer(), make.organizer()]
    contenders = [approved(make, fair), approved(make, fair)]
    ids = [(o.id, a.id) for o, a in zip(organisers, contenders, strict=True)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def organiser(user_id: int, application_id: int) -> None:
        from marketplace.core.auth.models import User

        with app.app_context(), app.test_request_context():
            user = db.session.get(User, user_id)
            application = db.session.get(Application, application_id)
            target = db.session.get(Booth, booth.id)
            barrier.wait()
            try:
                booking.assign_booth(user, application, target)
                db.session.commit()
                outcomes.append("won")
            except Refused as e:
                db.session.rollback()
                outcomes.append(str(e))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=organiser, args=pair) for pair in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["El puesto A-01 ya está ocupado. Elija otro, por favor.", "won"]
    holders = db.session.scalars(db.select(Application.id).where(Application.booth_id == booth.id))
    assert len(list(holders)) == 1


def test_map_links_free_fitting_booths_to_preselect_them(client, make, fair, organizer):
    free, taken = make.grid(fair, 1, 2)
    approved(make, fair, booth=taken)
    application = approved(make, fair)
    url = f"/admin/fairs/{fair.id}/applications/{application.id}"
    page = text(client.get(url))
    assert "<svg" in page
    assert f"{url}?booth={free.id}#booth-form" in page
    assert f"booth={taken.id}" not in page
    chosen = text(client.get(f"{url}?booth={free.id}"))
    assert f'<option value="{free.id}" selected>' in chosen
    assert booth_of(application) is None  # choosing on the map saves nothing
