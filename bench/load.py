"""Mixed load under the production configuration: buyers, entrepreneurs selling, an organiser.

Starts the app under gunicorn on 127.0.0.1 with APP_ENV=production, on PostgreSQL (a fresh schema
on DATABASE_URL, by default postgresql://postgres@127.0.0.1:5432/test; a temporary SQLite file
when PostgreSQL is unreachable) and Redis for rate limits. Loads the demo data plus a generated
catalogue, makes one fair live with the demo entrepreneurs holding booths, then for a fixed time
16 client threads browse and search the catalogue, record sales through POST /api/v1/sales (some
sent twice with the same client_key, as a phone's retry does) and read the fair's live report.
Afterwards every acknowledged sale must be in the ledger exactly once.

Rate limits are raised for the bench (many sign-ins from one address); production cookies are
Secure, so the client strips that flag to carry the session over plain HTTP on 127.0.0.1.

Usage: python bench/load.py [--quick] [--seconds N]
The last line printed is one JSON object with the figures.
"""

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pyotp
import requests
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog import fresh_database  # noqa: E402
from sales import free_port, print_server_errors, start_server  # noqa: E402

from marketplace.app import create_app  # noqa: E402
from marketplace.catalog.scale import load_scale  # noqa: E402
from marketplace.core.auth import two_factor  # noqa: E402
from marketplace.core.config import normalise_database_url  # noqa: E402
from marketplace.core.extensions import db  # noqa: E402
from marketplace.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/11"
THREADS = 16
MAX_REQUESTS = 200_000  # a hard bound on the whole run, whatever the clock says
REPEAT_SHARE = 0.1
SEARCHES = ["cafe", "miel", "bolsa", "lenca", "chocolate", "hamaca", "collar de plata", "jabon"]
SEED = 20261128


def choose_database() -> str:
    """PostgreSQL unless it is unreachable; sets DATABASE_URL for fresh_database."""
    url = os.environ.get("DATABASE_URL", POSTGRES)
    if url.startswith("sqlite"):
        os.environ.pop("DATABASE_URL", None)  # a temporary SQLite file of its own
        return "sqlite"
    engine = create_engine(normalise_database_url(url))
    try:
        engine.connect().close()
        os.environ["DATABASE_URL"] = url
    except Exception as error:  # noqa: BLE001 - any failure means: fall back, and say so
        print(f"NOTE: PostgreSQL unreachable ({type(error).__name__}); using a SQLite file")
        os.environ.pop("DATABASE_URL", None)
    engine.dispose()
    return os.environ.get("DATABASE_URL", "sqlite")


def app_config(url: str, workdir: Path) -> dict:
    config = {
        "APP_ENV": "production",
        "INSTANCE_PATH": str(workdir / "instance"),
        "DATABASE_URL": url,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-load-secret",
        "RATELIMIT_ENABLED": False,
    }
    redis_url = os.environ.get("REDIS_URL", REDIS)
    if redis_reachable(redis_url):
        config.update(REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_ENABLED=True)
    return config


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url).ping())
    except redis.RedisError:
        print("NOTE: Redis unreachable; rate limiting is off for this run")
        return False


def build_data(config: dict, products: int) -> dict:
    """Demo data, a bigger catalogue, one live fair; returns what the clients need."""
    from flask_migrate import upgrade

    app = create_app(dict(config))
    with app.app_context():
        upgrade()
        load_demo()
        load_scale(products)
        fair_id, emails = make_fair_live()
        db.session.commit()
        # Only what a buyer can reach: public products of verified vendors.
        verified = "v.status = 'verified' AND v.deleted_at IS NULL"
        rows = db.session.execute(
            text(
                "SELECT p.id FROM products p JOIN vendors v ON v.id = p.vendor_id WHERE "
                f"p.visible AND p.moderated_at IS NULL AND p.deleted_at IS NULL AND {verified} "
                "ORDER BY random() LIMIT 500"
            )
        ).all()
        slugs = db.session.execute(
            text(f"SELECT slug FROM vendors v WHERE {verified} LIMIT 200")
        ).all()
        db.engine.dispose()
    return {
        "fair_id": fair_id,
        "sellers": emails,
        "products": [r[0] for r in rows],
        "slugs": [r[0] for r in slugs],
    }


