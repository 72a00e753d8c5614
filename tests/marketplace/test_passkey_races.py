"""One signed passkey answer sent twice at the same moment, on PostgreSQL with real connections:
a phone's retry racing the first request, or a copied request. It signs in once.

Each request comes from a test client of its own, in its own thread, app context and database
connection, all released together by a barrier; both carry the same session cookie, so both
find the challenge in their session and only the database can tell them apart.
"""

import threading

import pytest

from marketplace.core.auth.passkeys.models import Passkey, PasskeyChallenge
from marketplace.core.database import db
from tests.marketplace.soft_authenticator import SoftAuthenticator
from tests.marketplace.test_passkeys import SIGN_IN, begin_sign_in, create_passkey

pytestmark = pytest.mark.postgres

ROUNDS = 4


def send_together(app, cookie: str, body: dict, copies: int = 2) -> list:
    barrier = threading.Barrier(copies)
    answers = [None] * copies

    def send(n):
        client = app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait()
        response = client.post(SIGN_IN, json=body)
        answers[n] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=send, args=(n,)) for n in range(copies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.parametrize("counter", [None, 0], ids=["never-counts", "counts"])
def test_the_same_answer_sent_twice_at_once_signs_in_once(app, make, client, auth, counter):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    phone = SoftAuthenticator(counter=counter)
    assert create_passkey(client, phone).status_code == 201
    for _round in range(ROUNDS):
        auth.logout()
        options = begin_sign_in(client)
        body = {"credential": phone.get(options)}
        answers = send_together(app, client.get_cookie("session").value, body)
        statuses = sorted(status for status, _json in answers)
        assert statuses == [200, 400], answers
        refused = next(json for status, json in answers if status == 400)
        assert refused["error"]["code"] == "challenge_used"
        db.session.expire_all()
        assert db.session.scalar(db.select(db.func.count(PasskeyChallenge.id))) == 0
        stored = db.session.scalar(db.select(Passkey.sign_count))
        assert stored == (0 if counter is None else phone.counter)
