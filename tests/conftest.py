"""Shared fixtures: one migrated database per run (per worker under pytest-xdist), emptied after
every test.

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
from tests.databases import drop_postgres, fresh_postgres
from tests.factories import Factories
from tests.signin import sign_in

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# "gw0", "gw1"... under pytest-xdist; each worker then needs a database of its own.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")

# The local Stripe (started only by tests that ask for it).
pytest_plugins = ["tests.stripe_fake.fixtures"]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A SQLite file per run, or TEST_DATABASE_URL; with xdist workers, a PostgreSQL database per
    worker on its server (`<name>_gw0`...), dropped at the end."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    if not WORKER:
        yield TEST_DATABASE_URL
        return
    url = fresh_postgres(TEST_DATABASE_URL, f"{TEST_DATABASE_URL.rpartition('/')[2]}_{WORKER}")
    yield url
    drop_postgres(url)


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url):
    config = {
        "APP_ENV": "testing",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "SQLALCHEMY_DATABASE_URI": database_url,
    }
    app = create_app(config)
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
    """Delete the rows of the tables that have any (found with one query), children first; on
    PostgreSQL also restart the id sequences that were used, as TRUNCATE ... RESTART IDENTITY
    would. TRUNCATE itself costs a new file per table and index, tenths of a second each test."""
    tables = [t.name for t in db.metadata.sorted_tables]
    probe = " UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM {n})" for n in tables)
    with db.engine.begin() as conn:
        filled = set(conn.scalars(text(probe)))
        for name in reversed(tables):
            if name in filled:
                conn.execute(text(f"DELETE FROM {name}"))
        if db.engine.dialect.name == "postgresql":
            used = conn.scalars(
                text(
                    "SELECT quote_ident(sequencename) FROM pg_sequences"
                    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            )
            for sequence in used.all():
                conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


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
        """Signs in; staff also pass the second step with a fresh code (tests/signin.py)."""
        return sign_in(self.client, email, password, follow=follow)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
