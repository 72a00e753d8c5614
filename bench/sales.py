"""Benchmark of recording sales at the booth: many phones at once, through the real HTTP API.

It builds its own data (vendors, products with stock, one signed-in session per phone) in a
fresh database (a temporary SQLite file, or a fresh schema in the PostgreSQL of DATABASE_URL),
starts the app under gunicorn on 127.0.0.1, and lets every phone send its sales to
POST /api/v1/sales at the same time. 10% of the sends repeat a sale another phone of the same
vendor is sending (a retry racing the original). Then it checks that every distinct sale was
recorded exactly once and that stock equals the start minus what was sold, and removes its data.

Usage: python bench/sales.py [--quick] [--clients N] [--sales N]
The last line printed is one JSON object with the figures.
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marketplace.app import create_app  # noqa: E402
from marketplace.core.auth import services  # noqa: E402
from marketplace.core.auth.models import Role  # noqa: E402
from marketplace.core.config import normalise_database_url  # noqa: E402
from marketplace.core.extensions import db  # noqa: E402
from vendors.products.models import Product  # noqa: E402
from vendors.profiles.models import VendorProfile, VendorStatus  # noqa: E402

PHONES_PER_VENDOR = 5
PRODUCTS_PER_VENDOR = 4
START_STOCK = 1_000_000
PASSWORD = "bench-sales-2026"
REPEAT_SHARE = 0.10
MAX_ATTEMPTS = 5
SEED = 20260815


class Database:
    """A throw-away database: a SQLite file, or a PostgreSQL schema on DATABASE_URL."""

    def __init__(self, workdir: Path):
        url = os.environ.get("DATABASE_URL")
        self.schema = None
        if url and not url.startswith("sqlite"):
            self.schema = f"bench_sales_{os.getpid()}"
            self.base = normalise_database_url(url)
            with create_engine(self.base).begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {self.schema}"))
            sep = "&" if "?" in self.base else "?"
            self.url = f"{self.base}{sep}options=-csearch_path%3D{self.schema}"
        else:
            self.url = f"sqlite:///{workdir / 'bench.db'}"

    @property
    def kind(self) -> str:
        return "postgresql" if self.schema else "sqlite"

    def drop(self) -> None:
        if self.schema:
            engine = create_engine(self.base)
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {self.schema} CASCADE"))
            engine.dispose()


def app_config(database: Database, workdir: Path) -> dict:
    return {
        "APP_ENV": "development",  # CSRF on, as in production
        "INSTANCE_PATH": str(workdir / "instance"),
        "SQLALCHEMY_DATABASE_URI": database.url,
        "SECRET_KEY": "bench-sales-secret",
    }


def build_data(config: dict, vendors: int) -> dict[str, list[int]]:
    """Migrate and create the vendors; returns e-mail -> product ids."""
    app = create_app(dict(config))
    shops = {}
    with app.app_context():
        upgrade()
        for n in range(vendors):
            email = f"puesto{n}@bench.hn"
            user = services.create_user(email, PASSWORD, Role.ENTREPRENEUR, f"Puesto {n}")
            vendor = VendorProfile(
                user=user,
                slug=f"puesto-{n}",
                business_name=f"Puesto {n}",
                category="crafts",
                department="Atlántida",
                status=VendorStatus.VERIFIED.value,
            )
            products = [
                Product(
                    vendor=vendor,
                    title=f"Producto {i}",
                    category="crafts",
                    price=100_00,
                    stock=START_STOCK,
                )
                for i in range(PRODUCTS_PER_VENDOR)
            ]
            db.session.add_all([vendor, *products])
            db.session.flush()
            shops[email] = [p.id for p in products]
        db.session.commit()
        db.engine.dispose()
    return shops


def plan(shops: dict[str, list[int]], clients: int, total: int, rng) -> list[tuple[str, list]]:
    """(e-mail, sales to send) per phone; repeats are sales a sibling phone also sends."""
    per_client = total // clients
    repeats = int(per_client * REPEAT_SHARE)
    emails = list(shops)
    own = []
    for c in range(clients):
        products = shops[emails[c % len(emails)]]
        own.append(
            [
                {
                    "client_key": str(uuid.UUID(int=rng.getrandbits(128))),
                    "product_id": rng.choice(products),
                    "quantity": rng.choice((1, 1, 1, 2, 3)),
                    "unit_price": rng.choice((80_00, 100_00)),
                    "payment_method": rng.choice(("cash", "cash", "cash", "transfer", "card")),
                }
                for _ in range(per_client - repeats)
            ]
        )
    phones = []
    for c in range(clients):
        # The sibling is another phone of the same vendor (phones take vendors in turn).
        sibling = own[(c + len(emails)) % clients]
        sales = own[c] + rng.sample(sibling, repeats)
        rng.shuffle(sales)
        phones.append((emails[c % len(emails)], sales))
    return phones


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(config: dict, port: int, workdir: Path) -> subprocess.Popen:
    factory = f"marketplace:create_app({config!r})"
    # An empty settings file: the repository's gunicorn.conf.py would recycle workers mid-run.
    settings = workdir / "gunicorn.conf.py"
    settings.write_text("")
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        factory,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        "--threads",
        "8",
        "--config",
        str(settings),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
    ]
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not start; see " + str(workdir / "server.log"))


def sign_in(base: str, email: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    session.post(f"{base}/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    answer = session.get(f"{base}/api/v1/me/products")
    answer.raise_for_status()
    return session, answer.json()["csrf_token"]


def run_phones(base: str, phones: list) -> tuple[float, Counter]:
    statuses = Counter()
    lock = threading.Lock()
    signed_in = [sign_in(base, email) for email, _sales in phones]
    barrier = threading.Barrier(len(phones) + 1)

    def phone(session, token, sales):
        barrier.wait()
        for sale in sales:
            status = send(session, token, sale)
            with lock:
                statuses[status] += 1

    def send(session, token, sale):
        """As the phone's queue does: a server error or a lost answer is retried, same key."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                status = session.post(
                    f"{base}/api/v1/sales", json=sale, headers={"X-CSRFToken": token}
                ).status_code
            except requests.RequestException:
                status = "network"
            if status in (200, 201) or isinstance(status, int) and status < 500:
                return status
            with lock:
                statuses["retried"] += 1
            time.sleep(0.2 * (attempt + 1))
        return status

    threads = [
        threading.Thread(target=phone, args=(s, t, sales))
        for (s, t), (_email, sales) in zip(signed_in, phones, strict=True)
    ]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - started, statuses


