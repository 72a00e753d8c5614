"""Throw-away PostgreSQL databases on TEST_DATABASE_URL's server, for runs that must not share one
(each pytest-xdist worker, the browser tests' live server)."""

import psycopg


def fresh_postgres(url: str, name: str) -> str:
    """The URL of a new, empty database `name` on `url`'s server (one left by an earlier run is
    dropped first). It is dropped at the end of the run, so its commits need not wait for the
    disk."""
    base = url.rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
        conn.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
    return f"{base}/{name}"


def drop_postgres(url: str) -> None:
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
