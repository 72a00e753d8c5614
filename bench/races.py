"""Race conditions, through HTTP only: two requests that land at the same moment must act once.

Starts the app under gunicorn on 127.0.0.1 with APP_ENV=production on a PostgreSQL database of
its own (created on DATABASE_URL's server, by default postgresql://postgres@127.0.0.1:5432, and
dropped at the end), Redis db 12 for rate limits when reachable (limits raised for the bench), and
the local Stripe fake (tests/stripe_fake: localstripe plus Checkout Sessions) on a free port. The
bench signs webhook payloads itself with STRIPE_WEBHOOK_SECRET, as Stripe does.

Each race is tried over and over until the time is up, every try on fresh rows (a new product,
order, fair or sale key), with the racing requests released together by a threading.Barrier.
After each try the outcome is read straight from the database:

  sales        the same sale (one client_key) posted twice at once, to POST /api/v1/sales and to
               the HTML form "Registrar venta"                      -> double_recorded
  cancel       buyer cancels, or switches to pay at pickup, while the signed
               checkout.session.completed webhook of the paid session lands
                                                                    -> unrefunded_cancelled
  refund       two organisers refund one unit each of the same paid line -> lost_refund_updates
  booth        two organisers give two different booths to one application -> double_booked
  line         the vendor cancels a line while (another tab) marks it delivered: a unit
               both in the ledger and back on the shelf             -> oversold
  last_unit    two buyers check out the last unit at once           -> oversold
  double_tap   one buyer double-taps "Place order" (pickup or online) or "Pay online by card"
                                                                    -> double_recorded
Every 5xx answer counts in server_errors. Extra keys after the required ones: no_answer (racing
requests that got no HTTP answer), oversold_stock and sold_and_restocked (the two parts of
oversold), seconds, serial, tries_per_race. `--serial` is the control run: the same tries with
the two requests sent one after the other; what it still counts is not a race but a repeat the
app does not recognise (a double tap that arrives late does the same).

Usage: python bench/races.py [--quick] [--seconds N] [--serial]
The last line printed is one JSON object with the figures.
"""

import argparse
import hashlib
import hmac
import html
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from load import Client, redis_reachable  # noqa: E402
from sales import free_port, print_server_errors, start_server  # noqa: E402

from marketplace.app import create_app  # noqa: E402
from marketplace.core.config import normalise_database_url  # noqa: E402
from marketplace.core.extensions import db  # noqa: E402
from marketplace.demo import load_demo  # noqa: E402
from tests.stripe_fake import StripeFake  # noqa: E402
from tests.stripe_fake.server import FAKE_SECRET_KEY  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/12"
WEBHOOK_SECRET = "whsec_bench_races"
SELLER = "maria@demo.hn"  # sells at the booth and owns the products the buyers order
ORGANISERS = ("organizadora@demo.hn", "admin@demo.hn")
APPLICANT = "jose@demo.hn"  # applies to every fair the booth race makes
MAX_TRIES = 5000  # a hard bound on the whole run, whatever the clock says
PHONE = "9876-5432"

RACES = ["sales", "cancel", "refund", "booth", "line", "last_unit", "double_tap"]
FIGURE = {
    "sales": "double_recorded",
    "cancel": "unrefunded_cancelled",
    "refund": "lost_refund_updates",
    "booth": "double_booked",
    "line": "oversold",
    "last_unit": "oversold",
    "double_tap": "double_recorded",
}


# --------------------------------------------------------------------------- set-up and tear-down