def print_server_errors(log: Path) -> None:
    """The server's own account of any error (the first few), before its log is removed."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    marks = ("Error", "Traceback", "not recorded")
    errors = [i for i, line in enumerate(lines) if any(m in line for m in marks)]
    for i in errors[:3]:
        print("server:", "\n        ".join(lines[i : i + 12]))


def check(config: dict, phones: list) -> tuple[int, int, bool]:
    """(distinct sales sent, sales recorded, stock consistent)."""
    distinct = {sale["client_key"]: sale for _email, sales in phones for sale in sales}
    sold = Counter()
    for sale in distinct.values():
        sold[sale["product_id"]] += sale["quantity"]
    engine = create_engine(config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        recorded = conn.execute(text("SELECT count(*) FROM sales")).scalar()
        stock = dict(conn.execute(text("SELECT id, stock FROM products")).all())
    engine.dispose()
    consistent = all(stock[pid] == START_STOCK - sold[pid] for pid in stock)
    return len(distinct), recorded, consistent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 phones, 500 sales")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--sales", type=int)
    args = parser.parse_args()
    clients = args.clients or (10 if args.quick else 50)
    total = args.sales or (500 if args.quick else 5000)
    workdir = Path(tempfile.mkdtemp(prefix="bench-sales-"))
    database = Database(workdir)
    server = None
    try:
        config = app_config(database, workdir)
        shops = build_data(config, max(1, clients // PHONES_PER_VENDOR))
        phones = plan(shops, clients, total, random.Random(SEED))
        sent = sum(len(sales) for _email, sales in phones)
        print(f"database: {database.kind}; {len(shops)} vendors, {clients} phones, {sent} sends")
        port = free_port()
        server = start_server(config, port, workdir)
        seconds, statuses = run_phones(f"http://127.0.0.1:{port}", phones)
        distinct, recorded, consistent = check(config, phones)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
            print_server_errors(workdir / "server.log")
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    rate = sent / seconds
    print(f"answers: {dict(sorted(statuses.items(), key=str))}")
    print(f"{sent} sends in {seconds:.2f} s: {rate:.0f} sales per second")
    print(f"distinct sales {distinct}, recorded {recorded}, stock consistent: {consistent}")
    retried = statuses.pop("retried", 0)
    failed = sum(n for status, n in statuses.items() if status not in (200, 201))
    if failed or recorded != distinct or not consistent:
        print("CHECK FAILED: a sale was lost, duplicated or miscounted")
    print(
        json.dumps(
            {
                "bench": "sales",
                "database": database.kind,
                "clients": clients,
                "sent": sent,
                "distinct": distinct,
                "recorded": recorded,
                "created_201": statuses.get(201, 0),
                "repeats_200": statuses.get(200, 0),
                "retried": retried,
                "failed": failed,
                "stock_consistent": consistent,
                "seconds": round(seconds, 2),
                "sales_per_second": round(rate, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
