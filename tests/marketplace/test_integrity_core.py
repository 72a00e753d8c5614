"""The app-wide integrity pieces: ids, integers, text, refusals, one-time keys, guarded moves."""

import threading

import pytest
from flask import url_for
from wtforms import StringField

from fairs.fairs.models import FAIR_TRANSITIONS, Fair, FairStatus
from marketplace.app import create_app
from marketplace.core.audit import AuditEntry
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.core.forms import Form
from marketplace.core.inputs import MAX_ID, to_id, to_int
from marketplace.core.states import Lifecycle
from marketplace.core.submissions import Submission, claim, done, new_key

FAIR_STATES = Lifecycle(Fair, FAIR_TRANSITIONS)


@pytest.fixture(scope="module")
def side_app(app):
    """A second app on the same database, with a few routes that exercise the pieces."""
    side = create_app(
        {
            "APP_ENV": "testing",
            "INSTANCE_PATH": app.instance_path,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )

    @side.post("/try/refuse")
    @side.post("/api/v1/try/refuse")
    def refuse():
        db.session.add(AuditEntry(action="try.refused", target_type="try", target_id=1))
        db.session.flush()
        raise Refused("No se puede.", code="nope")

    @side.post("/try/once")
    def once():
        submission = claim("try")
        entry = AuditEntry(action="try.once", target_type="try", target_id=1)
        db.session.add(entry)
        db.session.flush()
        response = done(submission, url_for("home.index", made=entry.id), "Hecho.")
        db.session.commit()
        return response

    @side.post("/try/fail")
    def fail():
        claim("try")
        return "invalid", 422

    yield side
    with side.app_context():
        db.engine.dispose()


@pytest.fixture
def side(side_app):
    with side_app.app_context():
        yield side_app.test_client()


def _entries(action):
    return db.session.scalar(
        db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == action)
    )


# Ids and integers


@pytest.mark.parametrize("raw", ["0", "2147483648", "9223372036854775808", "01", "-1"])
def test_ids_out_of_range_are_not_found_not_errors(client, raw):
    assert client.get(f"/products/{raw}").status_code == 404
    response = client.get(f"/api/v1/products/{raw}")
    assert response.status_code == 404
    assert response.is_json


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        (" 7 ", 7),
        (12, 12),
        (MAX_ID, MAX_ID),
        (MAX_ID + 1, None),
        (2**63, None),
        ("9" * 30, None),
        ("0", None),
        ("-3", None),
        ("--0", None),
        ("1.5", None),
        (1.0, None),
        (True, None),
        ("٣", None),  # a digit, but not one a person types into a price
        (None, None),
        ({"id": 1}, None),
    ],
)
def test_to_id_accepts_only_database_ids(value, expected):
    assert to_id(value) == expected


def test_to_int_honours_its_range():
    assert to_int("0", minimum=0) == 0
    assert to_int("-5", minimum=-10, maximum=10) == -5
    assert to_int("11", maximum=10) is None


# Text and missing fields


class _NameForm(Form):
    name = StringField()
    year = StringField()


@pytest.mark.parametrize("bad", ["Ana\x00", "Ana\u202egnp.exe", "x\u2066y\u2069"])
def test_forms_refuse_control_characters(app, bad):
    with app.test_request_context(method="POST", data={"name": bad, "year": ""}):
        form = _NameForm()
        assert not form.validate()
        assert "invisible" in form.name.errors[0] or "invisibles" in form.name.errors[0]


def test_forms_keep_ordinary_spanish_text(app):
    with app.test_request_context(method="POST", data={"name": "Café Ñandú – «niña»", "year": ""}):
        assert _NameForm().validate()


def test_a_field_not_sent_does_not_fall_back_to_a_stored_number(app):
    class Stored:
        name = "Ana"
        year = 2019

    with app.test_request_context(method="POST", data={"name": "Ana"}):
        form = _NameForm(obj=Stored())
        assert form.year.data is None
        assert form.validate()


# Refused


def test_refusal_rolls_back_and_returns_to_the_form_with_the_message(side):
    response = side.post("/try/refuse", headers={"Referer": "http://localhost/fairs/"})
    assert response.status_code == 303
    assert response.headers["Location"] == "http://localhost/fairs/"
    with side.session_transaction() as session:
        assert ("error", "No se puede.") in session["_flashes"]
    assert _entries("try.refused") == 0


def test_refusal_without_a_page_to_return_to_shows_the_message(side):
    response = side.post("/try/refuse")
    assert response.status_code == 409
    assert "No se puede." in response.get_data(as_text=True)


def test_refusal_in_the_api_is_json(side):
    response = side.post("/api/v1/try/refuse")
    assert response.status_code == 409
    assert response.get_json() == {"error": {"code": "nope", "message": "No se puede."}}
    assert _entries("try.refused") == 0


def test_a_referrer_from_another_site_is_not_followed(side):
    response = side.post("/try/refuse", headers={"Referer": "https://evil.example/"})
    assert response.status_code == 409


