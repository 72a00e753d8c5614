"""Server-side sessions: signing out signs out, copied cookies die with their session, and the
account page shows and ends a person's sessions."""

import re
from datetime import timedelta

import pytest

from marketplace.core.audit import AuditEntry
from marketplace.core.auth import sessions
from marketplace.core.auth.models import User, UserSession, utcnow
from marketplace.core.database import db
from tests import signin
from tests.factories import PASSWORD
from tests.marketplace.test_auth import _reset_link

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 13; SM-A045M) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def browser(app, user_agent=ANDROID_CHROME, address="190.53.12.77"):
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    return client


def sign_in(client, email="ana@example.hn", remember=False, password=PASSWORD):
    """The password, and for staff the code from the app too."""
    response = signin.sign_in(client, email, password, **({"remember": "y"} if remember else {}))
    assert response.status_code == 302, response.status_code
    return client


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def rows(user_id=None) -> list[UserSession]:
    """The session rows as they are now, detached; the test's transaction ends, as SQLite's
    write lock must not stay with the test while the app serves requests."""
    db.session.rollback()  # nor a read snapshot from before the app's last write
    query = db.select(UserSession).order_by(UserSession.id)
    if user_id is not None:
        query = query.where(UserSession.user_id == user_id)
    found = list(db.session.scalars(query))
    for row in found:
        db.session.expunge(row)
    db.session.rollback()
    return found


def copy_cookies(app, source, *names):
    """A second browser holding copies of some of the first one's cookies."""
    thief = browser(app, WINDOWS_FIREFOX, "10.9.8.7")
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def flashes(client) -> list[str]:
    with client.session_transaction() as s:
        return [message for _category, message in s.get("_flashes", [])]


def test_cookies_carry_only_the_session_key_and_the_table_only_its_hash(app, make):
    make.user(email="ana@example.hn")
    client = sign_in(browser(app), remember=True)
    with client.session_transaction() as s:
        key = s["_user_id"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)
    assert client.get_cookie("remember_token").value.startswith(key + "|")
    (row,) = rows()
    assert row.key_hash != key and key not in row.key_hash and len(row.key_hash) == 64


def test_a_copied_session_cookie_is_dead_after_sign_out(app, make):
    make.user(email="ana@example.hn")
    client = sign_in(browser(app))
    thief = copy_cookies(app, client, "session")
    assert signed_in(thief)  # the copy works while the session lives
    client.post("/logout")
    assert rows() == []
    assert not signed_in(client)
    assert not signed_in(thief)