class Database:
    """A PostgreSQL database of its own on DATABASE_URL's server, dropped at the end."""

    def __init__(self):
        import psycopg

        server = os.environ.get("DATABASE_URL", POSTGRES)
        server = server.replace("postgresql+psycopg://", "postgresql://")
        server = server.replace("postgres://", "postgresql://")
        if not server.startswith("postgresql://"):
            raise SystemExit("bench/races.py needs PostgreSQL (DATABASE_URL=postgresql://...)")
        self.admin = server
        self.name = f"races_bench_{os.getpid()}"
        try:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {self.name}")
        except psycopg.OperationalError as error:
            raise SystemExit(f"bench/races.py needs PostgreSQL at {server}: {error}") from None
        self.url = normalise_database_url(server.rsplit("/", 1)[0] + "/" + self.name)

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def app_config(url: str, workdir: Path, stripe_url: str) -> dict:
    config = {
        "APP_ENV": "production",
        "INSTANCE_PATH": str(workdir / "instance"),
        "DATABASE_URL": url,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-races-secret",
        # Every client checks out from 127.0.0.1: the per-address limit is raised (sign-in
        # counts only failed attempts).
        "CHECKOUT_RATE_LIMIT": "100000 per minute",
        "RATELIMIT_ENABLED": False,
        "STRIPE_SECRET_KEY": FAKE_SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": "pk_test_bench",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": stripe_url,
    }
    redis_url = os.environ.get("REDIS_URL", REDIS)
    if redis_reachable(redis_url):
        config.update(REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_ENABLED=True)
    return config


class Rows:
    """Fresh rows for each try, made through the app's models in this process (never through the
    server under test, whose outcome is what we measure)."""

    def __init__(self, config: dict):
        from flask_migrate import upgrade

        self.app = create_app(dict(config))
        with self.app.app_context():
            upgrade()
            load_demo()
            db.session.commit()
            self.seller_id = self._vendor_id(SELLER)
            self.applicant_id = self._vendor_id(APPLICANT)
        self.n = 0

    def _vendor_id(self, email: str) -> int:
        return db.session.execute(
            text("SELECT v.id FROM vendors v JOIN users u ON u.id = v.user_id WHERE u.email = :e"),
            {"e": email},
        ).scalar_one()

    def product(self, stock: int) -> int:
        from vendors.products.models import Product

        self.n += 1
        with self.app.app_context():
            product = Product(
                vendor_id=self.seller_id,
                title=f"Canasta de prueba {self.n}",
                category="crafts",
                price=150_00,
                stock=stock,
            )
            db.session.add(product)
            db.session.commit()
            return product.id

    def fair_with_application(self) -> tuple[int, int, list[int]]:
        """A fair preparing its day, three free booths, one approved application without one."""
        from fairs.applications.models import Application, ApplicationStatus
        from fairs.fairs.models import Fair, FairStatus
        from fairs.layout.models import Booth
        from marketplace.core.timeutil import local_today

        self.n += 1
        with self.app.app_context():
            day = local_today() + timedelta(days=30)
            fair = Fair(
                slug=f"feria-carrera-{os.getpid()}-{self.n}",
                name=f"Feria de carrera {self.n}",
                city="La Ceiba",
                department="Atlántida",
                venue="Parque central",
                starts_on=day,
                ends_on=day,
                status=FairStatus.CLOSED.value,
            )
            booths = [Booth(fair=fair, code=f"A-{c + 1:02d}", row=0, col=c) for c in range(3)]
            application = Application(
                fair=fair, vendor_id=self.applicant_id, status=ApplicationStatus.APPROVED.value
            )
            db.session.add_all([fair, *booths, application])
            db.session.commit()
            return fair.id, application.id, [b.id for b in booths]


# --------------------------------------------------------------------------- HTTP


class Http:
    """Clients that count every 5xx answer."""

    def __init__(self, base: str):
        self.base = base
        self.lock = threading.Lock()
        self.server_errors = Counter()

    def client(self) -> "Browser":
        return Browser(self)

    def note(self, kind: str, answer: requests.Response) -> None:
        if answer.status_code >= 500:
            with self.lock:
                self.server_errors[kind] += 1


class Browser(Client):
    """One person's browser: cookies kept (Secure flag dropped on plain HTTP), forms read from
    the page with every hidden field they carry (CSRF token, one-time submission_key, ...)."""

    def __init__(self, http: Http):
        super().__init__(http.base)
        self.counter = http
        self.kind = "setup"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        answer = super().request(method, path, **kwargs)
        self.counter.note(self.kind, answer)
        return answer

    def twin(self) -> "Browser":
        """The same browser's second request in flight: same cookies, its own connection."""
        other = Browser(self.counter)
        other.kind = self.kind
        other.http.cookies.update(self.http.cookies)
        return other

    def sign_in(self, email: str) -> "Browser":
        if not super().sign_in(email):
            raise RuntimeError(f"could not sign in as {email}")
        return self

    def form(self, path: str, action: str) -> dict:
        """The hidden fields of the form on page `path` whose action contains `action`."""
        page = self.request("GET", path)
        return hidden_fields(page.text, action)


