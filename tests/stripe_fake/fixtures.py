"""Fixtures for tests that switch online payment on: import them into the test module."""

import pytest

from tests.stripe_fake import StripeFake, free_port
from tests.stripe_fake.server import FAKE_SECRET_KEY

WEBHOOK_SECRET = "whsec_test_mercado"


@pytest.fixture(scope="session")
def stripe_fake():
    fake = StripeFake(WEBHOOK_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_on(app, stripe_fake):
    """Online payment switched on against the local fake, with its state wiped."""
    stripe_fake.reset()
    keys = {
        "STRIPE_SECRET_KEY": FAKE_SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": stripe_fake.url,
    }
    app.config.update(keys)
    yield stripe_fake
    for key in keys:
        app.config.pop(key, None)


@pytest.fixture
def stripe_down(app, stripe_on):
    """Keys set, but the API unreachable (nothing listens on the port)."""
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    yield
    app.config["STRIPE_API_BASE"] = stripe_on.url


@pytest.fixture
def live_webhook(app, stripe_on):
    """The app served over real HTTP, with the fake delivering its events to our webhook."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stripe_on.send_events_to(f"http://127.0.0.1:{server.server_port}/payments/stripe/webhook")
    yield stripe_on
    stripe_on.send_events_to(None)
    server.shutdown()
    thread.join()
