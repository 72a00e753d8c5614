"""Random sequences of what entrepreneurs and organisers do to one fair, through the services:
whatever the order, the booths, check-ins and statuses stay consistent after every step."""

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from fairs.applications import services as applications
from fairs.applications.models import APPLICATION_TRANSITIONS, Application, ApplicationStatus
from fairs.applications.services import DECISIONS, Choices
from fairs.assignment import booking
from fairs.dayof import services as dayof
from fairs.fairs import services
from fairs.fairs.models import FAIR_TRANSITIONS, Fair, FairStatus
from fairs.layout.models import Booth
from marketplace.core.auth.models import User
from marketplace.core.database import db
from marketplace.core.errors import Refused
from tests.factories import Factories
from vendors.profiles.models import VendorProfile

VENDORS = 3
BOOTHS = 3
pick_vendor = st.integers(0, VENDORS - 1)
pick_booth = st.integers(0, BOOTHS - 1)


class FairDay(RuleBasedStateMachine):
    """One fair with three booths, three verified vendors and one organiser per example."""

    def __init__(self):
        super().__init__()
        make = Factories()
        fair = make.fair(status=FairStatus.OPEN)
        self.fair_id = fair.id
        self.booth_ids = [b.id for b in make.grid(fair, 1, BOOTHS)]
        self.vendor_ids = [make.applicant().id for _ in range(VENDORS)]
        self.organiser_id = make.organizer().id
        self.seen: dict[tuple[str, int], str] = {("fair", fair.id): fair.status}

    # --- what people do; a refusal must leave nothing behind ----------------------------

    def act(self, change) -> None:
        try:
            change()
        except Refused:
            db.session.rollback()
        else:
            db.session.commit()
        db.session.expire_all()

    def application(self, vendor: int) -> Application | None:
        return db.session.scalar(
            db.select(Application).where(
                Application.fair_id == self.fair_id,
                Application.vendor_id == self.vendor_ids[vendor],
            )
        )

    def with_application(self, vendor: int, change) -> None:
        application = self.application(vendor)
        if application is not None:
            self.act(lambda: change(application))

    @property
    def organiser(self) -> User:
        return db.session.get(User, self.organiser_id)

    @rule(vendor=pick_vendor)
    def apply(self, vendor):
        profile = db.session.get(VendorProfile, self.vendor_ids[vendor])
        fair = db.session.get(Fair, self.fair_id)
        self.act(lambda: applications.apply(profile, fair, Choices(categories=["crafts"])))

    @rule(vendor=pick_vendor, decision=st.sampled_from(sorted(DECISIONS)))
    def decide(self, vendor, decision):
        self.with_application(
            vendor, lambda a: applications.decide(self.organiser, a, decision, "")
        )

    @rule(vendor=pick_vendor)
    def withdraw(self, vendor):
        self.with_application(vendor, applications.withdraw)

    @rule(vendor=pick_vendor, booth=pick_booth)
    def assign(self, vendor, booth):
        target = db.session.get(Booth, self.booth_ids[booth])
        self.with_application(vendor, lambda a: booking.assign_booth(self.organiser, a, target))

    @rule(vendor=pick_vendor, other=pick_vendor)
    def swap(self, vendor, other):
        second = self.application(other)
        if second is not None:
            self.with_application(vendor, lambda a: booking.swap(self.organiser, a, second))

    @rule(vendor=pick_vendor)
    def unassign(self, vendor):
        self.with_application(vendor, lambda a: booking.unassign(self.organiser, a))

    @rule(vendor=pick_vendor)
    def free_booth(self, vendor):
        self.with_application(vendor, lambda a: dayof.free_booth(self.organiser, a))

    @rule(vendor=pick_vendor, undo=st.booleans())
    def check_in(self, vendor, undo):
        change = dayof.undo_check_in if undo else dayof.check_in
        self.with_application(vendor, lambda a: change(self.organiser, a))

    @rule(status=st.sampled_from(list(FairStatus)))
    def fair_status(self, status):
        fair = db.session.get(Fair, self.fair_id)
        self.act(lambda: services.change_status(self.organiser, fair, status.value))

    # --- what must hold after every step -------------------------------------------------

    def rows(self) -> list[Application]:
        return list(
            db.session.scalars(db.select(Application).where(Application.fair_id == self.fair_id))
        )

    @invariant()
    def one_booth_per_vendor_and_one_vendor_per_booth(self):
        held = [a for a in self.rows() if a.booth_id is not None]
        assert len({a.vendor_id for a in held}) == len(held)
        assert len({a.booth_id for a in held}) == len(held)
        assert {a.booth_id for a in held} <= set(self.booth_ids)

    @invariant()
    def only_approved_applications_hold_booths(self):
        for a in self.rows():
            if a.booth_id is not None:
                assert a.status == ApplicationStatus.APPROVED.value, a.status

    @invariant()
    def checked_in_only_with_a_booth(self):
        for a in self.rows():
            if a.checked_in_at is not None:
                assert a.booth_id is not None

    @invariant()
    def statuses_move_only_along_the_tables(self):
        fair = db.session.get(Fair, self.fair_id)
        current = {("fair", fair.id): fair.status}
        current.update({("application", a.id): a.status for a in self.rows()})
        for key, status in current.items():
            before = self.seen.get(key)
            if before is None:  # a new application starts as submitted
                assert status == ApplicationStatus.SUBMITTED.value
            elif before != status:
                table = FAIR_TRANSITIONS if key[0] == "fair" else APPLICATION_TRANSITIONS
                assert status in table[before], f"{key}: {before} -> {status}"
        self.seen = current


def test_random_sequences_keep_booths_and_statuses_consistent(app):
    with app.test_request_context():
        run_state_machine_as_test(
            FairDay, settings=settings(max_examples=30, stateful_step_count=20, deadline=None)
        )


@pytest.mark.parametrize("undo", [False, True])
def test_check_in_without_a_booth_is_refused_and_changes_nothing(app, make, undo):
    fair = make.fair(status=FairStatus.LIVE)
    application = make.application(fair, make.applicant(), status=ApplicationStatus.APPROVED)
    organiser = make.organizer()
    with app.test_request_context():
        if undo:
            dayof.undo_check_in(organiser, application)  # nothing to undo: no change
        else:
            with pytest.raises(Refused):
                dayof.check_in(organiser, application)
    db.session.rollback()
    assert db.session.get(Application, application.id).checked_in_at is None


def test_a_status_button_on_a_stale_page_is_refused(client, make, organizer):
    fair = make.fair(status=FairStatus.CLOSED)
    url = f"/admin/fairs/{fair.id}/status"
    assert client.post(url, data={"status": "live", "seen_status": "closed"}).status_code == 302
    # A second organiser's page still shows "closed"; "open" is allowed from there, not now.
    response = client.post(url, data={"status": "open", "seen_status": "closed"})
    assert response.status_code == 422
    assert "Otra persona cambió esto hace un momento" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).status == "live"


def test_a_decision_on_a_stale_page_is_refused(client, make, organizer):
    fair = make.fair()
    application = make.application(fair, make.applicant(), status=ApplicationStatus.APPROVED)
    url = f"/admin/fairs/{fair.id}/applications/{application.id}"
    response = client.post(
        f"{url}/decide",
        data={"decision": "rejected", "seen_status": "submitted"},
        headers={"Referer": f"http://localhost{url}"},
        follow_redirects=True,
    )
    assert "Otra persona cambió esta solicitud" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "approved"
