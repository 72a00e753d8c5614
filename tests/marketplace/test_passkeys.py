"""Passkeys: creating one, signing in with it, and every way an answer can be wrong.

The answers are real WebAuthn payloads made by a software authenticator (soft_authenticator.py:
a P-256 key, attestation "none", real signatures) and checked by py_webauthn, unmocked.
"""

import json
from datetime import timedelta

import pytest

from marketplace.app import create_app
from marketplace.core.auth.models import User, utcnow
from marketplace.core.auth.passkeys.models import Passkey, PasskeyChallenge
from marketplace.core.database import db
from marketplace.core.extensions import limiter
from tests.factories import PASSWORD
from tests.marketplace.soft_authenticator import SoftAuthenticator, b64

REG_OPTIONS = "/api/passkeys/registration/options"
REGISTER = "/api/passkeys/registration"
SIGN_IN_OPTIONS = "/api/passkeys/sign-in/options"
SIGN_IN = "/api/passkeys/sign-in"


def post_json(client, url, body=None):
    return client.post(url, json={} if body is None else body)


def create_passkey(client, authenticator, name="Mi teléfono", **answer):
    options = post_json(client, REG_OPTIONS).get_json()
    credential = authenticator.create(options, **answer)
    return post_json(client, REGISTER, {"name": name, "credential": credential})


def begin_sign_in(client):
    response = post_json(client, SIGN_IN_OPTIONS)
    assert response.status_code == 200, response.text
    return response.get_json()


def sign_in_with(client, authenticator, **answer):
    options = begin_sign_in(client)
    return post_json(client, SIGN_IN, {"credential": authenticator.get(options, **answer)})


def signed_in(client) -> bool:
    """Whether the client is signed in, as a person finds out: an account page opens."""
    return client.get("/account/passkeys").status_code == 200


def error_of(response) -> dict:
    assert response.is_json, response.text
    return response.get_json()["error"]


@pytest.fixture
def maria(make, client, auth):
    """An entrepreneur signed in with her password, with one passkey on her phone."""
    user = make.user(email="maria@example.hn", name="María López")
    auth.login("maria@example.hn")
    phone = SoftAuthenticator()
    answer = create_passkey(client, phone)
    assert answer.status_code == 201, answer.text
    return user, phone


def passkey_rows():
    db.session.expire_all()
    return db.session.scalars(db.select(Passkey).order_by(Passkey.id)).all()


# Creating


def test_creating_a_passkey_asks_for_a_verified_discoverable_credential(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    options = post_json(client, REG_OPTIONS).get_json()
    assert options["rp"] == {"id": "localhost", "name": "Mercado Retorno"}
    assert options["user"]["name"] == "maria@example.hn"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["requireResidentKey"] is True
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["excludeCredentials"] == []
    assert {p["alg"] for p in options["pubKeyCredParams"]} == {-8, -7, -257}


def test_a_new_passkey_is_listed_with_its_name(maria, client):
    user, phone = maria
    (row,) = passkey_rows()
    assert row.user_id == user.id
    assert row.credential_id == phone.credential_id
    assert row.name == "Mi teléfono"
    assert row.transports == ["internal", "hybrid"]
    assert row.sign_count == 1
    page = client.get("/account/passkeys", follow_redirects=True).get_data(as_text=True)
    assert "Mi teléfono" in page
    assert "está lista" in page  # the flash the script's redirect shows


def test_a_second_passkey_excludes_the_first_and_keeps_the_same_user_handle(maria, client):
    _user, phone = maria
    options = post_json(client, REG_OPTIONS).get_json()
    assert [c["id"] for c in options["excludeCredentials"]] == [phone.id]
    assert options["excludeCredentials"][0]["transports"] == ["internal", "hybrid"]
    assert options["user"]["id"] == b64(phone.user_handle)
    laptop = SoftAuthenticator()
    answer = post_json(client, REGISTER, {"name": "Laptop", "credential": laptop.create(options)})
    assert answer.status_code == 201
    assert [p.name for p in passkey_rows()] == ["Mi teléfono", "Laptop"]


def test_the_same_credential_cannot_be_saved_twice(maria, client):
    _user, phone = maria
    options = post_json(client, REG_OPTIONS).get_json()
    phone.counter = 0
    answer = post_json(client, REGISTER, {"name": "Otra vez", "credential": phone.create(options)})
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "passkey_exists"
    assert len(passkey_rows()) == 1


def test_creating_needs_a_signed_in_person(client):
    answer = post_json(client, REG_OPTIONS)
    assert answer.status_code == 401
    assert "Inicie sesión" in error_of(answer)["message"]
    assert db.session.scalar(db.select(db.func.count(PasskeyChallenge.id))) == 0


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "invalid_name"),
        ("   ", "invalid_name"),
        ("x" * 61, "invalid_name"),
        (42, "invalid_name"),
        ("Mi\u202eteléfono", "invalid_name"),
    ],
)
def test_a_passkey_needs_a_usable_name(make, client, auth, name, code):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    options = post_json(client, REG_OPTIONS).get_json()
    answer = post_json(
        client, REGISTER, {"name": name, "credential": SoftAuthenticator().create(options)}
    )
    assert answer.status_code == 400
    assert error_of(answer)["code"] == code
    assert passkey_rows() == []