def make_fair_live() -> tuple[int, list[str]]:
    """The demo fair that has a booth layout goes live today, every verified demo entrepreneur
    with products holding a free booth there (an approved application). Returns (fair id, e-mails)."""
    from fairs.applications.models import Application, ApplicationStatus
    from fairs.fairs.models import Fair, FairStatus
    from fairs.layout.models import Booth
    from marketplace.core.auth.models import User
    from marketplace.core.timeutil import local_today
    from vendors.demo.data import VERIFIED
    from vendors.products.models import Product
    from vendors.profiles.models import VendorProfile

    fair = db.session.scalar(db.select(Fair).join(Booth).order_by(Fair.starts_on).limit(1))
    today = local_today()
    fair.status, fair.starts_on, fair.ends_on = FairStatus.LIVE.value, today, today
    held = set(
        db.session.scalars(db.select(Application.booth_id).where(Application.fair_id == fair.id))
    )
    free = [b for b in fair.booths if not b.unavailable and b.id not in held]
    emails = []
    for data in VERIFIED:
        vendor = db.session.scalar(
            db.select(VendorProfile)
            .join(User, VendorProfile.user_id == User.id)
            .where(User.email == data["email"])
        )
        has_products = db.session.scalar(
            db.select(Product.id).where(Product.vendor_id == vendor.id).limit(1)
        )
        if not has_products or not free:
            continue
        application = db.session.scalar(
            db.select(Application).filter_by(fair_id=fair.id, vendor_id=vendor.id)
        ) or Application(fair_id=fair.id, vendor_id=vendor.id)
        application.status = ApplicationStatus.APPROVED.value
        if application.booth_id is None:
            application.booth_id = free.pop().id
        db.session.add(application)
        emails.append(data["email"])
    db.session.flush()
    return fair.id, emails


