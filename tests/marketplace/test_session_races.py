"""Ending sessions at the same moment, on real concurrent PostgreSQL connections: two devices
signing out the same third one, a double tap on sign-out, two devices each signing the other
out, and "sign out everywhere else" racing a sign-in."""

import threading

import pytest

from marketplace.core.auth.models import UserSession
from marketplace.core.database import db
from tests.factories import PASSWORD
from tests.signin import sign_in

pytestmark = pytest.mark.postgres

ACCOUNT = "http://localhost/account"


def signed_in(app, email="ana@example.hn"):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(client, email).status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def at_once(calls) -> list:
    """Run each (function, *args) in its own thread, all released together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn, *args):
        barrier.wait()
        results[i] = fn(*args)

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.rollback()
    return results


def post_from_account(client, url):
    """A button on the account page: the browser sends the page as Referer."""
    response = client.post(url, headers={"Referer": ACCOUNT})
    with client.session_transaction() as s:
        messages = [m for _c, m in s.pop("_flashes", [])]
    return response.status_code, messages


def session_ids(user_id) -> list[int]:
    db.session.rollback()
    return list(
        db.session.scalars(
            db.select(UserSession.id).where(UserSession.user_id == user_id).order_by(UserSession.id)
        )
    )


def test_two_devices_signing_out_the_same_third_one_at_once(app, make):
    user = make.user(email="ana@example.hn")
    a, b, c = (signed_in(app) for _ in range(3))
    a_id, b_id, c_id = session_ids(user.id)
    url = f"/account/sessions/{c_id}/end"
    results = at_once([(post_from_account, a, url), (post_from_account, b, url)])
    assert [status for status, _m in results] == [303, 303]
    messages = sorted(m[0] for _s, m in results)
    assert messages == ["That device is signed out now.", "That session had already ended."]
    assert session_ids(user.id) == [a_id, b_id]
    assert not is_signed_in(c)
    assert is_signed_in(a) and is_signed_in(b)


def test_sign_out_tapped_twice_at_once(app, make):
    user = make.user(email="ana@example.hn")
    phone = signed_in(app)
    twin = app.test_client()  # the same cookies sent by a second tap
    twin.set_cookie("session", phone.get_cookie("session").value)
    responses = at_once([(phone.post, "/logout"), (twin.post, "/logout")])
    assert [r.status_code for r in responses] == [302, 302]
    assert session_ids(user.id) == []
    assert not is_signed_in(phone) and not is_signed_in(twin)


def test_two_devices_each_signing_the_others_out_at_once_leaves_one(app, make):
    user = make.user(email="ana@example.hn")
    a, b = signed_in(app), signed_in(app)
    results = at_once(
        [
            (post_from_account, a, "/account/sessions/end-others"),
            (post_from_account, b, "/account/sessions/end-others"),
        ]
    )
    # The loser was ended either while it waited for the winner (told so) or before its
    # request was even read (then it is simply signed out and sent to sign in).
    loser = {
        (303, "This session was ended from another device. Please sign in again."),
        (302, "Please sign in to see this page."),
    }
    outcomes = sorted((status, m[0]) for status, m in results)
    winner = (303, "Signed out on 1 other device. You are still signed in here.")
    assert winner in outcomes
    outcomes.remove(winner)
    assert outcomes[0] in loser
    assert len(session_ids(user.id)) == 1
    assert sorted([is_signed_in(a), is_signed_in(b)]) == [False, True]


def test_sign_out_everywhere_racing_a_sign_in_leaves_a_consistent_state(app, make):
    user = make.user(email="ana@example.hn")
    here, old = signed_in(app), signed_in(app)
    newcomer = app.test_client()
    newcomer.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def ana_signs_in():
        return newcomer.post("/login", data={"email": "ana@example.hn", "password": PASSWORD})

    (status, messages), login = at_once(
        [(post_from_account, here, "/account/sessions/end-others"), (ana_signs_in,)]
    )
    assert status == 303 and login.status_code == 302
    ended = 2 if "2 other devices" in messages[0] else 1
    assert f"Signed out on {ended} other device" in messages[0]
    assert not is_signed_in(old)
    assert is_signed_in(here)
    # The newcomer was either ended with the others (counted) or is signed in and listed.
    assert is_signed_in(newcomer) == (ended == 1)
    assert len(session_ids(user.id)) == (2 if ended == 1 else 1)
    listed = here.get("/account").get_data(as_text=True).count('class="session"')
    assert listed == len(session_ids(user.id))


def test_an_administrator_deactivating_while_the_person_signs_in(app, make):
    make.admin(email="admin@example.hn")
    user = make.user(email="ana@example.hn")
    admin = signed_in(app, "admin@example.hn")
    newcomer = app.test_client()

    def ana_signs_in():
        return newcomer.post("/login", data={"email": "ana@example.hn", "password": PASSWORD})

    deactivated, login = at_once(
        [(admin.post, f"/admin/users/{user.id}/deactivate"), (ana_signs_in,)]
    )
    assert deactivated.status_code == 303 and login.status_code in (302, 401)
    # Whichever came first, the deactivated account has no session that signs anyone in.
    assert not is_signed_in(newcomer)
