"""Catalogue speed at scale: search latency, deep pages, and pages per second under gunicorn.

    python bench/catalog.py            # 100 000 products
    python bench/catalog.py --quick    # 10 000 products, shorter runs

Uses DATABASE_URL (PostgreSQL: a fresh database is created on that server and dropped after),
or a temporary SQLite file. Prints figures as it goes; the last line is one JSON object.
"""

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = [
    "cafe", "café de altura", "bolsa", "bolsas de cuero", "miel", "artesania", "lenca",
    "collar de plata", "jabon natural", "chocolate", "mesa de caoba", "camisa bordada",
    "taller", "regalo", "aretes", "hamaca", "pino", "coco", "Marcala", "tamales",
]  # fmt: skip


def bench_app():
    """The app as gunicorn serves it in this bench, plus the framework's floor: a bare route."""
    from marketplace.app import create_app

    app = create_app({"INSTANCE_PATH": os.environ["BENCH_INSTANCE"]})
    app.add_url_rule("/_floor", "floor", lambda: "ok")
    return app


@contextmanager
def fresh_database(workdir: Path):
    """A database URL nobody else uses, removed afterwards."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield f"sqlite:///{workdir / 'catalog.db'}"
        return
    import psycopg

    server = url.replace("postgresql+psycopg://", "postgresql://")
    name = f"catalog_bench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def build(url: str, instance: Path, products: int):
    from flask_migrate import upgrade

    from marketplace.app import create_app
    from marketplace.catalog.scale import load_scale
    from marketplace.core.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance)})
    app.add_url_rule("/_floor", "floor", lambda: "ok")
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        load_scale(products)
        print(f"loaded {products} products in {time.perf_counter() - started:.1f} s")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return app


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def measure_search(app, rounds: int) -> list[float]:
    from marketplace.catalog import search
    from marketplace.catalog.filters import parse_filters
    from marketplace.catalog.listing import list_products
    from marketplace.core.extensions import db

    times = []
    with app.test_request_context():
        for q in SEARCHES:  # warm the caches once
            list_products(parse_filters({"q": q}), search.parse_query(q))
        for _ in range(rounds):
            for q in SEARCHES:
                f = parse_filters({"q": q})
                times.append(timed(lambda f=f, q=q: list_products(f, search.parse_query(q))))
                db.session.remove()
    return times


def deep_cursors(app) -> list[dict]:
    """Cursors pointing 90% of the way through the catalogue, for several orders and filters."""
    from sqlalchemy import select

    from marketplace.catalog.cursor import encode_cursor
    from marketplace.core.extensions import db
    from vendors.products.models import Product

    cases = [
        ("newest", {}, (Product.created_at.desc(), Product.id.desc()), Product.created_at),
        ("price_asc", {}, (Product.price, Product.id), Product.price),
        ("name", {}, (Product.title, Product.id), Product.title),
        ("price_desc", {"category": "crafts"}, (Product.price.desc(), Product.id.desc()),
         Product.price),
    ]  # fmt: skip
    args = []
    with app.test_request_context():
        for sort, extra, order, key in cases:
            stmt = select(key, Product.id).where(Product.visible.is_(True))
            if extra:
                stmt = stmt.where(Product.category == extra["category"])
            total = db.session.scalar(select(db.func.count()).select_from(stmt.subquery()))
            row = db.session.execute(stmt.order_by(*order).offset(int(total * 0.9))).first()
            args.append({"sort": sort, "cursor": encode_cursor(sort, tuple(row)), **extra})
    return args


def measure_deep_pages(app, rounds: int) -> list[float]:
    from marketplace.catalog.filters import parse_filters
    from marketplace.catalog.listing import list_products
    from marketplace.core.extensions import db

    cases = deep_cursors(app)
    times = []
    with app.test_request_context():
        for _ in range(rounds):
            for args in cases:
                f = parse_filters(args)
                page = None

                def run(f=f):
                    nonlocal page
                    page = list_products(f, [])

                times.append(timed(run))
                assert page.items and not page.cursor_rejected
                db.session.remove()
    return times


def cpu_ms_per_request(app, paths: list[str], count: int) -> float:
    """Processor time per request in this process (no HTTP): independent of other load."""
    client = app.test_client(use_cookies=False)
    rng = random.Random(2)
    for path in paths[:5]:
        client.get(path)
    started = time.process_time()
    for _ in range(count):
        client.get(rng.choice(paths))
    return (time.process_time() - started) * 1000 / count


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url: str, instance: Path, app: str = "catalog:bench_app()", **env: str):
    """Serve `app` (a bench module's app factory) with two gunicorn workers on a free port,
    with `env` added to the environment; yields the port once the floor route answers."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BENCH_INSTANCE": str(instance),
        "APP_ENV": "development",
        **env,
    }
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
        "--pythonpath", f"{ROOT / 'bench'},{ROOT}", "--log-level", "warning", app,
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=instance)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if fetch(port, "/_floor") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept-Language": "es"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def requests_per_second(port: int, paths: list[str], seconds: float, threads: int = 6):
    """Completed 200 responses and elapsed seconds from a fixed pool of client threads."""
    done, errors = [0] * threads, [0] * threads
    stop = time.perf_counter() + seconds

    def client(n: int):
        rng = random.Random(n)
        while time.perf_counter() < stop:
            if fetch(port, rng.choice(paths)) == 200:
                done[n] += 1
            else:
                errors[n] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if sum(errors):
        print(f"  {sum(errors)} non-200 answers on {paths[0]}")
    return sum(done), time.perf_counter() - started


