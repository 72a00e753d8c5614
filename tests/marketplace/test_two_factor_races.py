"""The same code sent twice at the same moment, on real concurrent PostgreSQL connections: two
browsers waiting at the second step of one account sign in once."""

import threading

import pytest
from sqlalchemy import select

from marketplace.core.auth import two_factor
from marketplace.core.auth.models import RecoveryCode
from marketplace.core.database import db
from tests.factories import PASSWORD, TOTP_SECRET
from tests.signin import code_at

pytestmark = pytest.mark.postgres


def waiting_for_code(app, email, n):
    """n browsers that each passed the password step of the same account."""
    browsers = []
    for _ in range(n):
        browser = app.test_client()
        answer = browser.post("/login", data={"email": email, "password": PASSWORD})
        assert answer.headers["Location"] == "/login/code"
        browsers.append(browser)
    return browsers


def at_once(browsers, code) -> list[int]:
    barrier = threading.Barrier(len(browsers))
    statuses = [None] * len(browsers)

    def send(i, browser):
        barrier.wait(timeout=30)
        statuses[i] = browser.post("/login/code", data={"code": code}).status_code

    threads = [threading.Thread(target=send, args=(i, b)) for i, b in enumerate(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def signed_in(browsers) -> int:
    return sum(b.get("/admin/").status_code == 200 for b in browsers)


@pytest.mark.parametrize("tries", range(3))
def test_one_code_sent_twice_at_once_signs_in_once(app, make, tries):
    make.organizer(email="org@example.hn")
    browsers = waiting_for_code(app, "org@example.hn", 4)
    statuses = at_once(browsers, code_at(TOTP_SECRET, two_factor.current_step()))
    assert sorted(statuses) == [302, 401, 401, 401]
    assert signed_in(browsers) == 1


@pytest.mark.parametrize("tries", range(3))
def test_one_recovery_code_sent_twice_at_once_works_once(app, make, tries):
    user = make.organizer(email="org@example.hn")
    code = two_factor.replace_recovery_codes(user)[0]
    db.session.commit()
    browsers = waiting_for_code(app, "org@example.hn", 4)
    statuses = at_once(browsers, code)
    assert sorted(statuses) == [302, 401, 401, 401]
    assert signed_in(browsers) == 1
    db.session.expire_all()
    used = db.session.scalars(select(RecoveryCode.used_at).where(RecoveryCode.user_id == user.id))
    assert sum(u is not None for u in used) == 1