def test_sign_out_deletes_the_remember_cookie_and_a_copy_of_it_mints_no_session(app, make):
    make.user(email="ana@example.hn")
    client = sign_in(browser(app), remember=True)
    thief = copy_cookies(app, client, "remember_token")
    response = client.post("/logout")
    assert "remember_token=;" in " ".join(response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("remember_token") is None
    assert not signed_in(client)
    assert not signed_in(thief)
    assert rows() == []
    # The dead cookie is removed from the browser that still sent it.
    assert thief.get_cookie("remember_token") is None


def test_before_sign_out_the_remember_cookie_alone_signs_in_a_new_browser(app, make):
    user = make.user(email="ana@example.hn")
    client = sign_in(browser(app), remember=True)
    later = copy_cookies(app, client, "remember_token")  # the browser restarted: no session
    assert signed_in(later)
    with later.session_transaction() as s:
        assert s["_user_id"]  # it has a session of its own now, on the same row
    (row,) = rows(user.id)
    assert row.remember
    page = later.get("/account").get_data(as_text=True)
    assert page.count('class="session"') == 1 and "Este dispositivo" in page


def test_the_account_page_lists_sessions_and_signs_out_another(app, make):
    user = make.user(email="ana@example.hn")
    phone = sign_in(browser(app, ANDROID_CHROME, "190.53.12.77"))
    laptop = sign_in(browser(app, WINDOWS_FIREFOX, "2800:bf0:8000:1:2:3:4:5"), remember=True)
    page = phone.get("/account")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Chrome en Android" in html and "Firefox en Windows" in html
    assert "Red 190.53.12.0/24" in html and "Red 2800:bf0:8000::/48" in html
    assert "190.53.12.77" not in html and "2800:bf0:8000:1" not in html
    assert html.count("Este dispositivo") == 1 and "Sesión mantenida abierta" in html
    phone_row, laptop_row = rows(user.id)
    assert (phone_row.network, laptop_row.network) == ("190.53.12.0/24", "2800:bf0:8000::/48")

    response = phone.post(f"/account/sessions/{laptop_row.id}/end")
    assert response.status_code == 303 and response.location.endswith("/account")
    assert "Se cerró la sesión en ese dispositivo." in flashes(phone)
    assert [r.id for r in rows(user.id)] == [phone_row.id]
    assert not signed_in(laptop)
    assert signed_in(phone)


def test_the_account_page_needs_a_signed_in_person(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.location


def test_ending_this_device_from_the_list_signs_out(app, make):
    user = make.user(email="ana@example.hn")
    phone = sign_in(browser(app), remember=True)
    (row,) = rows(user.id)
    response = phone.post(f"/account/sessions/{row.id}/end")
    assert response.status_code == 302
    assert rows() == [] and not signed_in(phone)
    assert phone.get_cookie("remember_token") is None


def test_sign_out_everywhere_else(app, make):
    user = make.user(email="ana@example.hn")
    make.user(email="otra@example.hn")
    mine = [sign_in(browser(app)) for _ in range(3)]
    theirs = sign_in(browser(app), "otra@example.hn")
    response = mine[0].post("/account/sessions/end-others")
    assert response.status_code == 303
    assert "Se cerró la sesión en 2 dispositivos más." in flashes(mine[0])[0]
    assert [signed_in(c) for c in mine] == [True, False, False]
    assert len(rows(user.id)) == 1
    assert signed_in(theirs)  # another person's sessions are theirs
    # A second click changes nothing and says so.
    again = mine[0].post("/account/sessions/end-others", follow_redirects=True)
    assert "No tenía la sesión abierta en ningún otro lugar." in again.get_data(as_text=True)
    assert signed_in(mine[0])


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, make):
    user = make.user(email="ana@example.hn")
    here = sign_in(browser(app))
    elsewhere = sign_in(browser(app), remember=True)
    kept = here.get_cookie("session").value
    response = here.post(
        "/account/password",
        data={"current": PASSWORD, "password": "nueva-clave-9", "confirm": "nueva-clave-9"},
    )
    assert response.status_code == 302 and response.location.endswith("/account")
    assert signed_in(here)
    assert here.get_cookie("session").value and kept  # the same session goes on
    assert not signed_in(elsewhere)
    assert len(rows(user.id)) == 1


def test_a_password_reset_ends_every_session_and_starts_a_new_one(app, make):
    user = make.user(email="ana@example.hn")
    before = [sign_in(browser(app)), sign_in(browser(app), remember=True)]
    old_ids = {r.id for r in rows(user.id)}
    forgot = browser(app)
    forgot.post("/password/reset", data={"email": "ana@example.hn"})
    done = forgot.post(
        _reset_link(app), data={"password": "otra-clave-77", "confirm": "otra-clave-77"}
    )
    assert done.status_code == 302
    assert [signed_in(c) for c in before] == [False, False]
    assert signed_in(forgot)
    (row,) = rows(user.id)
    assert row.id not in old_ids


def test_a_reset_link_still_works_once_only(app, make):
    make.user(email="ana@example.hn")
    client = browser(app)
    client.post("/password/reset", data={"email": "ana@example.hn"})
    link = _reset_link(app)
    client.post(link, data={"password": "otra-clave-77", "confirm": "otra-clave-77"})
    client.post("/logout")
    again = client.post(link, data={"password": "tercera-clave", "confirm": "tercera-clave"})
    assert again.status_code == 400
    assert (
        client.post(
            "/login", data={"email": "ana@example.hn", "password": "otra-clave-77"}
        ).status_code
        == 302
    )


def test_an_administrator_deactivating_an_account_ends_its_sessions(app, make):
    make.admin(email="admin@example.hn")
    user = make.user(email="ana@example.hn")
    phone = sign_in(browser(app), remember=True)
    admin = sign_in(browser(app), "admin@example.hn")
    response = admin.post(f"/admin/users/{user.id}/deactivate")
    assert response.status_code == 303
    assert "ana@example.hn ya no puede iniciar sesión" in flashes(admin)[0]
    assert not signed_in(phone) and rows(user.id) == []
    assert (
        browser(app)
        .post("/login", data={"email": "ana@example.hn", "password": PASSWORD})
        .status_code
        == 401
    )
    assert (
        db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.target_id == user.id))
        == "user.deactivated"
    )
    # A second click says it already was; reactivating lets the person sign in again.
    twice = admin.post(f"/admin/users/{user.id}/deactivate")
    assert twice.status_code == 409
    assert "Esta cuenta ya estaba desactivada." in twice.get_data(as_text=True)
    assert admin.post(f"/admin/users/{user.id}/reactivate").status_code == 303
    assert sign_in(browser(app))