class Client:
    """One thread's HTTP client. Production cookies are Secure; over plain HTTP on 127.0.0.1
    the jar would withhold them, so the flag is dropped after every answer."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        answer = self.http.request(
            method, self.base + path, timeout=30, allow_redirects=False, **kwargs
        )
        for cookie in self.http.cookies:
            cookie.secure = False
        return answer

    def sign_in(self, email: str) -> bool:
        page = self.request("GET", "/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = {"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
        answer = self.request("POST", "/login", data=data)
        if answer.headers.get("Location") != "/login/code":
            return answer.status_code == 302
        # Staff: a code from the demo authenticator key; each step's code is accepted once.
        now = two_factor.current_step()
        for step in (now, now + 1):
            code = pyotp.TOTP(DEMO_TOTP_SECRET).generate_otp(step)
            second = {"code": code, "csrf_token": token}
            if self.request("POST", "/login/code", data=second).status_code == 302:
                return True
        return False


class Workload:
    """Shared plan and tallies; every request goes through `record`."""

    def __init__(self, base: str, data: dict, seconds: float):
        self.base, self.data = base, data
        self.deadline = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.acknowledged: dict[str, int] = {}  # client_key -> sale id
        self.sent = 0
        self.repeats = 0  # 200 answers: a sale sent again, recognised by its client_key

    def running(self) -> bool:
        return time.monotonic() < self.deadline and self.sent < MAX_REQUESTS

    def timed(self, kind: str, client: Client, method: str, path: str, ok=(200, 302), **kw):
        started = time.perf_counter()
        try:
            answer = client.request(method, path, **kw)
            status = answer.status_code
        except requests.RequestException as error:
            answer, status = None, type(error).__name__
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.sent += 1
            self.latencies[kind].append(elapsed)
            if status not in ok:
                self.errors[f"{kind} {status}"] += 1
        return answer if status in ok else None

    def buyer(self, client: Client, rng: random.Random) -> None:
        d = self.data
        choice = rng.random()
        if choice < 0.1:
            self.timed("home", client, "GET", "/")
        elif choice < 0.35:
            params = rng.choice(
                [{}, {"category": "crafts"}, {"sort": "price_asc"}, {"department": "Atlántida"}]
            )
            page = self.timed("catalog", client, "GET", "/catalog", params=params)
            cursor = page is not None and re.search(r'href="[^"]*[?&]cursor=([^"&]+)', page.text)
            if cursor:
                self.timed(
                    "catalog_page",
                    client,
                    "GET",
                    "/catalog",
                    params={**params, "cursor": cursor.group(1).replace("&amp;", "&")},
                )
        elif choice < 0.55:
            self.timed("search", client, "GET", "/catalog", params={"q": rng.choice(SEARCHES)})
        elif choice < 0.85:
            self.timed("product", client, "GET", f"/products/{rng.choice(d['products'])}")
        else:
            self.timed("vendor", client, "GET", f"/vendors/{rng.choice(d['slugs'])}")

    def seller(self, client: Client, token: str, products: list[int], rng, sent: list) -> None:
        if sent and rng.random() < REPEAT_SHARE:
            sale = rng.choice(sent)  # a phone's retry of a sale already answered
        else:
            sale = {
                "client_key": str(uuid.UUID(int=rng.getrandbits(128))),
                "product_id": rng.choice(products),
                "quantity": 1,
                "unit_price": 100_00,
                "payment_method": rng.choice(("cash", "cash", "transfer", "card")),
            }
        answer = self.timed(
            "sale",
            client,
            "POST",
            "/api/v1/sales",
            ok=(200, 201),
            json=sale,
            headers={"X-CSRFToken": token},
        )
        if answer is not None:
            sent.append(sale)
            with self.lock:
                self.repeats += answer.status_code == 200
                previous = self.acknowledged.setdefault(sale["client_key"], answer.json()["id"])
                if previous != answer.json()["id"]:
                    self.errors["sale repeat answered with another id"] += 1

    def organiser(self, client: Client, rng) -> None:
        fair = self.data["fair_id"]
        if rng.random() < 0.3:
            self.timed("report", client, "GET", f"/admin/fairs/{fair}/report")
        else:
            self.timed("report_figures", client, "GET", f"/admin/fairs/{fair}/report/figures")


def run(workload: Workload, base: str) -> float:
    """THREADS threads: 1 organiser, a third selling, the rest buyers; until the deadline."""
    sellers = workload.data["sellers"]
    roles = ["organiser"] + ["seller"] * max(1, THREADS // 3) + ["buyer"] * THREADS
    roles = roles[:THREADS]

    def signed_in(client: Client, email: str) -> bool:
        try:
            if client.sign_in(email):
                return True
        except requests.RequestException:
            pass
        with workload.lock:
            workload.errors[f"sign-in of {email}"] += 1
        return False

    def thread(n: int, role: str) -> None:
        rng = random.Random(SEED + n)
        client = Client(base)
        if role == "buyer":
            while workload.running():
                workload.buyer(client, rng)
        elif role == "organiser":
            if not signed_in(client, "organizadora@demo.hn"):
                return
            while workload.running():
                workload.organiser(client, rng)
                time.sleep(0.5)  # the live page refreshes on a timer, not flat out
        else:
            if not signed_in(client, sellers[n % len(sellers)]):
                return
            listing = client.request("GET", "/api/v1/me/products").json()
            products = [p["id"] for p in listing["items"]]
            sent: list[dict] = []
            while workload.running():
                workload.seller(client, listing["csrf_token"], products, rng, sent)
                time.sleep(0.05)  # a person at a booth, not a loop

    threads = [threading.Thread(target=thread, args=(n, r)) for n, r in enumerate(roles)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def check_ledger(url: str, acknowledged: dict[str, int]) -> tuple[int, int]:
    """(lost, duplicated): acknowledged keys missing from the ledger, or there more than once."""
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = dict(
            conn.execute(text("SELECT client_key, count(*) FROM sales GROUP BY client_key")).all()
        )
    engine.dispose()
    lost = sum(1 for key in acknowledged if counts.get(key, 0) == 0)
    duplicated = sum(1 for key in acknowledged if counts.get(key, 0) > 1)
    return lost, duplicated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 seconds, a smaller catalogue")
    parser.add_argument("--seconds", type=float)
    args = parser.parse_args()
    seconds = args.seconds or (15 if args.quick else 60)
    products = 500 if args.quick else 2000
    choose_database()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    server = None
    try:
        with fresh_database(workdir) as raw_url:
            url = normalise_database_url(raw_url)
            engine = url.split(":", 1)[0].split("+", 1)[0]
            config = app_config(url, workdir)
            data = build_data(config, products)
            print(
                f"database: {engine}; {len(data['products'])} products sampled, "
                f"{len(data['sellers'])} entrepreneurs at live fair {data['fair_id']}; "
                f"{THREADS} client threads for {seconds:.0f} s"
            )
            port = free_port()
            server = start_server(config, port, workdir)
            base = f"http://127.0.0.1:{port}"
            workload = Workload(base, data, seconds)
            elapsed = run(workload, base)
            server.terminate()
            server.wait(timeout=30)
            server = None
            print_server_errors(workdir / "server.log")
            lost, duplicated = check_ledger(url, workload.acknowledged)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    every = [ms for values in workload.latencies.values() for ms in values]
    print(f"{'kind':<15}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in sorted(workload.latencies.items()):
        print(
            f"{kind:<15}{len(values):>9}{percentile(values, 50):>9.1f}"
            f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}"
        )
    errors = sum(workload.errors.values())
    print(f"errors: {dict(workload.errors) or 'none'}")
    print(
        f"acknowledged sales {len(workload.acknowledged)} ({workload.repeats} repeats answered 200), "
        f"lost {lost}, duplicated {duplicated}"
    )
    if errors or lost or duplicated:
        print("CHECK FAILED: errors, or a sale lost or duplicated")
    print(
        json.dumps(
            {
                "bench": "load",
                "database": engine,
                "seconds": round(elapsed, 1),
                "requests": len(every),
                "rps": round(len(every) / elapsed, 1),
                "p50_ms": round(percentile(every, 50), 1),
                "p95_ms": round(percentile(every, 95), 1),
                "p99_ms": round(percentile(every, 99), 1),
                "errors": errors,
                "acknowledged_sales": len(workload.acknowledged),
                "lost_sales": lost,
                "duplicated_sales": duplicated,
            }
        )
    )


if __name__ == "__main__":
    main()
