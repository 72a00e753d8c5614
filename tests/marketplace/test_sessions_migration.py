"""Migration 0004_sessions on a database with data: accounts and everything that refers to them
survive the dropped `users.session_token`, on SQLite (where a copied table would take them with
it) and PostgreSQL; downgrading and upgrading again works."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.app import create_app
from marketplace.core.database import db
from tests.conftest import TEST_DATABASE_URL
from tests.databases import drop_postgres, fresh_postgres


@pytest.fixture
def empty_database(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'upgrade.db'}"
        return
    url = fresh_postgres(TEST_DATABASE_URL, f"{TEST_DATABASE_URL.rpartition('/')[2]}_upgrade")
    yield url
    drop_postgres(url)


def test_upgrade_keeps_accounts_and_their_references(empty_database, tmp_path):
    app = create_app(
        {
            "APP_ENV": "testing",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": empty_database,
        }
    )
    with app.app_context():
        upgrade(revision="0003_submissions")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, role, active, session_token, created_at)"
                    " VALUES (7, 'rosa@example.hn', 'Rosa', 'entrepreneur', true, 'abc',"
                    " '2026-08-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO submissions (kind, key, user_id, created_at)"
                    " VALUES ('checkout', 'clave-de-prueba-0001', 7, '2026-08-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO audit_log (created_at, actor_id, action, target_type, target_id,"
                    " details) VALUES ('2026-08-01', 7, 'user.created', 'user', 7, '{}')"
                )
            )
        upgrade()
        assert "session_token" not in {c["name"] for c in inspect(db.engine).get_columns("users")}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT id, email FROM users")).all() == [
                (7, "rosa@example.hn")
            ]
            assert conn.execute(text("SELECT user_id FROM submissions")).all() == [(7,)]
            assert conn.execute(text("SELECT actor_id FROM audit_log")).all() == [(7,)]
            assert conn.execute(text("SELECT count(*) FROM user_sessions")).scalar() == 0
        downgrade(revision="0003_submissions")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT user_id FROM submissions")).all() == [(7,)]
        upgrade()
        db.engine.dispose()