def test_an_administrator_signs_an_account_out_everywhere_and_it_stays_active(app, make):
    make.admin(email="admin@example.hn")
    make.organizer(email="org@example.hn")
    user = make.user(email="ana@example.hn")
    phone, laptop = sign_in(browser(app), remember=True), sign_in(browser(app))
    organiser = sign_in(browser(app), "org@example.hn")
    assert organiser.post(f"/admin/users/{user.id}/sign-out").status_code == 403
    assert signed_in(phone) and signed_in(laptop)
    admin = sign_in(browser(app), "admin@example.hn")
    response = admin.post(f"/admin/users/{user.id}/sign-out")
    assert response.status_code == 303
    assert "Se cerró la sesión en 2 dispositivos." in flashes(admin)[0]
    assert not signed_in(phone) and not signed_in(laptop) and rows(user.id) == []
    assert (
        db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.target_id == user.id))
        == "user.signed_out"
    )
    # A second click ends nothing and says so; the person can sign in again at once.
    admin.post(f"/admin/users/{user.id}/sign-out")
    assert "no tenía la sesión abierta" in flashes(admin)[-1]
    assert admin.post("/admin/users/999999/sign-out").status_code == 404
    assert signed_in(sign_in(browser(app)))


def test_deactivation_is_for_administrators_and_not_of_oneself(app, make):
    admin_user = make.admin(email="admin@example.hn")
    make.organizer(email="org@example.hn")
    user = make.user(email="ana@example.hn")
    organiser = sign_in(browser(app), "org@example.hn")
    assert organiser.post(f"/admin/users/{user.id}/deactivate").status_code == 403
    admin = sign_in(browser(app), "admin@example.hn")
    own = admin.post(f"/admin/users/{admin_user.id}/deactivate")
    assert own.status_code == 409
    assert "Usted no puede desactivar su propia cuenta." in own.get_data(as_text=True)
    assert admin.post("/admin/users/999999/deactivate").status_code == 404
    db.session.expire_all()
    assert all(u.active for u in db.session.scalars(db.select(User)))
    assert signed_in(admin)


def test_deleting_ones_account_ends_its_sessions(app, make):
    vendor = make.vendor(user=make.user(email="rosa@example.hn"))
    phone = sign_in(browser(app), "rosa@example.hn")
    other = sign_in(browser(app), "rosa@example.hn", remember=True)
    response = phone.post("/me/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert rows(vendor.user_id) == []
    assert not signed_in(other)


def test_another_persons_session_cannot_be_signed_out(app, make):
    make.user(email="ana@example.hn")
    other = make.user(email="otra@example.hn")
    mine = sign_in(browser(app))
    theirs = sign_in(browser(app), "otra@example.hn")
    (their_row,) = rows(other.id)
    response = mine.post(f"/account/sessions/{their_row.id}/end")
    assert response.status_code == 404
    assert [r.id for r in rows(other.id)] == [their_row.id]
    assert signed_in(theirs) and signed_in(mine)
    assert "otra@example.hn" not in mine.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "01", "99999999999", "1.5", "%00"])
def test_bad_session_ids_are_not_found(app, make, bad):
    make.user(email="ana@example.hn")
    client = sign_in(browser(app))
    response = client.post(f"/account/sessions/{bad}/end")
    assert response.status_code == 404
    assert "No encontramos esta página" in response.get_data(as_text=True)
    assert len(rows()) == 1 and signed_in(client)


def test_a_session_that_already_ended_says_so(app, make):
    user = make.user(email="ana@example.hn")
    phone = sign_in(browser(app))
    laptop = sign_in(browser(app))
    laptop_row = rows(user.id)[1]
    laptop.post("/logout")
    # The phone's account page was open from before: its button names the ended session.
    response = phone.post(
        f"/account/sessions/{laptop_row.id}/end", headers={"Referer": "http://localhost/account"}
    )
    assert response.status_code == 303
    assert "Esa sesión ya estaba cerrada." in flashes(phone)
    unknown = phone.post("/account/sessions/424242/end")
    assert unknown.status_code == 409
    assert "Esa sesión ya estaba cerrada." in unknown.get_data(as_text=True)
    assert signed_in(phone)


def test_the_account_buttons_only_accept_posts(app, make):
    make.user(email="ana@example.hn")
    client = sign_in(browser(app))
    assert client.get("/account/sessions/end-others").status_code == 405
    assert len(rows()) == 1


def test_signing_out_when_not_signed_in_is_harmless(client):
    response = client.post("/logout")
    assert response.status_code == 302


def test_garbage_in_the_cookie_signs_nobody_in(app, make):
    make.user(email="ana@example.hn")
    client = sign_in(browser(app))
    for value in ["1:abcdef", "", "x" * 43 + "'", "ñ" * 43, "a" * 43]:
        with client.session_transaction() as s:
            s["_user_id"] = value
        assert not signed_in(client)
    assert len(rows()) == 1