# One-time submission keys


def test_a_repeated_key_answers_with_the_first_result(side):
    key = new_key()
    first = side.post("/try/once", data={"submission_key": key})
    second = side.post("/try/once", data={"submission_key": key})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _entries("try.once") == 1
    with side.session_transaction() as session:
        assert ("success", "Hecho.") in session["_flashes"]


def test_different_keys_act_each_time(side):
    side.post("/try/once", data={"submission_key": new_key()})
    side.post("/try/once", data={"submission_key": new_key()})
    assert _entries("try.once") == 2


@pytest.mark.parametrize("key", ["short", "x" * 65, "bad key with spaces!!", "é" * 20])
def test_a_malformed_key_is_refused(side, key):
    assert side.post("/try/once", data={"submission_key": key}).status_code == 400
    assert _entries("try.once") == 0


def test_a_failed_submission_leaves_its_key_free(side):
    key = new_key()
    assert side.post("/try/fail", data={"submission_key": key}).status_code == 422
    db.session.remove()  # what the end of a real request does (tests keep the context open)
    assert db.session.scalar(db.select(Submission).where(Submission.key == key)) is None
    assert side.post("/try/once", data={"submission_key": key}).status_code == 303
    assert _entries("try.once") == 1


def test_a_key_used_by_someone_else_is_refused(side_app, make):
    ana, luis = make.user().email, make.user().email
    db.session.commit()  # SQLite: let the other app's requests write
    key = new_key()
    with side_app.app_context():
        first = side_app.test_client()
        first.post("/login", data={"email": ana, "password": "correct-horse-9"})
        assert first.post("/try/once", data={"submission_key": key}).status_code == 303
        other = side_app.test_client()
        other.post("/login", data={"email": luis, "password": "correct-horse-9"})
        assert other.post("/try/once", data={"submission_key": key}).status_code == 409
    assert _entries("try.once") == 1


@pytest.mark.postgres
def test_a_double_tap_at_the_same_instant_acts_once(side_app):
    key = new_key()
    barrier = threading.Barrier(4)
    answers = []

    def tap():
        with side_app.app_context():
            client = side_app.test_client()
            barrier.wait()
            answers.append(client.post("/try/once", data={"submission_key": key}))
            db.session.remove()

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [303] * 4
    assert len({a.headers["Location"] for a in answers}) == 1
    assert _entries("try.once") == 1


# Guarded status moves


def test_a_move_outside_the_table_is_refused(make):
    fair = make.fair(status=FairStatus.DRAFT)
    with pytest.raises(Refused):
        FAIR_STATES.move(fair, FairStatus.LIVE)
    db.session.rollback()
    assert db.session.get(Fair, fair.id).status == FairStatus.DRAFT


def test_a_move_from_a_stale_status_loses(make):
    fair = make.fair(status=FairStatus.OPEN)
    # Another organiser's change, which this session has not seen.
    db.session.execute(
        db.update(Fair)
        .where(Fair.id == fair.id)
        .values(status="closed")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Refused, match="Someone else|Otra persona"):
        FAIR_STATES.move(fair, FairStatus.CANCELLED)


def test_a_move_updates_the_row_and_the_object(make):
    fair = make.fair(status=FairStatus.OPEN)
    FAIR_STATES.move(fair, FairStatus.CLOSED)
    db.session.commit()
    assert fair.status == FairStatus.CLOSED
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).status == FairStatus.CLOSED


@pytest.mark.postgres
def test_two_moves_at_once_one_wins_and_the_other_is_told(app, make):
    fair_id = make.fair(status=FairStatus.OPEN).id
    barrier = threading.Barrier(2)
    outcomes = []

    def organiser(to):
        with app.app_context():
            fair = db.session.get(Fair, fair_id)
            barrier.wait()
            try:
                FAIR_STATES.move(fair, to)
                db.session.commit()
                outcomes.append(("won", to))
            except Refused as e:
                db.session.rollback()
                outcomes.append(("lost", e.message))
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=organiser, args=(to,))
        for to in (FairStatus.CLOSED, FairStatus.CANCELLED)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(kind for kind, _ in outcomes) == ["lost", "won"]
    winner = next(to for kind, to in outcomes if kind == "won")
    db.session.expire_all()
    assert db.session.get(Fair, fair_id).status == winner


def test_prune_forgets_only_old_keys(runner):
    from datetime import timedelta

    from marketplace.core.auth.models import utcnow

    db.session.add_all(
        [
            Submission(kind="try", key=new_key(), created_at=utcnow() - timedelta(days=40)),
            Submission(kind="try", key=new_key(), created_at=utcnow() - timedelta(days=2)),
        ]
    )
    db.session.commit()
    result = runner.invoke(args=["submissions", "prune"])
    assert "Removed 1 submission key(s)." in result.output
    assert db.session.scalar(db.select(db.func.count(Submission.id))) == 1
