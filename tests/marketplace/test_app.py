"""The app as a whole: configuration, health, security headers, errors, CSRF, rate limits, CLI."""

import pytest
from sqlalchemy import text

from marketplace.app import create_app
from marketplace.core.auth.models import User
from marketplace.core.config import ConfigError
from marketplace.core.database import db
from marketplace.core.extensions import limiter


def test_production_refuses_to_start_without_secrets(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL"):
        create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    with pytest.raises(ConfigError, match="DATABASE_URL") as e:
        create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    assert "SECRET_KEY" not in str(e.value)


def test_production_cookies_are_secure(tmp_path):
    app = create_app(
        {
            "APP_ENV": "production",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x" * 32,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_keeps_a_generated_secret_and_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    second = create_app({"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'mercado.db'}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_uses_psycopg3(tmp_path, url, expected):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


def test_sqlite_is_set_up_for_a_web_server(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path):
    app = create_app(
        {
            "APP_ENV": "testing",
            "INSTANCE_PATH": str(tmp_path),
            # A directory cannot be opened as a database file.
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] != "ok"


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_private_pages_are_not_cached(client, auth, make):
    make.user(email="ana@example.hn")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    auth.login("ana@example.hn")
    assert client.get("/me").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(client):
    body = client.get("/").get_data(as_text=True)
    assert "<script>" not in body and " onclick=" not in body


def test_friendly_404_in_spanish_and_english(client):
    response = client.get("/no-existe")
    assert response.status_code == 404
    assert "No encontramos esta página" in response.get_data(as_text=True)
    response = client.get("/no-existe", headers={"Accept-Language": "en"})
    assert "We could not find this page" in response.get_data(as_text=True)


def test_unexpected_errors_get_a_friendly_500(tmp_path):
    app = create_app({"APP_ENV": "testing", "INSTANCE_PATH": str(tmp_path)})

    @app.get("/_boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    assert "Algo falló de nuestro lado" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_request_size_is_limited(app):
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 32 * 1024 * 1024


@pytest.fixture
def strict_app(tmp_path_factory, app):
    """The app with CSRF and rate limits on, as in production, on the same database."""
    strict = create_app(
        {
            "APP_ENV": "development",
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("strict")),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
            "RESET_RATE_LIMIT": "2 per minute",
        }
    )
    yield strict
    with strict.app_context():
        db.engine.dispose()


def test_forms_without_csrf_token_are_refused(strict_app):
    client = strict_app.test_client()
    response = client.post(
        "/register",
        data={
            "name": "X",
            "email": "x@example.hn",
            "password": "abcdefgh1",
            "confirm": "abcdefgh1",
        },
    )
    assert response.status_code == 400
    assert "Este formulario venció" in response.get_data(as_text=True)
    with strict_app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_login_is_rate_limited(strict_app):
    limiter.reset()
    client = strict_app.test_client()
    strict_app.config["WTF_CSRF_ENABLED"] = False
    responses = [
        client.post("/login", data={"email": "a@example.hn", "password": "wrong-pass"})
        for _ in range(4)
    ]
    assert [r.status_code for r in responses[:3]] == [401, 401, 401]
    assert responses[3].status_code == 429
    assert "Demasiadas contraseñas equivocadas" in responses[3].get_data(as_text=True)


def test_cli_creates_an_organiser_with_password_from_stdin(runner):
    result = runner.invoke(
        args=["users", "create", "Org@Example.hn", "--role", "organizer", "--password-stdin"],
        input="clave-segura-1\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "org@example.hn"))
    assert user.role == "organizer"
    again = runner.invoke(
        args=["users", "create", "org@example.hn", "--password-stdin"], input="clave-segura-1\n"
    )
    assert again.exit_code != 0


def test_cli_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["users", "create", "a@example.hn", "--password-stdin"], input="x\n"
    )
    assert result.exit_code != 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_cli_refuses_a_guessable_password(runner):
    result = runner.invoke(
        args=["users", "create", "a@example.hn", "--password-stdin"], input="password123\n"
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_demo_load_is_idempotent_and_shows_the_august_fairs(runner, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "organizadora@demo.hn" in first.output
    counts = db.session.execute(text("SELECT count(*) FROM users")).scalar()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == counts
    home = client.get("/").get_data(as_text=True)
    for city in ("Tegucigalpa", "San Pedro Sula", "La Ceiba"):
        assert city in home
    assert "15 de agosto de" in home and "26 de agosto de" in home and "31 de agosto de" in home
