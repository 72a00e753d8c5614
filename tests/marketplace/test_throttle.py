"""How often sign-in, registration and the confirmation mail may be tried, as the people behind
one address (an office, a fair's Wi-Fi) and the owner of a guessed account notice it.

The production limits are used (BaseConfig), on the in-process storage; a clock fixture moves
the limiter's time forward instead of waiting.
"""

import re
import time

import pytest
from redis import Redis

from marketplace.app import create_app
from marketplace.core.config import BaseConfig
from marketplace.core.database import db
from marketplace.core.extensions import limiter
from tests import mailbox
from tests.factories import PASSWORD
from tests.vendors.test_photo_jobs import REDIS_SERVER, redis_url  # noqa: F401 (a fixture)

LIMITS = (
    "LOGIN_ACCOUNT_RATE_LIMIT",
    "LOGIN_ADDRESS_RATE_LIMIT",
    "REGISTER_RATE_LIMIT",
    "REGISTER_EMAIL_RATE_LIMIT",
)


@pytest.fixture(autouse=True)
def production_limits(app, monkeypatch):
    for name in LIMITS:
        monkeypatch.setitem(app.config, name, getattr(BaseConfig, name))
    limiter.reset()
    mailbox.clear(app)
    yield
    limiter.reset()


@pytest.fixture
def clock(monkeypatch):
    """clock(seconds) moves time.time() forward, which is what the limiter's windows read."""
    offset = 0.0
    real = time.time

    def advance(seconds: float) -> None:
        nonlocal offset
        offset += seconds

    monkeypatch.setattr(time, "time", lambda: real() + offset)
    return advance


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def retry_after(response) -> int:
    return int(response.headers["Retry-After"])


def test_one_person_failing_does_not_lock_out_the_others_at_the_same_address(app, make):
    make.user(email="ana@example.hn")
    make.user(email="beto@example.hn")
    office = from_address(app, "190.5.64.10")
    statuses = [sign_in(office, "ana@example.hn", "no-es-esta").status_code for _ in range(30)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}

    colleague = from_address(app, "190.5.64.10")
    assert sign_in(colleague, "beto@example.hn").status_code == 302
    # Another colleague's typo is an ordinary wrong password, not a lock.
    assert sign_in(from_address(app, "190.5.64.10"), "beto@example.hn", "typo").status_code == 401


def test_an_office_of_fifty_behind_one_address_all_sign_in(app, make):
    people = [make.user(email=f"persona{n}@sre.gob.hn") for n in range(50)]
    for person in people:
        client = from_address(app, "190.5.64.10")
        assert sign_in(client, person.email, "mal-escrita").status_code == 401
        assert sign_in(client, person.email).status_code == 302


def test_right_passwords_are_never_counted(app, make):
    make.user(email="ana@example.hn")
    phone = from_address(app, "190.5.64.10")
    for _ in range(12):
        assert sign_in(phone, "ana@example.hn").status_code == 302
        phone.post("/logout")


def test_guessing_one_account_from_many_addresses_locks_it_even_for_the_right_password(app, make):
    make.user(email="ana@example.hn")
    make.user(email="beto@example.hn")
    guesses = [
        sign_in(from_address(app, f"10.0.0.{n}"), "ana@example.hn", f"intento-{n}")
        for n in range(1, 6)
    ]
    assert [g.status_code for g in guesses] == [401] * 5

    locked = sign_in(from_address(app, "10.0.0.99"), "ana@example.hn")  # the right password
    assert locked.status_code == 429
    text = locked.get_data(as_text=True)
    assert "Demasiadas contraseñas equivocadas para esta cuenta." in text
    assert "ni siquiera con la contraseña correcta" in text
    assert re.search(r"hasta las \d{1,2}:\d{2}\s[ap]\.\s?m\. \(dentro de 15 minutos\)", text)
    assert 'href="/password/reset"' in text  # the way out that does not wait
    assert 14 * 60 < retry_after(locked) <= 15 * 60
    # The same case of the e-mail, or another, counts as the same account.
    assert sign_in(from_address(app, "10.0.0.98"), "ANA@example.hn").status_code == 429
    # Nobody else is affected, from any of those addresses.
    assert sign_in(from_address(app, "10.0.0.1"), "beto@example.hn").status_code == 302


def test_the_lock_lifts_when_its_window_passes_and_grows_with_more_failures(app, make, clock):
    make.user(email="ana@example.hn")
    guesser = from_address(app, "10.0.0.1")
    for _ in range(5):
        assert sign_in(guesser, "ana@example.hn", "adivinanza").status_code == 401
    assert sign_in(guesser, "ana@example.hn", "adivinanza").status_code == 429

    clock(15 * 60 + 1)  # the first step: 15 minutes
    for _ in range(5):
        assert sign_in(guesser, "ana@example.hn", "adivinanza").status_code == 401
    locked = sign_in(from_address(app, "10.0.0.2"), "ana@example.hn")
    assert locked.status_code == 429
    # Ten in the hour: now until the hour from the first failure is over, ~45 minutes.
    assert 43 * 60 < retry_after(locked) <= 45 * 60
    assert re.search(r"dentro de 4[45] minutos", locked.get_data(as_text=True))

    clock(15 * 60 + 1)  # the 15-minute window is over again; the hour's is not
    assert sign_in(from_address(app, "10.0.0.2"), "ana@example.hn").status_code == 429

    clock(30 * 60)  # past the hour: the owner signs in
    assert sign_in(from_address(app, "10.0.0.2"), "ana@example.hn").status_code == 302


