"""End-to-end fixtures: the real app under gunicorn on 127.0.0.1 with a fresh database, and
Debian's Chromium driven by Playwright. Skipped, with the reason printed, when Chromium or the
axe-core package (npm) is missing."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from functools import cache
from pathlib import Path

import pytest

from tests.databases import drop_postgres, fresh_postgres

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 800}
# "gw0", "gw1"... under pytest-xdist.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
# Chromium's own background traffic has nowhere to go on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_database(tmp_path_factory):
    """The live server's instance folder and database URL: a SQLite file in the instance, or a
    PostgreSQL database of its own (dropped at the end) when TEST_DATABASE_URL is set."""
    if not CHROMIUM:
        pytest.skip("end-to-end tests need Chromium (apt-get install chromium)")
    instance = tmp_path_factory.mktemp("e2e-instance")
    # Every journey registers and reserves from 127.0.0.1: the per-address limits would trip.
    # Password hashing at production cost was half of loading the demo; it is not under test.
    (instance / "config.py").write_text(
        'REGISTER_RATE_LIMIT = "1000 per minute"\nCHECKOUT_RATE_LIMIT = "1000 per minute"\n'
        'TWO_FACTOR_ADDRESS_RATE_LIMIT = "1000 per minute"\n'
        'ARGON2_PROFILE = "CHEAPEST"\n'
    )
    test_url = os.environ.get("TEST_DATABASE_URL")
    # A database of its own: it never meets the unit tests' tables nor another run's (the
    # process id keeps runs started side by side apart).
    own = f"mercado_e2e_{os.getpid()}"
    url = fresh_postgres(test_url, own) if test_url else f"sqlite:///{instance / 'mercado.db'}"
    yield {"INSTANCE_PATH": str(instance), "DATABASE_URL": url}
    if test_url:
        drop_postgres(url)


@pytest.fixture(scope="session")
def live_server(live_app, live_database):
    """gunicorn serving a freshly migrated database with the demo data; yields its base URL."""
    env = dict(os.environ, APP_ENV="development", **live_database)
    yield from _gunicorn(env, "gunicorn.log")


@pytest.fixture(scope="session")
def live_stripe(stripe_fake):
    """The local Stripe fake (tests/stripe_fake) for the Stripe-on server: the suite's one
    instance, since localstripe's app can be served from one event loop only."""
    return stripe_fake


@pytest.fixture(scope="session")
def live_server_stripe(live_server, live_database, live_stripe):
    """A second gunicorn on the same database, with online payment switched on against the
    Stripe fake (STRIPE_API_BASE); yields its base URL."""
    from tests.stripe_fake.fixtures import WEBHOOK_SECRET
    from tests.stripe_fake.server import FAKE_SECRET_KEY

    env = dict(
        os.environ,
        APP_ENV="development",
        **live_database,
        STRIPE_SECRET_KEY=FAKE_SECRET_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=live_stripe.url,
    )
    yield from _gunicorn(env, "gunicorn-stripe.log")


def _gunicorn(env: dict, log_name: str):
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / log_name
    if WORKER:  # each pytest-xdist worker runs servers of its own
        log_path = log_path.with_stem(f"{log_path.stem}-{WORKER}")
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            # --preload: the app is imported once and forked, not once per worker (the app
            # opens no connection while it is built).
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--preload", "wsgi:app"],
            cwd=ROOT,
            env=dict(env, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(url, server, log_path)
        yield url
        # Quick shutdown: no test is waiting for an answer any more, and a graceful one waits
        # for the browser's idle keep-alive connections (over 30 s on a busy machine).
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def live_app(live_database):
    """The app built in this process on the live server's database, for arranging what a
    journey needs through the app's own services (push `live_app.app_context()` to use it).
    It migrates the database and loads the demo data first, as `flask db upgrade` and `flask demo
    load` would, without starting Python and importing the app twice more."""
    from flask_migrate import upgrade

    from marketplace.app import create_app
    from marketplace.core.database import db

    app = create_app(
        {
            "APP_ENV": "development",
            "INSTANCE_PATH": live_database["INSTANCE_PATH"],
            "SQLALCHEMY_DATABASE_URI": live_database["DATABASE_URL"],
        }
    )
    with app.app_context():
        upgrade()
        demo = app.test_cli_runner().invoke(args=["demo", "load"])
        assert demo.exit_code == 0, demo.output
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def _wait_until_healthy(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + log_path.read_text()[-2000:])
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
                if json.load(r)["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not become healthy in 60 s")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("end-to-end tests need Chromium (apt-get install chromium)")
    if not AXE.exists():
        pytest.skip("end-to-end tests need axe-core: run `npm ci`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@cache
def _axe_source() -> str:
    return AXE.read_text()


class Visit:
    """One person's browser: a context at a viewport and language, with helpers that check
    accessibility and keep a screenshot of every step."""

    def __init__(self, browser, base_url, journey, viewport, locale="es-HN"):
        # axe is injected as a script; the app's CSP (rightly) forbids that, so bypass it here.
        self.context = browser.new_context(
            viewport=viewport, locale=locale, bypass_csp=True, base_url=base_url
        )
        # Once per context, not per check: sending the 650 kB script over the protocol on every
        # check cost about as much as running axe; the browser now evaluates it on each page itself.
        self.context.add_init_script(script=_axe_source())
        self.page = self.context.new_page()
        self.folder = ARTIFACTS / journey
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shot_phone = viewport == PHONE
        self.step = 0

    def check(self, name: str) -> None:
        """Screenshot (phone runs) and axe: no serious or critical violation on this page."""
        self.step += 1
        # A click returns once its navigation has begun: wait for the page and its styles.
        self.page.wait_for_load_state()
        if self.shot_phone:
            # JPEG: a full-page PNG cost about 170 ms a step to encode; these are for eyes only.
            shot = self.folder / f"{self.step:02d}-{name}.jpg"
            self.page.screenshot(path=shot, type="jpeg", quality=80, full_page=True)
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"axe on {self.page.url}:\n" + "\n".join(bad)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, live_server, request):
    opened = []

    def open_visit(journey, viewport=PHONE, locale="es-HN"):
        v = Visit(browser, live_server, journey, viewport, locale)
        opened.append(v)
        return v

    yield open_visit
    for v in opened:
        v.close()
