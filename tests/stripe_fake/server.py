"""Checkout Sessions the way Stripe's API reference describes them, on top of localstripe.

Implemented: POST /v1/checkout/sessions (with Idempotency-Key: same key and parameters give the
same session, other parameters a 400 idempotency_error), GET /v1/checkout/sessions/{id},
POST /v1/checkout/sessions/{id}/expire. Every other /v1 path is passed through to localstripe.
Test controls live under /_fake/: point the events at a webhook URL, pay a session (backed by a real PaymentIntent confirmed with
pm_card_visa in localstripe), settle an asynchronous payment, let a session expire, reset.
Each of those answers the signed event it produced: {"id", "type", "payload", "signature"}.
"""

import hashlib
import hmac
import json
import secrets
import time

import aiohttp
from aiohttp import web

from tests.stripe_fake._localstripe import unflatten_data

FAKE_SECRET_KEY = "sk_test_fake"


def build_app(localstripe_url: str, webhook_secret: str) -> web.Application:
    state = {"sessions": {}, "keys": {}, "events": [], "webhook": {}}
    app = web.Application()

    def error(status, type_, message):
        return web.json_response({"error": {"type": type_, "message": message}}, status=status)

    async def create_session(request):
        params = unflatten_data(await request.post())
        key = request.headers.get("Idempotency-Key")
        fingerprint = json.dumps(params, sort_keys=True)
        if key and key in state["keys"]:
            seen, session_id = state["keys"][key]
            if seen != fingerprint:
                return error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only "
                    "be used with the same parameters they were first used with.",
                )
            return web.json_response(state["sessions"][session_id])
        items = params.get("line_items") or []
        try:
            amount = sum(int(i["price_data"]["unit_amount"]) * int(i["quantity"]) for i in items)
            currency = items[0]["price_data"]["currency"]
        except (KeyError, IndexError, ValueError, TypeError):
            return error(400, "invalid_request_error", "line_items are required")
        session_id = "cs_test_" + secrets.token_hex(12)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount,
            "amount_total": amount,
            "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "created": int(time.time()),
            "expires_at": int(params.get("expires_at") or time.time() + 86400),
            "livemode": False,
            "metadata": params.get("metadata") or {},
            "mode": params.get("mode", "payment"),
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "url": f"{request.scheme}://{request.host}/pay/{session_id}",
        }
        state["sessions"][session_id] = session
        if key:
            state["keys"][key] = (fingerprint, session_id)
        return web.json_response(session)

    def find(request):
        return state["sessions"].get(request.match_info["id"])

    async def retrieve_session(request):
        session = find(request)
        if session is None:
            return error(404, "invalid_request_error", "No such checkout.session")
        return web.json_response(session)

    async def expire_session(request):
        session = find(request)
        if session is None:
            return error(404, "invalid_request_error", "No such checkout.session")
        if session["status"] != "open":
            return error(400, "invalid_request_error", "Only open sessions can be expired.")
        session["status"] = "expired"
        await event("checkout.session.expired", session)
        return web.json_response(session)

    async def event(type_, session) -> dict:
        """Build and sign an event the way Stripe does (HMAC-SHA256 of "<t>.<payload>") and,
        when a webhook endpoint is configured, deliver it there before answering."""
        body = {
            "id": "evt_" + secrets.token_hex(12),
            "object": "event",
            "type": type_,
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2025-01-01",
            "data": {"object": dict(session)},
        }
        payload = json.dumps(body)
        signed = sign(payload, webhook_secret)
        envelope = {"id": body["id"], "type": type_, "payload": payload, "signature": signed}
        state["events"].append(envelope)
        url = state["webhook"].get("url")
        if url:
            headers = {"Stripe-Signature": signed, "Content-Type": "application/json"}
            async with (
                aiohttp.ClientSession() as http,
                http.post(url, data=payload, headers=headers) as r,
            ):
                envelope["delivered_status"] = r.status
        return envelope

    async def localstripe(method, path, data=None):
        headers = {"Authorization": f"Bearer {FAKE_SECRET_KEY}"}
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, localstripe_url + path, data=data, headers=headers) as r,
        ):
            return await r.json()

    async def pay(request):
        session = find(request)
        mode = (await request.json()).get("mode", "card")
        if session is None or session["status"] != "open":
            return error(400, "invalid_request_error", "This session cannot be paid.")
        intent = await localstripe(
            "POST",
            "/v1/payment_intents",
            {
                "amount": str(session["amount_total"]),
                "currency": session["currency"],
                "payment_method": "pm_card_visa",
                "confirm": "true",
                "metadata[checkout_session]": session["id"],
            },
        )
        session.update(status="complete", payment_intent=intent["id"])
        session["payment_status"] = "paid" if mode == "card" else "unpaid"
        return web.json_response(await event("checkout.session.completed", session))

    async def settle(request):
        session = find(request)
        succeed = (await request.json()).get("succeed", True)
        if session is None or session["status"] != "complete":
            return error(400, "invalid_request_error", "Nothing to settle.")
        session["payment_status"] = "paid" if succeed else "unpaid"
        kind = "succeeded" if succeed else "failed"
        return web.json_response(await event(f"checkout.session.async_payment_{kind}", session))

    async def let_expire(request):
        session = find(request)
        if session is None or session["status"] != "open":
            return error(400, "invalid_request_error", "Only open sessions expire.")
        session["status"] = "expired"
        return web.json_response(await event("checkout.session.expired", session))

    async def configure_webhook(request):
        state["webhook"].clear()
        state["webhook"].update(await request.json())
        return web.json_response(state["webhook"])

    async def list_sessions(request):
        return web.json_response(list(state["sessions"].values()))

    async def reset(request):
        for value in state.values():
            value.clear()
        async with aiohttp.ClientSession() as http, http.delete(localstripe_url + "/_config/data"):
            pass
        return web.json_response({})

    async def passthrough(request):
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host",)}
        async with (
            aiohttp.ClientSession() as http,
            http.request(
                request.method, localstripe_url + request.path_qs, data=body, headers=headers
            ) as r,
        ):
            return web.Response(
                body=await r.read(), status=r.status, content_type="application/json"
            )

    app.router.add_post("/v1/checkout/sessions", create_session)
    app.router.add_get("/v1/checkout/sessions/{id}", retrieve_session)
    app.router.add_post("/v1/checkout/sessions/{id}/expire", expire_session)
    app.router.add_post("/_fake/checkout/sessions/{id}/pay", pay)
    app.router.add_post("/_fake/checkout/sessions/{id}/settle", settle)
    app.router.add_post("/_fake/checkout/sessions/{id}/let-expire", let_expire)
    app.router.add_get("/_fake/sessions", list_sessions)
    app.router.add_post("/_fake/webhook", configure_webhook)
    app.router.add_post("/_fake/reset", reset)
    app.router.add_route("*", "/v1/{tail:.*}", passthrough)
    return app


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header value for this payload."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"