def age(row_id, **ago):
    """Pretend a session was last used (and begun) some time ago."""
    then = utcnow() - timedelta(**ago)
    db.session.rollback()  # a snapshot from before the app's last write could not write
    db.session.execute(
        db.update(UserSession)
        .where(UserSession.id == row_id)
        .values(last_seen_at=then, created_at=then)
    )
    db.session.commit()


def test_sessions_end_after_their_idle_time_and_remembered_ones_last_longer(app, make):
    user = make.user(email="ana@example.hn")
    plain = sign_in(browser(app))
    kept = sign_in(browser(app), remember=True)
    plain_row, kept_row = rows(user.id)
    age(plain_row.id, hours=25)
    age(kept_row.id, hours=25)
    assert not signed_in(plain)
    assert signed_in(kept)
    age(kept_row.id, days=15)
    assert not signed_in(kept)


def test_a_session_ends_after_its_lifetime_even_if_used(app, make):
    user = make.user(email="ana@example.hn")
    client = sign_in(browser(app))
    (row,) = rows(user.id)
    db.session.execute(
        db.update(UserSession)
        .where(UserSession.id == row.id)
        .values(created_at=utcnow() - timedelta(days=8))
    )
    db.session.commit()
    assert rows(user.id)[0].last_seen_at > utcnow() - timedelta(minutes=1)  # it is in use
    assert not signed_in(client)


def test_last_seen_moves_at_most_every_few_minutes(app, make):
    user = make.user(email="ana@example.hn")
    client = sign_in(browser(app))
    (row,) = rows(user.id)
    first = row.last_seen_at
    for _ in range(3):
        assert signed_in(client)
    assert rows(user.id)[0].last_seen_at == first  # no write per request
    age(row.id, minutes=6)
    stale = rows(user.id)[0].last_seen_at
    assert signed_in(client)
    assert rows(user.id)[0].last_seen_at > stale + timedelta(minutes=5)
    # A form post (the request's own write transaction) moves it too.
    age(row.id, minutes=6)
    stale = rows(user.id)[0].last_seen_at
    client.post("/account/sessions/end-others")
    assert rows(user.id)[0].last_seen_at > stale + timedelta(minutes=5)


def test_prune_removes_expired_sessions_only(app, runner, make):
    user = make.user(email="ana@example.hn")
    live, idle, old = (sign_in(browser(app)) for _ in range(3))
    live_row, idle_row, old_row = rows(user.id)
    age(idle_row.id, days=2)
    age(old_row.id, days=40)
    result = runner.invoke(args=["sessions", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 2 expired session(s)." in result.output
    assert [r.id for r in rows()] == [live_row.id]
    assert signed_in(live)


def test_an_operator_can_sign_everyone_out(app, runner, make):
    make.user(email="ana@example.hn")
    make.user(email="rosa@example.hn")
    ana, rosa = sign_in(browser(app), remember=True), sign_in(browser(app), "rosa@example.hn")
    asked = runner.invoke(args=["sessions", "end-all"], input="n\n")
    assert asked.exit_code != 0 and signed_in(ana) and signed_in(rosa)
    result = runner.invoke(args=["sessions", "end-all", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Ended 2 session(s)." in result.output
    assert rows() == [] and not signed_in(ana) and not signed_in(rosa)
    assert signed_in(sign_in(browser(app)))


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (ANDROID_CHROME, ("Chrome", "Android")),
        (WINDOWS_FIREFOX, ("Firefox", "Windows")),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            ("Safari", "iOS"),
        ),
        ("", (None, None)),
        ("curl/8.5.0", ("curl", None)),
        ("\x00" * 5000, (None, None)),
    ],
)
def test_the_device_is_described_coarsely(user_agent, expected):
    assert sessions.describe_device(user_agent) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("190.53.12.77", "190.53.12.0/24"),
        ("2800:bf0:8000:1:2:3:4:5", "2800:bf0:8000::/48"),
        ("::ffff:190.53.12.77", "190.53.12.0/24"),
        ("not-an-address", None),
        (None, None),
    ],
)
def test_the_address_is_kept_coarse(address, expected):
    assert sessions.coarse_network(address) == expected


def test_the_header_links_to_the_account_page(app, make):
    make.user(email="ana@example.hn")
    client = sign_in(browser(app))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/account"' in page and "Mi cuenta" in page
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/account/password"' in account


def test_signing_in_again_in_the_same_browser_replaces_its_session(app, make):
    user = make.user(email="ana@example.hn")
    client = sign_in(browser(app))
    (first,) = rows(user.id)
    sign_in(client, remember=True)
    (second,) = rows(user.id)
    assert second.id != first.id and second.remember
    assert signed_in(client)