def hidden_fields(page: str, action: str) -> dict:
    for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", page, re.S | re.I):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
        if action not in html.unescape(attrs.get("action", "")):
            continue
        fields = {}
        for tag in re.findall(r"<input\b[^>]*>", match.group(2), re.I):
            a = {k.lower(): html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}
            if a.get("type", "").lower() == "hidden" and a.get("name"):
                fields[a["name"]] = a.get("value", "")
        return fields
    raise LookupError(f"no form posting to {action}")


SERIAL = False  # --serial: the control run, the same requests one after the other
NO_ANSWER = Counter()  # racing requests that got no HTTP answer at all (by exception)


def together(*calls) -> list:
    """Run the calls in threads released at the same instant; their answers (or exceptions).
    In the control run (--serial) they go one after the other instead."""
    if SERIAL:
        return [fn() for fn in calls]
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except (requests.RequestException, threading.BrokenBarrierError) as error:
            results[i] = error
            NO_ANSWER[type(error).__name__] += 1

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def sign(payload: str, secret: str = WEBHOOK_SECRET) -> str:
    """The Stripe-Signature header Stripe sends: t=<ts>,v1=<HMAC-SHA256 of "<ts>.<payload>">."""
    t = int(time.time())
    digest = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


# --------------------------------------------------------------------------- the bench


