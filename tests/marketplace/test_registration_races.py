"""Registration and its confirmation link at the same moment, on real concurrent PostgreSQL
connections: the link opened on a phone and a laptop at once, one e-mail registered twice."""

import threading

import pytest

from marketplace.core.auth.models import User
from marketplace.core.database import db
from tests import mailbox
from tests.marketplace.test_registration import confirmation_link, register

pytestmark = pytest.mark.postgres


def at_once(calls) -> list:
    """Run each call in its own thread, all released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    return results


def test_the_link_confirmed_on_two_devices_at_once_signs_in_one(app):
    mailbox.clear(app)
    register(app.test_client())
    link = confirmation_link(app, "rosa@example.hn")
    phone, laptop = app.test_client(), app.test_client()
    answers = at_once([lambda c=c: c.post(link) for c in (phone, laptop)])
    assert sorted(a.headers["Location"] for a in answers) == ["/login", "/me/profile"]
    assert [a.status_code for a in answers] == [303, 303]
    signed_in = [c.get("/me").status_code for c in (phone, laptop)]
    assert sorted(signed_in) == [200, 302]


def test_one_e_mail_registered_twice_at_once_makes_one_account(app):
    mailbox.clear(app)
    answers = at_once([lambda: register(app.test_client()) for _ in range(2)])
    assert [a.status_code for a in answers] == [303, 303]
    assert {a.headers["Location"] for a in answers} == {"/register/sent"}
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
    subjects = sorted(subject for subject, _ in mailbox.messages(app, "rosa@example.hn"))
    assert subjects == [
        "Alguien intentó registrarse en Mercado Retorno con su correo",
        "Confirme su correo en Mercado Retorno",
    ]
