"""The SQLAlchemy handle, the declarative base and per-dialect connection set-up."""

from datetime import UTC, datetime

from flask import Blueprint, g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry

# Stable constraint names, so Alembic migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC on every database; always read back as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


db = SQLAlchemy(model_class=Base)


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite behave under a real multi-threaded web server.

    WAL lets readers run beside a writer; the busy timeout makes a second writer wait its turn;
    and BEGIN IMMEDIATE takes the write lock when a transaction starts, so two transactions that
    read-then-write cannot deadlock into "database is locked" half-way through.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = _may_write() or conn.get_execution_options().get(_WRITE_LOCK, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


#: Execution option of a connection whose transaction must take SQLite's write lock at BEGIN.
_WRITE_LOCK = "mercado_write_lock"


def _may_write() -> bool:
    """Reads (GET/HEAD pages) begin deferred so they never queue behind the write lock while a
    template renders; everything else (forms, API writes, CLI, services) begins immediately."""
    return not (has_request_context() and request.method in ("GET", "HEAD", "OPTIONS"))


def begin_writing() -> None:
    """Before a page read with GET writes after all (an order page releasing its own expired
    reservation): end its deferred read transaction and begin one holding SQLite's write lock,
    as a read-then-write transaction could fail on a stale snapshot. Row locks do this job on
    PostgreSQL."""
    if db.engine.dialect.name == "sqlite" and not _may_write():
        db.session.rollback()
        db.session.connection(execution_options={_WRITE_LOCK: True})


def write_aside(statement) -> None:
    """Run a small bookkeeping write (a session's last-seen time) that should not wait for, nor
    fail with, the request's own work: on a connection of its own, committed at once. On SQLite a
    request that may write already holds the write lock from its first query (see _may_write),
    so there the statement joins the request's transaction instead of waiting behind it."""
    if db.engine.dialect.name == "sqlite" and _may_write():
        db.session.execute(statement)
        return
    with db.engine.connect().execution_options(**{_WRITE_LOCK: True}) as conn, conn.begin():
        conn.execute(statement)


def read_in_autocommit(bp: Blueprint) -> None:
    """The blueprint's pages only read: on PostgreSQL their queries run in autocommit.

    A read transaction buys such a page nothing but two round trips (BEGIN, ROLLBACK), and
    psycopg forgets its prepared statements at every rollback, so each request would plan its
    queries afresh: planning costs more than running a keyset page. Left alone when the session
    already holds a transaction (a signed-in user was loaded) and on SQLite, whose connections
    are set up for explicit BEGINs (configure_sqlite). bench/read_paths.py (100 000 products):
    buyers' pages take 0.74× the server time of the same pages in read transactions."""
    bp.before_request(_begin_autocommit)
    bp.teardown_request(_end_autocommit)


def _begin_autocommit() -> None:
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.autocommit_read = True


def _end_autocommit(_exc) -> None:
    """Hand the connection back, so whoever uses the session next starts a real transaction."""
    if g.pop("autocommit_read", False):
        db.session.rollback()