class Bench:
    def __init__(self, base: str, rows: Rows, db_url: str, fake: StripeFake):
        self.base, self.rows, self.fake = base, rows, fake
        self.http = Http(base)
        self.engine = create_engine(db_url, pool_size=2)
        self.tries = Counter()
        self.bad = Counter()
        self.detail: dict[str, Counter] = defaultdict(Counter)
        self.n = 0
        self.failed = 0
        self.seller = [self.http.client().sign_in(SELLER) for _ in range(2)]
        self.organisers = [self.http.client().sign_in(e) for e in ORGANISERS]
        self.seller_api_token = (
            self.seller[0].request("GET", "/api/v1/me/products").json()["csrf_token"]
        )
        self.sale_product = rows.product(1_000_000)

    def q(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).mappings().all()

    def webhook(self, payload: str) -> requests.Response:
        answer = requests.post(
            f"{self.base}/payments/stripe/webhook",
            data=payload.encode(),
            headers={"Stripe-Signature": sign(payload), "Content-Type": "application/json"},
            timeout=30,
        )
        self.http.note("webhook", answer)
        return answer

    # -- buyers

    def buyer(self, product_id: int, quantity: int, kind: str) -> tuple["Browser", str]:
        """A new buyer with `quantity` of the product in the cart; (browser, e-mail)."""
        self.n += 1
        buyer = self.http.client()
        buyer.kind = kind
        fields = buyer.form(f"/products/{product_id}", "/cart/add")
        fields.update(product_id=str(product_id), quantity=str(quantity))
        buyer.request("POST", "/cart/add", data=fields)
        return buyer, f"comprador{self.n}.{os.getpid()}@bench.hn"

    def checkout_form(self, buyer: "Browser", email: str, payment: str) -> dict:
        fields = buyer.form("/checkout", "/checkout")
        fields.update(name="Comprador de prueba", email=email, phone=PHONE, payment=payment)
        return fields

    def order_of(self, email: str) -> dict | None:
        rows = self.q("SELECT * FROM orders WHERE buyer_email = :e ORDER BY id", e=email)
        return dict(rows[0]) if rows else None

    def paid_session(self, buyer: "Browser", email: str) -> tuple[dict, str, str]:
        """Check out online and pay the Checkout Session at the fake (no webhook sent yet):
        (order row, order token, the signed event's payload)."""
        answer = buyer.request("POST", "/checkout", data=self.checkout_form(buyer, email, "online"))
        session_id = re.search(r"/pay/(cs_[A-Za-z0-9_]+)", answer.headers.get("Location", ""))
        if session_id is None:
            raise RuntimeError(f"checkout did not go to the payment page ({answer.status_code})")
        event = self.fake.pay(session_id.group(1))
        session = json.loads(event["payload"])["data"]["object"]
        token = re.search(r"/orders/([^/?]+)/paid", session["success_url"]).group(1)
        return self.order_of(email), token, event["payload"]

    # -- the races; each returns how many bad outcomes the try left (0 or 1)

    def race_sales(self, variant: int) -> int:
        """One sale, one client_key, sent twice at once: API + API, form + form, API + form."""
        kind = ("api+api", "form+form", "api+form")[variant % 3]
        phone = self.seller[0]
        phone.kind = "sales"
        fields = phone.form("/me/sell", "/me/sell")
        key = fields.get("client_key") or f"bench-{uuid.uuid4().hex}"
        fields.update(
            client_key=key,
            product=str(self.sale_product),
            quantity="1",
            price="",
            payment_method="cash",
        )
        sale = {
            "client_key": key,
            "product_id": self.sale_product,
            "quantity": 1,
            "unit_price": 150_00,
            "payment_method": "cash",
        }
        headers = {"X-CSRFToken": self.seller_api_token}

        def send(browser, via):
            if via == "api":
                return browser.request("POST", "/api/v1/sales", json=sale, headers=headers)
            return browser.request("POST", "/me/sell", data=fields)

        vias = kind.split("+")
        together(
            *[lambda b=b, v=v: send(b, v) for b, v in zip((phone, phone.twin()), vias, strict=True)]
        )
        recorded = self.q(
            "SELECT count(*) AS n FROM sales WHERE client_key = :k AND vendor_id = :v",
            k=key,
            v=self.rows.seller_id,
        )[0]["n"]
        self.detail["sales"][f"{kind} tries"] += 1
        self.detail["sales"][f"{kind} twice"] += int(recorded > 1)
        self.detail["sales"][f"{kind} not recorded"] += int(recorded == 0)
        return int(recorded > 1)

    def race_cancel(self, variant: int) -> int:
        start = 5
        product = self.rows.product(start)
        buyer, email = self.buyer(product, 1, "cancel")
        order, token, payload = self.paid_session(buyer, email)
        action = "cancel" if variant % 2 == 0 else "pickup"
        fields = buyer.form(f"/orders/{token}", f"/orders/{token}/{action}")
        self.detail["cancel"][f"{action} tries"] += 1
        together(
            lambda: buyer.request("POST", f"/orders/{token}/{action}", data=fields),
            lambda: self.webhook(payload),
        )
        bad = self.unrefunded(order["id"], product, start)
        self.detail["cancel"][f"{action} unrefunded"] += bad
        return bad

    def unrefunded(self, order_id: int, product: int, start: int) -> int:
        """1 when the order is not paid yet a payment of it is paid and not refunded, or when a
        live ledger sale of its lines stands while the stock came back."""
        order = self.q("SELECT status, refunded FROM orders WHERE id = :o", o=order_id)[0]
        paid = self.q(
            "SELECT coalesce(sum(amount), 0) AS a FROM payments WHERE order_id = :o "
            "AND status = 'paid'",
            o=order_id,
        )[0]["a"]
        stock = self.q("SELECT stock FROM products WHERE id = :p", p=product)[0]["stock"]
        live = self.live_line_sales(order_id)
        kept_money = order["status"] != "paid" and paid > order["refunded"]
        sold_and_back = live > 0 and stock == start
        return int(kept_money or sold_and_back)

    def live_line_sales(self, order_id: int) -> int:
        return self.q(
            "SELECT count(*) AS n FROM sales s JOIN order_lines l ON l.vendor_id = s.vendor_id "
            "AND (s.client_key = 'order-line-' || l.id OR s.client_key LIKE 'order-line-' || l.id "
            "|| '-%') WHERE l.order_id = :o AND s.voided_at IS NULL",
            o=order_id,
        )[0]["n"]

    def race_refund(self, variant: int) -> int:
        product = self.rows.product(5)
        buyer, email = self.buyer(product, 3, "refund")
        order, _token, payload = self.paid_session(buyer, email)
        self.webhook(payload)
        status = self.q("SELECT status FROM orders WHERE id = :o", o=order["id"])[0]["status"]
        if status != "paid":
            self.detail["refund"]["order not paid, skipped"] += 1
            return 0
        line = self.q("SELECT id FROM order_lines WHERE order_id = :o", o=order["id"])[0]["id"]
        path = f"/admin/orders/{order['id']}"
        forms = []
        for organiser in self.organisers:
            organiser.kind = "refund"
            fields = organiser.form(path, f"{path}/refund")
            fields.update(line_id=str(line), quantity="1")
            forms.append((organiser, fields))
        together(*[lambda o=o, f=f: o.request("POST", f"{path}/refund", data=f) for o, f in forms])
        order = self.q("SELECT total, refunded FROM orders WHERE id = :o", o=order["id"])[0]
        refunds = self.q(
            "SELECT coalesce(sum(amount), 0) AS a, coalesce(sum(quantity), 0) AS q, count(*) AS n "
            "FROM refunds WHERE line_id = :l",
            l=line,
        )[0]
        refunded_qty = self.q("SELECT refunded_quantity FROM order_lines WHERE id = :l", l=line)[0][
            "refunded_quantity"
        ]
        self.detail["refund"]["refunds made"] += refunds["n"]
        lost = order["refunded"] != refunds["a"] or refunded_qty != refunds["q"]
        over = order["refunded"] > order["total"]
        self.detail["refund"]["refunded != sum of refunds"] += int(lost)
        self.detail["refund"]["refunded > paid"] += int(over)
        return int(lost or over)

    def race_booth(self, variant: int) -> int:
        fair, application, booths = self.rows.fair_with_application()
        path = f"/admin/fairs/{fair}/applications/{application}"
        forms = []
        for organiser, booth in zip(self.organisers, booths, strict=False):
            organiser.kind = "booth"
            fields = organiser.form(path, f"{path}/booth")
            fields["booth_id"] = str(booth)
            forms.append((organiser, fields))
        together(*[lambda o=o, f=f: o.request("POST", f"{path}/booth", data=f) for o, f in forms])
        held = self.q("SELECT booth_id FROM applications WHERE id = :a", a=application)[0]
        trail = self.q(
            "SELECT action, details FROM audit_log WHERE target_type = 'application' "
            "AND target_id = :a AND action LIKE 'application.booth%' ORDER BY id",
            a=application,
        )
        codes = {
            r["id"]: r["code"]
            for r in self.q("SELECT id, code FROM booths WHERE fair_id = :f", f=fair)
        }
        details = [
            json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]
            for r in trail
        ]
        assigned = sum(1 for r in trail if r["action"] == "application.booth_assigned")
        wrong_trail = bool(trail) and (
            assigned > 1 or (details[-1] or {}).get("booth") != codes.get(held["booth_id"])
        )
        twice = self.q(
            "SELECT count(*) AS n FROM (SELECT booth_id FROM applications WHERE booth_id IS NOT "
            "NULL GROUP BY booth_id HAVING count(*) > 1) t"
        )[0]["n"]
        two_booths = self.q(
            "SELECT count(*) AS n FROM (SELECT fair_id, vendor_id FROM applications WHERE "
            "booth_id IS NOT NULL AND fair_id = :f GROUP BY fair_id, vendor_id "
            "HAVING count(*) > 1) t",
            f=fair,
        )[0]["n"]
        self.detail["booth"]["wrong trail"] += int(wrong_trail)
        self.detail["booth"]["booth held twice"] += int(twice > 0)
        self.detail["booth"]["vendor with two booths"] += int(two_booths > 0)
        return int(wrong_trail or twice > 0 or two_booths > 0)

    def race_line(self, variant: int) -> int:
        start = 5
        product = self.rows.product(start)
        buyer, email = self.buyer(product, 1, "line")
        buyer.request("POST", "/checkout", data=self.checkout_form(buyer, email, "pickup"))
        order = self.order_of(email)
        line = self.q("SELECT id FROM order_lines WHERE order_id = :o", o=order["id"])[0]["id"]
        action = f"/me/orders/lines/{line}"
        # Delivered is a step from confirmed or ready: the vendor marks the line ready first.
        phone = self.seller[0]
        phone.kind = "line"
        ready = phone.form("/me/orders", action)
        phone.request("POST", action, data={**ready, "action": "ready"})
        posts = []
        for phone, step in zip(self.seller, ("cancelled", "delivered"), strict=True):
            phone.kind = "line"
            fields = phone.form("/me/orders", action)
            fields.update(action=step, reason="Se acabó el material", method="cash")
            posts.append((phone, fields))
        together(*[lambda p=p, f=f: p.request("POST", action, data=f) for p, f in posts])
        stock = self.q("SELECT stock FROM products WHERE id = :p", p=product)[0]["stock"]
        status = self.q("SELECT status FROM order_lines WHERE id = :l", l=line)[0]["status"]
        bad = int(self.live_line_sales(order["id"]) > 0 and stock == start)
        self.detail["line"][f"ended {status}"] += 1
        self.detail["line"]["sale live and stock back"] += bad
        return bad

    def race_last_unit(self, variant: int) -> int:
        product = self.rows.product(1)
        buyers = [self.buyer(product, 1, "last_unit") for _ in range(2)]
        forms = [(b, self.checkout_form(b, e, "pickup")) for b, e in buyers]
        together(*[lambda b=b, f=f: b.request("POST", "/checkout", data=f) for b, f in forms])
        return self.oversold(product, 1)

    def oversold(self, product: int, start: int, race: str = "last_unit") -> int:
        stock = self.q("SELECT stock FROM products WHERE id = :p", p=product)[0]["stock"]
        held = self.q(
            "SELECT coalesce(sum(l.quantity - l.refunded_quantity), 0) AS n FROM order_lines l "
            "JOIN orders o ON o.id = l.order_id WHERE l.product_id = :p AND l.status <> "
            "'cancelled' AND o.status IN ('reserved', 'awaiting_payment', 'paid')",
            p=product,
        )[0]["n"]
        bad = int(stock < 0 or held > start)
        self.detail[race]["stock negative or sold > stock"] += bad
        return bad

    def race_double_tap(self, variant: int) -> int:
        kind = ("checkout pickup", "checkout online", "pay online")[variant % 3]
        start = 5
        product = self.rows.product(start)
        buyer, email = self.buyer(product, 1, "double_tap")
        self.detail["double_tap"][f"{kind} tries"] += 1
        if kind == "pay online":
            answer = buyer.request(
                "POST", "/checkout", data=self.checkout_form(buyer, email, "online")
            )
            session_id = re.search(r"/pay/(cs_[A-Za-z0-9_]+)", answer.headers.get("Location", ""))
            success = self.fake.session(session_id.group(1))["success_url"]
            token = re.search(r"/orders/([^/?]+)/paid", success).group(1)
            order = self.order_of(email)
            fields = buyer.form(f"/orders/{token}", f"/orders/{token}/pay")
            before = self.payments(order["id"])
            path = f"/orders/{token}/pay"
            together(
                *[lambda b=b: b.request("POST", path, data=fields) for b in (buyer, buyer.twin())]
            )
            attempts = self.payments(order["id"]) - before
            bad = int(attempts > 1)
        else:
            fields = self.checkout_form(buyer, email, kind.split()[1])
            together(
                *[
                    lambda b=b: b.request("POST", "/checkout", data=fields)
                    for b in (buyer, buyer.twin())
                ]
            )
            orders = self.q("SELECT id FROM orders WHERE buyer_email = :e", e=email)
            attempts = sum(self.payments(o["id"]) for o in orders)
            bad = int(len(orders) > 1 or attempts > 1)
            if self.oversold(product, start, "double_tap"):
                self.bad["oversold"] += 1
        self.detail["double_tap"][f"{kind} twice"] += bad
        return bad

    def payments(self, order_id: int) -> int:
        return self.q("SELECT count(*) AS n FROM payments WHERE order_id = :o", o=order_id)[0]["n"]

    # -- the run

    def run(self, seconds: float) -> float:
        started = time.monotonic()
        deadline = started + seconds
        round_no = 0
        print(f"{'round':>5} {'s':>6}  " + "  ".join(f"{r:>10}" for r in RACES) + "   5xx")
        while time.monotonic() < deadline and sum(self.tries.values()) + self.failed < MAX_TRIES:
            for race in RACES:
                if time.monotonic() >= deadline:
                    break
                try:
                    bad = getattr(self, f"race_{race}")(round_no)
                except Exception as error:  # noqa: BLE001 - a try that could not be set up or read
                    # is not a measurement: counted apart (failed_tries), said once, and the
                    # bench goes on with the next race.
                    what = f"try failed: {type(error).__name__}"
                    if not self.detail[race][what]:
                        print(f"NOTE: {race}: {type(error).__name__}: {error}"[:300])
                    self.detail[race][what] += 1
                    self.failed += 1
                    continue
                self.tries[race] += 1
                self.bad[FIGURE[race]] += bad
                self.detail[race]["bad"] += bad
            round_no += 1
            cells = "  ".join(f"{self.detail[r]['bad']:>4}/{self.tries[r]:<5}" for r in RACES)
            print(
                f"{round_no:>5} {time.monotonic() - started:>6.1f}  {cells}"
                f"  {sum(self.http.server_errors.values()):>4}",
                flush=True,
            )
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 20 seconds of races")
    parser.add_argument("--seconds", type=float, help="time for the races (60 by default)")
    parser.add_argument(
        "--serial",
        action="store_true",
        help="control run: the same tries with the requests one after the other (expect zeros)",
    )
    args = parser.parse_args()
    global SERIAL
    SERIAL = args.serial
    seconds = args.seconds or (20 if args.quick else 60)
    workdir = Path(tempfile.mkdtemp(prefix="bench-races-"))
    database = Database()
    fake = server = None
    try:
        fake = StripeFake(WEBHOOK_SECRET).start()
        config = app_config(database.url, workdir, fake.url)
        rows = Rows(config)
        port = free_port()
        server = start_server(config, port, workdir)
        base = f"http://127.0.0.1:{port}"
        print(
            f"database {database.name} (PostgreSQL), gunicorn on {base}, Stripe fake on "
            f"{fake.url}, rate limits {'in Redis' if config['RATELIMIT_ENABLED'] else 'off'}; "
            f"races for {seconds:.0f} s"
        )
        bench = Bench(base, rows, database.url, fake)
        elapsed = bench.run(seconds)
        bench.engine.dispose()
        with rows.app.app_context():
            db.engine.dispose()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
            print_server_errors(workdir / "server.log")
        if fake is not None:
            fake.stop()
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'race':<11}{'tries':>6}{'bad':>5}  figure                 details")
    for race in RACES:
        details = {k: v for k, v in bench.detail[race].items() if k != "bad" and v}
        print(
            f"{race:<11}{bench.tries[race]:>6}{bench.detail[race]['bad']:>5}  "
            f"{FIGURE[race]:<22} {details or ''}"
        )
    errors = bench.http.server_errors
    print(
        f"5xx answers: {dict(errors) or 'none'}; {sum(bench.tries.values())} tries in "
        f"{elapsed:.1f} s"
    )
    figures = {
        "bench": "races",
        "tries": sum(bench.tries.values()),
        "double_recorded": bench.bad["double_recorded"],
        "unrefunded_cancelled": bench.bad["unrefunded_cancelled"],
        "lost_refund_updates": bench.bad["lost_refund_updates"],
        "double_booked": bench.bad["double_booked"],
        "oversold": bench.bad["oversold"],
        "server_errors": sum(errors.values()),
        "no_answer": sum(NO_ANSWER.values()),
        "failed_tries": bench.failed,
        "oversold_stock": sum(
            bench.detail[r]["stock negative or sold > stock"] for r in ("last_unit", "double_tap")
        ),
        "sold_and_restocked": bench.detail["line"]["bad"],
        "seconds": round(elapsed, 1),
        "serial": SERIAL,
        "tries_per_race": {r: bench.tries[r] for r in RACES},
    }
    if any(figures[k] for k in list(figures)[2:9]):
        print("RACES FOUND: see the figures above")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
