"""Shared fixtures: one migrated database per run, emptied after every test.

SQLite by default; PostgreSQL when TEST_DATABASE_URL is set. Tables are emptied rather than rolled
back so that tests may commit, and concurrency tests may use several real connections.
"""

import os

import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import text

from marketplace.app import create_app
from marketplace.core.database import db
from tests.factories import Factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

# The local Stripe (started only by tests that ask for it).
pytest_plugins = ["tests.stripe_fake.fixtures"]


def _database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        {
            "APP_ENV": "testing",
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        }
    )
    app.before_request(_fresh_request_globals)
    with app.app_context():
        _reset_schema()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _fresh_request_globals() -> None:
    """Tests keep an app context open, which Flask reuses for the client's requests; give each
    request a clean `g` (signed-in user, locale), as a real server would."""
    for name in list(vars(g)):
        delattr(g, name)


def _reset_schema() -> None:
    """Start every run from an empty database, then build it with the migrations."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _empty_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(autouse=True)
def _clean(request, app):
    if request.node.get_closest_marker("postgres") and db_dialect(app) != "postgresql":
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    with app.app_context():
        yield
        db.session.remove()
        _empty_tables()


def db_dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories that build real rows: make.user(), make.vendor(), make.fair() ..."""
    return Factories()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email, password="correct-horse-9", follow=False):
        return self.client.post(
            "/login", data={"email": email, "password": password}, follow_redirects=follow
        )

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
