"""A local Stripe for the tests: localstripe (customers, PaymentIntents, refunds) behind a small
server of ours that adds Checkout Sessions and signed `checkout.session.*` events.

Both run as real HTTP servers on 127.0.0.1 in a background thread; the app reaches them through
the Stripe SDK with STRIPE_API_BASE, and the tests drive the "buyer" side over HTTP too.
"""

import asyncio
import socket
import threading

import requests
from aiohttp import web

from tests.stripe_fake.server import FAKE_SECRET_KEY, build_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StripeFake:
    """Start with .start(); .url is the API base; the methods act as buyer and as Stripe."""

    def __init__(self, webhook_secret: str):
        self.webhook_secret = webhook_secret
        self.loop = asyncio.new_event_loop()
        self.runners: list[web.AppRunner] = []

    def start(self) -> "StripeFake":
        from tests.stripe_fake._localstripe import app as localstripe_app

        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.localstripe_url = self._serve(localstripe_app)
        self.url = self._serve(build_app(self.localstripe_url, self.webhook_secret))
        return self

    def _serve(self, app: web.Application) -> str:
        port = free_port()

        async def run():
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            self.runners.append(runner)

        asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=10)
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        async def cleanup():
            for runner in self.runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)

    def reset(self) -> None:
        requests.post(f"{self.url}/_fake/reset", timeout=10).raise_for_status()

    # The buyer's and Stripe's side of things, each answering the signed event(s) it produced.

    def send_events_to(self, url: str | None) -> None:
        """Deliver every event to this webhook URL as Stripe would (None: only return them)."""
        self._post("/_fake/webhook", {"url": url} if url else {})

    def pay(self, session_id: str, mode: str = "card") -> dict:
        """The buyer pays: mode "card" (paid at once) or "async" (paid later, see settle)."""
        return self._post(f"/_fake/checkout/sessions/{session_id}/pay", {"mode": mode})

    def settle(self, session_id: str, succeed: bool) -> dict:
        return self._post(f"/_fake/checkout/sessions/{session_id}/settle", {"succeed": succeed})

    def let_expire(self, session_id: str) -> dict:
        return self._post(f"/_fake/checkout/sessions/{session_id}/let-expire", {})

    def session(self, session_id: str) -> dict:
        return self._get(f"/v1/checkout/sessions/{session_id}")

    def sessions(self) -> list[dict]:
        return self._get("/_fake/sessions")

    def payment_intent(self, pi_id: str) -> dict:
        return self._get(f"/v1/payment_intents/{pi_id}")

    def refunds(self) -> list[dict]:
        return self._get("/v1/refunds")["data"]

    def _post(self, path, body) -> dict:
        r = requests.post(self.url + path, json=body, timeout=10)
        r.raise_for_status()
        return r.json()

    def _get(self, path):
        r = requests.get(
            self.url + path, headers={"Authorization": f"Bearer {FAKE_SECRET_KEY}"}, timeout=10
        )
        r.raise_for_status()
        return r.json()