def test_a_reset_link_still_works_for_a_locked_account(app, make):
    make.user(email="ana@example.hn")
    for n in range(5):
        sign_in(from_address(app, f"10.0.0.{n}"), "ana@example.hn", "adivinanza")
    owner = from_address(app, "10.0.0.50")
    assert sign_in(owner, "ana@example.hn").status_code == 429
    owner.post("/password/reset", data={"email": "ana@example.hn"})
    [(_subject, body)] = mailbox.messages(app, "ana@example.hn")
    link = mailbox.link(body, "/password/reset/")
    done = owner.post(link, data={"password": "clave-nueva-22", "confirm": "clave-nueva-22"})
    assert done.status_code == 302 and owner.get("/me").status_code == 200


def test_spraying_many_accounts_from_one_address_locks_that_address(app, make):
    make.user(email="ana@example.hn")
    sprayer = from_address(app, "10.9.9.9")
    statuses = [sign_in(sprayer, f"victima{n}@example.hn", "123456").status_code for n in range(61)]
    assert statuses[:60] == [401] * 60
    assert statuses[60] == 429
    text = sign_in(sprayer, "ana@example.hn").get_data(as_text=True)
    assert "Demasiadas contraseñas equivocadas desde esta conexión." in text
    # Elsewhere, the same accounts are untouched.
    assert sign_in(from_address(app, "10.1.1.1"), "ana@example.hn").status_code == 302


def test_the_locked_message_speaks_english_to_english_speakers(app, make):
    make.user(email="ana@example.hn")
    client = from_address(app, "10.0.0.1")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for _ in range(5):
        sign_in(client, "ana@example.hn", "guess")
    text = sign_in(client, "ana@example.hn").get_data(as_text=True)
    assert "Too many wrong passwords for this account." in text
    assert "(in 15 minutes)" in text


def register(client, email, password="buena-clave-1"):
    data = {"name": "Rosa", "email": email, "password": password, "confirm": password}
    return client.post("/register", data=data)


def test_registration_is_limited_per_address(app):
    fair_wifi = from_address(app, "181.115.1.1")
    # Forms sent back with an error send no mail and are not counted.
    for _ in range(5):
        assert register(fair_wifi, "rosa@example.hn", "corta").status_code == 422
    statuses = [register(fair_wifi, f"p{n}@example.hn").status_code for n in range(12)]
    assert statuses == [303] * 10 + [429] * 2
    refused = register(fair_wifi, "otra@example.hn")
    assert "Demasiados registros desde esta conexión." in refused.get_data(as_text=True)
    assert 0 < retry_after(refused) <= 60
    assert mailbox.messages(app, "otra@example.hn") == []
    # Another connection is not held up.
    assert register(from_address(app, "181.115.1.2"), "otra@example.hn").status_code == 303


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_mails_to_one_e_mail_are_limited_the_same_whether_or_not_it_has_an_account(
    app, make, existing
):
    if existing:
        make.user(email="rosa@example.hn")
    answers = [
        register(from_address(app, "10.0.0.1"), "rosa@example.hn"),
        from_address(app, "10.0.0.2").post("/register/confirm", data={"email": "rosa@example.hn"}),
        register(from_address(app, "10.0.0.3"), "ROSA@example.hn"),
        register(from_address(app, "10.0.0.4"), "rosa@example.hn"),
    ]
    assert [a.status_code for a in answers] == [303, 303, 303, 429]
    text = answers[-1].get_data(as_text=True)
    assert "Ya enviamos varios mensajes a este correo." in text
    assert 59 * 60 < retry_after(answers[-1]) <= 60 * 60
    assert len(mailbox.messages(app, "rosa@example.hn")) <= 3


@pytest.fixture
def host(app, tmp_path_factory, request):
    """host() -> another web host of the same site: its own app, the same database and Redis."""
    url = request.getfixturevalue("redis_url")
    built = []

    def build():
        config = {name: getattr(BaseConfig, name) for name in LIMITS}
        config.update(
            APP_ENV="testing",
            INSTANCE_PATH=str(tmp_path_factory.mktemp("host")),
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            REDIS_URL=url,
        )
        built.append(create_app(config))
        return built[-1]

    yield build
    limiter.reset()
    limiter.init_app(app)  # back to the suite's in-process storage
    for other in built:
        with other.app_context():
            db.engine.dispose()


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server is not installed")
def test_with_redis_every_host_counts_the_same_failures(make, host):
    make.user(email="ana@example.hn")
    first = host()
    url = first.config["REDIS_URL"]
    assert first.config["RATELIMIT_STORAGE_URI"] == url
    limiter.reset()
    for n in range(5):
        sign_in(from_address(first, f"10.0.0.{n}"), "ana@example.hn", "adivinanza")
    second = host()  # a fresh process: nothing in its memory, the counts are in Redis
    assert sign_in(from_address(second, "10.0.0.9"), "ana@example.hn").status_code == 429
    keys = b" ".join(Redis.from_url(url).keys("*"))
    assert b"LIMITS" in keys and b"ana" not in keys  # e-mails are kept only as keyed hashes