def interleaved_rates(port: int, kinds: dict[str, list[str]], seconds: float, rounds: int = 4):
    """Requests per second of each kind, measured in turns of seconds/rounds each, so that a
    change in the machine's other load touches every kind alike and the ratios stay fair."""
    for paths in kinds.values():
        for path in paths[:5]:
            fetch(port, path)
    totals = {name: [0, 0.0] for name in kinds}
    for _ in range(rounds):
        for name, paths in kinds.items():
            count, elapsed = requests_per_second(port, paths, seconds / rounds)
            totals[name][0] += count
            totals[name][1] += elapsed
    return {name: count / elapsed for name, (count, elapsed) in totals.items()}


def product_paths(app, count: int = 200) -> list[str]:
    from sqlalchemy import select

    from marketplace.core.extensions import db
    from vendors.products.models import Product

    with app.app_context():
        ids = db.session.scalars(
            select(Product.id).where(Product.visible.is_(True)).order_by(Product.id).limit(5000)
        ).all()
    return [f"/products/{i}" for i in random.Random(1).sample(ids, min(count, len(ids)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 000 products, shorter runs")
    parser.add_argument("--products", type=int, help="how many products to generate")
    options = parser.parse_args()
    products = options.products or (10_000 if options.quick else 100_000)
    rounds, seconds = (3, 3.0) if options.quick else (10, 8.0)

    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as tmp:
        workdir = Path(tmp)
        with fresh_database(workdir) as url:
            app = build(url, workdir, products)
            dialect = url.split(":", 1)[0].split("+")[0]
            search_ms = measure_search(app, rounds)
            s50, s95 = percentile(search_ms, 50), percentile(search_ms, 95)
            print(f"search ({len(search_ms)} queries): p50 {s50:.1f} ms, p95 {s95:.1f} ms")
            deep_ms = measure_deep_pages(app, rounds * 3)
            deep95 = percentile(deep_ms, 95)
            print(f"deep pages, 90% into the list: p50 {percentile(deep_ms, 50):.1f} ms, "
                  f"p95 {deep95:.1f} ms")  # fmt: skip
            products_urls = product_paths(app)
            cpu = {
                name: cpu_ms_per_request(app, paths, rounds * 20)
                for name, paths in (
                    ("floor", ["/_floor"]),
                    ("catalog", ["/catalog"]),
                    ("product", products_urls),
                )
            }
            print(
                "processor time per request, in process: "
                + ", ".join(f"{k} {v:.2f} ms" for k, v in cpu.items())
                + f" (catalogue ÷ floor by processor time: {cpu['floor'] / cpu['catalog']:.0%})"
            )
            with app.app_context():
                from marketplace.core.extensions import db

                db.engine.dispose()
            with gunicorn(url, workdir, SECRET_KEY="catalog-bench") as port:
                rates = interleaved_rates(
                    port,
                    {"floor": ["/_floor"], "catalog": ["/catalog"], "product": products_urls},
                    seconds,
                )
            floor, catalog, product = rates["floor"], rates["catalog"], rates["product"]
            print(f"floor (bare Flask route): {floor:.0f} requests/s")
            print(f"catalogue page: {catalog:.0f} requests/s ({catalog / floor:.0%} of floor)")
            print(f"product page: {product:.0f} requests/s ({product / floor:.0%} of floor)")
    print(
        json.dumps(
            {
                "bench": "catalog",
                "database": dialect,
                "products": products,
                "search_p50_ms": round(s50, 2),
                "search_p95_ms": round(s95, 2),
                "deep_page_p95_ms": round(deep95, 2),
                "catalog_rps": round(catalog, 1),
                "product_rps": round(product, 1),
                "floor_rps": round(floor, 1),
                "ratio": round(catalog / floor, 3),
                "cpu_ratio": round(cpu["floor"] / cpu["catalog"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