def test_a_passkey_without_user_verification_is_refused(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    answer = create_passkey(client, SoftAuthenticator(), verified=False)
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "not_verified"
    assert "huella" in error_of(answer)["message"]
    assert passkey_rows() == []


def test_a_registration_from_another_site_is_refused(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    answer = create_passkey(client, SoftAuthenticator(), origin="https://mercado-retorno.example")
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "wrong_origin"
    assert "http://localhost" in error_of(answer)["message"]
    assert passkey_rows() == []


def test_a_registration_sent_again_saves_one_passkey_and_answers_the_same(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    options = post_json(client, REG_OPTIONS).get_json()
    body = {"name": "Mi teléfono", "credential": SoftAuthenticator().create(options)}
    kept = client.get_cookie("session").value
    first = post_json(client, REGISTER, body)
    assert first.status_code == 201
    again = post_json(client, REGISTER, body)  # the session no longer holds the challenge
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    client.set_cookie("session", kept)  # a copy of the cookie from before: the row is gone
    assert post_json(client, REGISTER, body).get_json() == first.get_json()
    assert len(passkey_rows()) == 1


def test_a_registration_challenge_is_used_once(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    options = post_json(client, REG_OPTIONS).get_json()
    kept = client.get_cookie("session").value
    refused = post_json(client, REGISTER, {"name": "x", "credential": {"rawId": "AAAA"}})
    assert error_of(refused)["code"] == "invalid_credential"
    # The challenge went with the failed try: a good answer to it comes too late.
    client.set_cookie("session", kept)
    body = {"name": "Mi teléfono", "credential": SoftAuthenticator().create(options)}
    replayed = post_json(client, REGISTER, body)
    assert replayed.status_code == 400
    assert error_of(replayed)["code"] == "challenge_used"
    assert passkey_rows() == []


def test_a_passkey_the_device_could_not_keep_is_refused(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    options = post_json(client, REG_OPTIONS).get_json()
    assert options["extensions"] == {"credProps": True}
    credential = SoftAuthenticator().create(options)
    credential["clientExtensionResults"] = {"credProps": {"rk": False}}
    answer = post_json(client, REGISTER, {"name": "Llave USB", "credential": credential})
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "not_discoverable"
    assert passkey_rows() == []


def test_an_account_holds_at_most_ten_passkeys(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    for n in range(10):
        assert create_passkey(client, SoftAuthenticator(), name=f"Llave {n}").status_code == 201
    answer = post_json(client, REG_OPTIONS)
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "too_many_passkeys"
    assert "Crear una llave de acceso" not in client.get("/account/passkeys").get_data(True)


# Signing in


def test_signing_in_with_a_passkey_only(maria, client, auth):
    user, phone = maria
    auth.logout()
    options = begin_sign_in(client)
    assert options["rpId"] == "localhost"
    assert options["userVerification"] == "required"
    assert options["allowCredentials"] == []  # discoverable: no e-mail asked first
    answer = post_json(client, SIGN_IN, {"credential": phone.get(options)})
    assert answer.status_code == 200, answer.text
    assert answer.get_json() == {"redirect": "/me"}
    assert client.get("/account/passkeys").status_code == 200
    row = passkey_rows()[0]
    assert row.sign_count == 2
    assert row.last_used_at is not None
    assert db.session.get(User, user.id).last_login_at is not None


def test_signing_in_keeps_a_safe_next_page_and_drops_another_site(maria, client, auth):
    _user, phone = maria
    auth.logout()
    options = begin_sign_in(client)
    body = {"credential": phone.get(options), "next": "/me/products"}
    assert post_json(client, SIGN_IN, body).get_json() == {"redirect": "/me/products"}
    auth.logout()
    options = begin_sign_in(client)
    body = {"credential": phone.get(options), "next": "https://evil.example/"}
    assert post_json(client, SIGN_IN, body).get_json() == {"redirect": "/me"}


def test_staff_land_on_their_panel(make, client, auth):
    make.organizer(email="org@example.hn")
    auth.login("org@example.hn")
    key = SoftAuthenticator()
    assert create_passkey(client, key, name="Laptop del ministerio").status_code == 201
    auth.logout()
    assert sign_in_with(client, key).get_json() == {"redirect": "/admin/"}


def test_after_the_password_a_passkey_stands_in_for_the_code(make, client, auth):
    make.organizer(email="org@example.hn")
    auth.login("org@example.hn")
    key = SoftAuthenticator()
    assert create_passkey(client, key, name="Laptop del ministerio").status_code == 201
    auth.logout()
    password = client.post(
        "/login?next=/admin/fairs",
        data={"email": "org@example.hn", "password": PASSWORD, "remember": "y"},
    )
    assert password.headers["Location"] == "/login/code"
    page = client.get("/login/code").get_data(as_text=True)
    assert 'id="passkey-sign-in"' in page and "en lugar del código" in page
    # The waiting sign-in's destination and "keep me signed in" hold, not the script's.
    answer = post_json(
        client, SIGN_IN, {"credential": key.get(begin_sign_in(client)), "next": "/me"}
    )
    assert answer.get_json() == {"redirect": "/admin/fairs"}
    assert client.get_cookie("remember_token") is not None
    assert client.get("/admin/fairs").status_code == 200
    # The wait is over: the code page starts again rather than asking for a code.
    assert client.get("/login/code").status_code in (302, 303)


def test_a_sign_in_answer_is_used_once(maria, client, auth):
    _user, phone = maria
    auth.logout()
    options = begin_sign_in(client)
    kept = client.get_cookie("session").value
    body = {"credential": phone.get(options)}
    assert post_json(client, SIGN_IN, body).status_code == 200
    auth.logout()
    again = post_json(client, SIGN_IN, body)
    assert again.status_code == 400
    assert error_of(again)["code"] == "no_challenge"
    client.set_cookie("session", kept)  # the session from before the first use, replayed
    replayed = post_json(client, SIGN_IN, body)
    assert replayed.status_code == 400
    assert error_of(replayed)["code"] == "challenge_used"
    assert "ya se usó" in error_of(replayed)["message"]
    assert not signed_in(client)
    assert passkey_rows()[0].sign_count == 2


def test_an_expired_challenge_is_refused(app, maria, client, auth):
    _user, phone = maria
    auth.logout()
    options = begin_sign_in(client)
    db.session.execute(
        db.update(PasskeyChallenge).values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    answer = post_json(client, SIGN_IN, {"credential": phone.get(options)})
    assert error_of(answer)["code"] == "challenge_used"
    assert not signed_in(client)


def test_old_challenges_are_swept_by_new_ones(maria, client, auth):
    auth.logout()
    begin_sign_in(client)
    db.session.execute(
        db.update(PasskeyChallenge).values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    begin_sign_in(client)
    assert db.session.scalar(db.select(db.func.count(PasskeyChallenge.id))) == 1


def test_a_counter_that_goes_back_is_refused(maria, client, auth):
    _user, phone = maria
    auth.logout()
    assert sign_in_with(client, phone, count=7).status_code == 200
    auth.logout()
    for count in (7, 3, 0):
        answer = sign_in_with(client, phone, count=count)
        assert answer.status_code == 400
        assert error_of(answer)["code"] == "counter_regressed"
        assert not signed_in(client)
    assert passkey_rows()[0].sign_count == 7
    assert sign_in_with(client, phone, count=8).status_code == 200


def test_a_passkey_that_never_counts_signs_in_every_time(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    synced = SoftAuthenticator(counter=None)
    assert create_passkey(client, synced).status_code == 201
    for _ in range(3):
        auth.logout()
        assert sign_in_with(client, synced).status_code == 200
    assert passkey_rows()[0].sign_count == 0


def test_a_switched_off_account_cannot_sign_in(maria, client, auth):
    user, phone = maria
    auth.logout()
    db.session.get(User, user.id).active = False
    db.session.commit()
    answer = sign_in_with(client, phone)
    assert answer.status_code == 403
    assert error_of(answer)["code"] == "account_inactive"
    assert not signed_in(client)
    assert passkey_rows()[0].sign_count == 1


def test_an_answer_naming_another_persons_account_is_refused(maria, make, client, auth):
    _user, phone = maria
    auth.logout()
    make.user(email="jose@example.hn")
    auth.login("jose@example.hn")
    jose_key = SoftAuthenticator()
    assert create_passkey(client, jose_key).status_code == 201
    auth.logout()
    # María's key signing for José's account handle.
    answer = sign_in_with(client, phone, user_handle=jose_key.user_handle)
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "invalid_credential"
    assert not signed_in(client)


def test_an_answer_signed_by_another_key_is_refused(maria, client, auth):
    _user, phone = maria
    auth.logout()
    impostor = SoftAuthenticator()
    impostor.credential_id = phone.credential_id  # the id is public; the key is not
    impostor.user_handle = phone.user_handle
    answer = sign_in_with(client, impostor, count=5)
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "invalid_credential"
    assert not signed_in(client)
    assert passkey_rows()[0].sign_count == 1


def test_an_unknown_passkey_is_not_found(maria, client, auth):
    auth.logout()
    answer = sign_in_with(client, SoftAuthenticator())
    assert answer.status_code == 404
    assert error_of(answer)["code"] == "unknown_passkey"
    assert "contraseña" in error_of(answer)["message"]


def test_a_sign_in_from_another_site_is_refused(maria, client, auth):
    _user, phone = maria
    auth.logout()
    answer = sign_in_with(client, phone, origin="https://mercado-retorno.example")
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "wrong_origin"
    answer = sign_in_with(client, phone, rp_id="mercado-retorno.example")
    assert answer.status_code == 400
    assert error_of(answer)["code"] == "invalid_credential"
    assert not signed_in(client)
    assert passkey_rows()[0].sign_count == 1


def test_a_sign_in_without_user_verification_is_refused(maria, client, auth):
    _user, phone = maria
    auth.logout()
    answer = sign_in_with(client, phone, verified=False)
    assert error_of(answer)["code"] == "not_verified"
    assert not signed_in(client)


def test_errors_speak_the_persons_language(maria, client, auth):
    auth.logout()
    client.post("/language", data={"lang": "en"})
    answer = sign_in_with(client, SoftAuthenticator())
    assert "sign in with your e-mail and password" in error_of(answer)["message"]


def _broken_bodies(good: dict):
    """Every kind of wrong body: not JSON, wrong shapes and types, damaged fields."""
    response = good["response"]
    damaged = [
        {**good, "rawId": 7},
        {**good, "rawId": ""},
        {**good, "rawId": "!!!not base64!!!"},
        {**good, "rawId": "A" * 5000},
        {**good, "id": "AAAA"},
        {**good, "type": "password"},
        {**good, "response": "x"},
        {**good, "response": {**response, "clientDataJSON": 5}},
        {**good, "response": {**response, "clientDataJSON": "bm90IGpzb24"}},
        {**good, "response": {**response, "authenticatorData": "AAAA"}},
        {**good, "response": {**response, "signature": b64(b"\x30\x00")}},
        {**good, "response": {**response, "signature": None}},
        {**good, "response": {**response, "userHandle": 12}},
        {**good, "response": {k: v for k, v in response.items() if k != "userHandle"}},
    ]
    return [{"credential": c} for c in damaged] + [
        {"credential": "a string"},
        {"credential": [1, 2]},
        {"credential": None},
        {},
    ]


def test_no_broken_sign_in_body_signs_in_or_fails(maria, client, auth):
    _user, phone = maria
    auth.logout()
    raw = [
        ("text/plain", b"hello"),
        ("application/json", b"not json"),
        ("application/json", b"\xff\xfe"),
        ("application/json", b"[1, 2]"),
        ("application/json", b'"x"'),
        ("application/json", b"[" * 50000 + b"]" * 50000),
        ("application/x-www-form-urlencoded", b"credential=x"),
    ]
    for content_type, data in raw:
        begin_sign_in(client)
        answer = client.post(SIGN_IN, data=data, content_type=content_type)
        assert answer.status_code in (400, 413), (content_type, data[:20], answer.status_code)
        assert error_of(answer)["message"]
    good = phone.get(begin_sign_in(client))
    for body in _broken_bodies(good):
        begin_sign_in(client)
        answer = post_json(client, SIGN_IN, body)
        assert answer.status_code in (400, 404), (body, answer.status_code, answer.text)
        assert error_of(answer)["message"]
    assert not signed_in(client)
    assert passkey_rows()[0].sign_count == 1


def test_no_broken_registration_body_saves_or_fails(make, client, auth):
    make.user(email="maria@example.hn")
    auth.login("maria@example.hn")
    good = SoftAuthenticator().create(post_json(client, REG_OPTIONS).get_json())
    response = good["response"]
    bodies = [
        {"name": "x", "credential": c}
        for c in (
            "x",
            None,
            {**good, "rawId": 3},
            {**good, "response": {**response, "attestationObject": "AAAA"}},
            {**good, "response": {**response, "attestationObject": 9}},
            {**good, "response": {**response, "clientDataJSON": b64(b"{}")}},
            {**good, "response": {**response, "transports": "internal"}},
        )
    ]
    for body in bodies:
        post_json(client, REG_OPTIONS)
        answer = post_json(client, REGISTER, body)
        assert answer.status_code == 400 or answer.status_code == 201, (body, answer.text)
        assert answer.status_code == 400 or body["credential"]["response"]["transports"]
    answer = client.post(REGISTER, data="name=x", content_type="text/plain")
    assert error_of(answer)["code"] == "invalid_json"
    assert all(p.transports == [] for p in passkey_rows())


# The page: list, rename, remove


def test_the_page_works_without_javascript(maria, client):
    page = client.get("/account/passkeys").get_data(as_text=True)
    assert "Mi teléfono" in page
    # The creation form is for the script, hidden until it finds WebAuthn; the plain text says
    # what to do meanwhile.
    assert 'id="passkey-add" hidden' in page
    assert "Este navegador no puede crear llaves de acceso" in page
    assert "Crear una llave de acceso" in page
    assert 'src="/static/js/passkeys.js"' in page


def test_the_sign_in_page_offers_a_passkey_only_through_the_script(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'id="passkey-sign-in" class="passkey-sign-in" hidden' in page
    assert "Entrar con una llave de acceso" in page
    assert '<meta name="csrf-token"' in page


def test_the_account_page_links_the_page(maria, client):
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/passkeys"' in page


def test_the_page_needs_a_signed_in_person(client):
    answer = client.get("/account/passkeys")
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]


def test_renaming_a_passkey(maria, client):
    (row,) = passkey_rows()
    answer = client.post(f"/account/passkeys/{row.id}/name", data={"name": " Teléfono de casa "})
    assert answer.status_code == 303
    assert passkey_rows()[0].name == "Teléfono de casa"
    refused = client.post(
        f"/account/passkeys/{row.id}/name", data={"name": ""}, follow_redirects=True
    )
    assert "Póngale un nombre" in refused.get_data(as_text=True)
    assert passkey_rows()[0].name == "Teléfono de casa"


def test_removing_a_passkey_asks_first_and_acts_once(maria, client):
    url = f"/account/passkeys/{passkey_rows()[0].id}/remove"
    confirm = client.get(url).get_data(as_text=True)
    assert "¿Quitar la llave de acceso «Mi teléfono»?" in confirm
    form = {"submission_key": "k" * 20}
    first = client.post(url, data=form)
    assert first.status_code == 303
    assert passkey_rows() == []
    # A double tap: the same answer, not an error page.
    second = client.post(url, data=form, follow_redirects=True)
    assert second.status_code == 200
    assert "Puede seguir entrando con su contraseña" in second.get_data(as_text=True)


def test_another_persons_passkey_is_not_found_and_unchanged(maria, make, client, auth):
    (row,) = passkey_rows()
    auth.logout()
    make.user(email="jose@example.hn")
    auth.login("jose@example.hn")
    assert client.get(f"/account/passkeys/{row.id}/remove").status_code == 404
    answer = client.post(f"/account/passkeys/{row.id}/remove", data={"submission_key": "j" * 20})
    assert answer.status_code == 404
    answer = client.post(f"/account/passkeys/{row.id}/name", data={"name": "Mío"})
    assert answer.status_code == 404
    assert [(p.id, p.name) for p in passkey_rows()] == [(row.id, "Mi teléfono")]
    assert "<h3>Mi teléfono</h3>" not in client.get("/account/passkeys").get_data(as_text=True)


def test_a_removed_passkey_no_longer_signs_in(maria, client, auth):
    _user, phone = maria
    (row,) = passkey_rows()
    client.post(f"/account/passkeys/{row.id}/remove", data={})
    auth.logout()
    answer = sign_in_with(client, phone)
    assert answer.status_code == 404
    assert not signed_in(client)


# Configuration


def test_the_relying_party_comes_from_the_settings_when_given(app, maria, client, auth):
    _user, phone = maria
    auth.logout()
    app.config.update(
        PASSKEY_RP_ID="mercado.example.hn", PASSKEY_ORIGIN="https://mercado.example.hn"
    )
    try:
        options = begin_sign_in(client)
        assert options["rpId"] == "mercado.example.hn"
        # An answer from the host the request came to is not one from the configured site.
        answer = post_json(client, SIGN_IN, {"credential": phone.get(options)})
        assert error_of(answer)["code"] == "wrong_origin"
        options = begin_sign_in(client)
        answer = post_json(
            client,
            SIGN_IN,
            {
                "credential": phone.get(
                    options, origin="https://mercado.example.hn", rp_id="mercado.example.hn"
                )
            },
        )
        assert answer.status_code == 200
    finally:
        app.config.update(PASSKEY_RP_ID=None, PASSKEY_ORIGIN=None)


def test_the_rp_id_follows_the_request_host_by_default(client):
    answer = client.post(SIGN_IN_OPTIONS, json={}, base_url="https://mercado.example.hn:8443")
    assert answer.get_json()["rpId"] == "mercado.example.hn"


# CSRF and rate limits, as in production


@pytest.fixture
def strict_app(tmp_path_factory, app):
    strict = create_app(
        {
            "APP_ENV": "development",
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("strict-passkeys")),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PASSKEY_RATE_LIMIT": "3 per minute",
        }
    )
    limiter.reset()
    yield strict
    limiter.reset()
    with strict.app_context():
        db.engine.dispose()


def _page_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return page.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]


def test_the_json_steps_need_the_csrf_token(strict_app):
    client = strict_app.test_client()
    refused = client.post(SIGN_IN_OPTIONS, json={})
    assert refused.status_code == 400
    assert error_of(refused)["code"] == "csrf_failed"
    token = _page_token(client)
    answer = client.post(SIGN_IN_OPTIONS, json={}, headers={"X-CSRFToken": token})
    assert answer.status_code == 200
    assert answer.get_json()["challenge"]


def test_passkey_sign_in_is_rate_limited_like_the_password(strict_app):
    client = strict_app.test_client()
    token = _page_token(client)
    statuses = [
        client.post(SIGN_IN, json={}, headers={"X-CSRFToken": token}).status_code for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    answer = client.post(SIGN_IN, json={}, headers={"X-CSRFToken": token})
    assert "Demasiados intentos" in error_of(answer)["message"]


def test_error_bodies_are_json_everywhere(client):
    answer = client.get(SIGN_IN)
    assert answer.status_code == 405
    assert error_of(answer)["code"] == "method_not_allowed"
    body = json.dumps({"credential": "x" * (70 * 1024)})
    answer = client.post(SIGN_IN, data=body, content_type="application/json")
    assert answer.status_code == 413
    assert error_of(answer)["code"] == "too_large"
