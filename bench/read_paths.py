"""What the buyers' read paths gain from two speed tricks, each against itself switched off.

    python bench/read_paths.py            # 100 000 products
    python bench/read_paths.py --quick    # 10 000 products, fewer rounds

1. The listing's statement cache (catalog/listing.py, `_STATEMENTS`): catalogue, search and API
   pages with the built statements reused, against the same pages building them every time.
2. On PostgreSQL, buyers' pages read in autocommit (`database.read_in_autocommit`): the same app
   with its autocommit hooks, against one with the hooks taken off.

Each is measured as server time per page through the Flask test client (the two variants in
alternation, request by request, so that the machine's other load touches both alike), then as
pages per second under gunicorn driven by wrk (when installed), in interleaved rounds.

Uses DATABASE_URL (PostgreSQL: a fresh database is created on that server and dropped after),
or a temporary SQLite file. Prints figures as it goes; the last line is one JSON object.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from catalog import build, fetch, gunicorn, percentile  # noqa: E402

# Listing pages: every shape the statement cache holds for buyers is among these.
LISTING = [
    "/catalog",
    "/catalog?sort=price_asc",
    "/catalog?category=crafts&sort=price_desc",
    "/catalog?q=cafe",
    "/catalog?q=bolsa+de+cuero",
    "/api/v1/products",
    "/api/v1/products?q=miel&limit=30",
    "/api/v1/products?sort=name&category=textiles",
]


def bench_app():
    """The app as gunicorn serves it here; BENCH_TRICKS_OFF names the tricks taken off."""
    from marketplace.app import create_app

    app = create_app({"INSTANCE_PATH": os.environ["BENCH_INSTANCE"]})
    app.add_url_rule("/_floor", "floor", lambda: "ok")
    off = set(filter(None, os.environ.get("BENCH_TRICKS_OFF", "").split(",")))
    if "statement_cache" in off:
        without_statement_cache()
    if "autocommit" in off:
        without_autocommit(app)
    return app


def without_statement_cache() -> None:
    """From now on the listing builds its statement for every query, as without the cache."""
    from marketplace.catalog import listing

    def run(shape, bounded, params):
        stmt = listing._build(*shape, bounded)
        return listing.db.session.connection().execute(stmt, params).all()

    listing._run = run


def without_autocommit(app) -> None:
    """Take the autocommit hooks off every blueprint of `app`: plain read transactions."""
    from marketplace.core import database

    for funcs in app.before_request_funcs.values():
        while database._begin_autocommit in funcs:
            funcs.remove(database._begin_autocommit)
    for funcs in app.teardown_request_funcs.values():
        while database._end_autocommit in funcs:
            funcs.remove(database._end_autocommit)


@contextmanager
def fresh_database(workdir: Path):
    """A database URL nobody else uses (named after DATABASE_URL's), removed afterwards."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield f"sqlite:///{workdir / 'read_paths.db'}"
        return
    import psycopg

    server = url.replace("postgresql+psycopg://", "postgresql://")
    base, _, current = server.rpartition("/")
    name = f"{re.sub(r'[^a-z0-9_]', '_', current.split('?')[0].lower()) or 'bench'}"
    name = f"{name}_read_paths_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def sample_paths(app) -> list[str]:
    """Buyers' pages that are not listings: home, products, vendors; plus a next page."""
    from sqlalchemy import select

    from marketplace.core.extensions import db
    from vendors.products.models import Product
    from vendors.profiles.models import VendorProfile

    with app.app_context():
        ids = db.session.scalars(
            select(Product.id).where(Product.visible.is_(True)).order_by(Product.id).limit(3)
        ).all()
        slugs = db.session.scalars(select(VendorProfile.slug).order_by(VendorProfile.id).limit(2))
        slugs = list(slugs)
    client = app.test_client(use_cookies=False)
    cursor = client.get("/api/v1/products?sort=price_asc").get_json()["next_cursor"]
    return (
        ["/"]
        + [f"/products/{i}" for i in ids]
        + [f"/vendors/{s}" for s in slugs]
        + [f"/api/v1/products?sort=price_asc&cursor={cursor}"]
    )


def interleaved_times(variants: dict, paths: list[str], rounds: int) -> dict:
    """{variant: {path: [ms, ...]}}; each path is fetched from every variant in turn, the order
    of the variants alternating, so neither is always first after the other."""
    clients = {}
    for name, (app, setup) in variants.items():
        clients[name] = (app.test_client(use_cookies=False), setup)
    for name, (client, setup) in clients.items():  # warm every cache once (twice: prepare)
        setup()
        for _ in range(6):
            for path in paths:
                assert client.get(path).status_code == 200, (name, path)
    times = {name: {path: [] for path in paths} for name in variants}
    order = list(clients)
    for n in range(rounds):
        for path in paths:
            for name in order if n % 2 else reversed(order):
                client, setup = clients[name]
                setup()
                started = time.perf_counter()
                response = client.get(path)
                times[name][path].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (name, path, response.status_code)
    return times


def summary(times: dict, on: str, off: str, label: str) -> dict:
    """Per-page medians and p95, and the ratio of the summed medians (trick on / off)."""
    print(f"{label}: server time per page, median / p95 ms, {off} → {on}")
    for path in times[on]:
        a, b = times[off][path], times[on][path]
        print(
            f"  {path[:60]:60} {median(a):6.2f} / {percentile(a, 95):6.2f}"
            f"  →  {median(b):6.2f} / {percentile(b, 95):6.2f}  ({median(b) / median(a):.0%})"
        )
    every_off = [t for ts in times[off].values() for t in ts]
    every_on = [t for ts in times[on].values() for t in ts]
    total_off = sum(median(ts) for ts in times[off].values())
    total_on = sum(median(ts) for ts in times[on].values())
    result = {
        "off_p50_ms": round(median(every_off), 2),
        "on_p50_ms": round(median(every_on), 2),
        "off_p95_ms": round(percentile(every_off, 95), 2),
        "on_p95_ms": round(percentile(every_on, 95), 2),
        "ratio": round(total_on / total_off, 3),
    }
    print(
        f"  all pages: p50 {result['off_p50_ms']} → {result['on_p50_ms']} ms, "
        f"p95 {result['off_p95_ms']} → {result['on_p95_ms']} ms; "
        f"summed medians with the trick ÷ without: {result['ratio']:.3f}"
    )
    return result


WRK_SCRIPT = """
paths = {%s}
n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1], {["Accept-Language"] = "es"})
end
"""


def wrk_rates(ports: dict, paths: list[str], seconds: float, rounds: int, workdir: Path):
    """Requests per second of each server, in alternating turns of seconds/rounds each."""
    script = workdir / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    for port in ports.values():
        for path in paths:
            for _ in range(6):
                assert fetch(port, path) == 200, path
    totals = {name: [0, 0.0] for name in ports}
    names = list(ports)
    turn = max(1, round(seconds / rounds))
    for n in range(rounds):
        for name in names if n % 2 else reversed(names):
            out = subprocess.run(
                ["wrk", "-t2", "-c2", f"-d{turn}s", "-s", str(script),
                 f"http://127.0.0.1:{ports[name]}"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            if "Non-2xx" in out:
                raise RuntimeError(f"wrk saw errors on {name}:\n{out}")
            count = int(re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).group(1))
            elapsed = re.search(r"requests in ([\d.]+)(m?s)", out)
            secs = float(elapsed.group(1)) / (1000 if elapsed.group(2) == "ms" else 1)
            totals[name][0] += count
            totals[name][1] += secs
    return {name: count / secs for name, (count, secs) in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 000 products, fewer rounds")
    parser.add_argument("--products", type=int, help="how many products to generate")
    parser.add_argument("--seconds", type=float, help="wrk's time on each server")
    options = parser.parse_args()
    products = options.products or (10_000 if options.quick else 100_000)
    rounds, seconds = (40, 8.0) if options.quick else (150, 40.0)
    seconds = options.seconds or seconds
    result = {"bench": "read_paths", "products": products}

    from marketplace.catalog import listing
    from marketplace.core.extensions import db

    cached_run = listing._run

    def cache(on: bool):
        def setup():
            if on:
                listing._run = cached_run
            else:
                without_statement_cache()

        return setup

    with tempfile.TemporaryDirectory(prefix="read-paths-bench-") as tmp:
        workdir = Path(tmp)
        with fresh_database(workdir) as url:
            app = build(url, workdir, products)
            dialect = url.split(":", 1)[0].split("+")[0]
            result["database"] = dialect
            others = sample_paths(app)

            # 1. The statement cache, on the listing pages (and, as a control, the others).
            times = interleaved_times(
                {"cache": (app, cache(True)), "no_cache": (app, cache(False))}, LISTING, rounds
            )
            cached = summary(times, "cache", "no_cache", "statement cache, listing pages")
            result.update({f"statement_cache_{k}": v for k, v in cached.items()})
            listing._run = cached_run

            # 2. Autocommit reads, PostgreSQL only: the same app built twice.
            if dialect == "postgresql":
                from marketplace.app import create_app

                plain = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp})
                without_autocommit(plain)
                times = interleaved_times(
                    {"autocommit": (app, lambda: None), "transaction": (plain, lambda: None)},
                    LISTING + others,
                    rounds // 2,
                )
                auto = summary(times, "autocommit", "transaction", "autocommit reads, buyers")
                result.update({f"autocommit_{k}": v for k, v in auto.items()})
                with plain.app_context():
                    db.engine.dispose()
            with app.app_context():
                db.engine.dispose()

            # 3. Pages per second under gunicorn, each trick off against everything on.
            if shutil.which("wrk"):
                variants = {"all on": "", "no statement cache": "statement_cache"}
                if dialect == "postgresql":
                    variants["no autocommit"] = "autocommit"
                with ExitStack() as stack:
                    ports = {
                        name: stack.enter_context(
                            gunicorn(url, workdir, "read_paths:bench_app()", BENCH_TRICKS_OFF=off)
                        )
                        for name, off in variants.items()
                    }
                    rates = wrk_rates(ports, LISTING + others, seconds, 8, workdir)
                base = rates["all on"]
                print(
                    "gunicorn (2 workers each) and wrk (2 threads, 2 connections), buyers' pages:"
                )
                for name, rate in rates.items():
                    print(f"  {name:20} {rate:7.0f} requests/s ({rate / base:.0%} of all on)")
                result["rps_all_on"] = round(base, 1)
                result["rps_no_statement_cache"] = round(rates["no statement cache"], 1)
                if "no autocommit" in rates:
                    result["rps_no_autocommit"] = round(rates["no autocommit"], 1)
            else:
                print("wrk not found: no gunicorn figures")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
