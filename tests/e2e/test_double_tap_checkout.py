"""A buyer on a slow phone taps twice: the second tap must not place a second order nor open a
second online payment. The outcome is read from the database (orders, payments).

A double-click within a few milliseconds is not what a phone on weak data does: the browser
drops the first form submission before it leaves (a newer submission replaces a planned one),
so the server sees one request. What happens at a fair is that the first request reaches the
server, its answer is slow to come back, and the buyer taps again. `double_tap` does exactly
that: the first POST goes to the server and its answer is held back, then the button is tapped
a second time; afterwards the held answers are let through."""

import contextlib
import time
import uuid

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import PHONE, Visit

SETTLE_SECONDS = 1.0  # both requests have been answered by the server; let its commits land


def double_tap(page, button, path_glob: str) -> int:
    """Tap `button` twice, the second time while the first POST's answer is still on its way.
    Returns how many POSTs left the browser (1 when the page itself stops the second tap)."""
    context = page.context
    # route.fetch() shares the context's cookie jar; a real answer's cookies arrive with the
    # answer, so the jar is put back as it was until the held answer is let through.
    jar = context.cookies()
    held = []
    posts = []
    context.on("request", lambda r: posts.append((r.method, r.url)))

    def hold(route):
        if route.request.method != "POST" or held:
            route.continue_()
            return
        answer = route.fetch(max_redirects=0)  # the server acts on the first tap now
        context.clear_cookies()
        context.add_cookies(jar)
        held.append((route, answer))

    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.route(path_glob, hold)
    page.mouse.click(x, y)
    for _ in range(100):  # until the server has answered the first tap
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the first tap never reached the server"
    page.mouse.click(x, y)  # the second tap, where the button still is
    page.wait_for_timeout(500)
    route, answer = held[0]
    with contextlib.suppress(PlaywrightError):  # the browser dropped that navigation for the new
        route.fulfill(response=answer)
    page.wait_for_timeout(500)
    page.unroute(path_glob)
    return sum(1 for method, _url in posts if method == "POST")


@pytest.fixture
def product_id(live_app) -> int:
    """A product of its own for each test, with stock to spare (a double order must fit)."""
    from marketplace.core.auth.models import User
    from marketplace.core.database import db
    from vendors.products.models import Product
    from vendors.profiles.models import VendorProfile

    with live_app.app_context():
        vendor = db.session.scalar(
            db.select(VendorProfile)
            .join(User, VendorProfile.user_id == User.id)
            .where(User.email == "maria@demo.hn")
        )
        product = Product(
            vendor_id=vendor.id,
            title=f"Canasta de doble toque {uuid.uuid4().hex[:6]}",
            category="crafts",
            price=250_00,
            stock=10,
        )
        db.session.add(product)
        db.session.commit()
        return product.id


def counts(live_app, email: str) -> tuple[int, int]:
    """(orders, payment attempts) of this buyer."""
    from marketplace.core.database import db
    from marketplace.orders.models import Order, Payment

    with live_app.app_context():
        orders = db.session.scalars(db.select(Order.id).where(Order.buyer_email == email)).all()
        payments = db.session.scalar(
            db.select(db.func.count(Payment.id)).where(Payment.order_id.in_(orders or [0]))
        )
        db.session.remove()
    return len(orders), payments


def fill_checkout(page, product_id: int, email: str, payment: str) -> None:
    page.goto(f"/products/{product_id}")
    page.locator("form[action*='/cart/add']").get_by_role("button").first.click()
    page.goto("/checkout")
    page.fill("input[name=name]", "Compradora Apurada")
    page.fill("input[name=email]", email)
    page.fill("input[name=phone]", "9876-5432")
    page.check(f"input[name=payment][value={payment}]")


def place_order_button(page):
    return page.locator("form[action$='/checkout'] button[type=submit]")


def test_double_click_on_place_order_places_one_order(visit, live_app, product_id):
    email = f"doble-{uuid.uuid4().hex[:8]}@compradora.hn"
    page = visit("double-tap-checkout", PHONE).page
    fill_checkout(page, product_id, email, "pickup")
    sent = double_tap(page, place_order_button(page), "**/checkout")
    page.wait_for_url("**/orders/**")
    time.sleep(SETTLE_SECONDS)
    orders, _payments = counts(live_app, email)
    assert orders == 1, f"a double tap on “place order” ({sent} POSTs) placed {orders} orders"


@pytest.fixture
def stripe_visit(browser, live_server_stripe, live_stripe):
    """A phone's browser on the server with online payment on (the Stripe fake)."""
    live_stripe.reset()
    v = Visit(browser, live_server_stripe, "double-tap-pay-online", PHONE)
    yield v
    v.close()


def test_double_click_on_place_order_paying_online_opens_one_payment(
    stripe_visit, live_app, product_id
):
    email = f"doble-{uuid.uuid4().hex[:8]}@compradora.hn"
    page = stripe_visit.page
    fill_checkout(page, product_id, email, "online")
    sent = double_tap(page, place_order_button(page), "**/checkout")
    page.wait_for_url("**/pay/**")  # the fake's payment page
    time.sleep(SETTLE_SECONDS)
    orders, payments = counts(live_app, email)
    assert (orders, payments) == (1, 1), (
        f"a double tap on “place order”, paying online ({sent} POSTs): "
        f"{orders} orders, {payments} payment attempts"
    )


def test_double_click_on_pay_online_opens_one_payment_attempt(
    stripe_visit, live_app, live_stripe, product_id
):
    email = f"doble-{uuid.uuid4().hex[:8]}@compradora.hn"
    page = stripe_visit.page
    fill_checkout(page, product_id, email, "online")
    place_order_button(page).click()
    page.wait_for_url("**/pay/**")
    # The buyer leaves the payment page and comes back to the order's private link.
    session = next(s for s in live_stripe.sessions() if s["customer_email"] == email)
    order_page = session["success_url"].rsplit("/paid", 1)[0]
    page.goto(order_page)
    assert counts(live_app, email) == (1, 1)
    pay = page.locator("form[action$='/pay'] button[type=submit]")
    sent = double_tap(page, pay, "**/orders/*/pay")
    page.wait_for_url("**/pay/**")
    time.sleep(SETTLE_SECONDS)
    orders, payments = counts(live_app, email)
    assert orders == 1
    assert payments == 2, (
        f"a double tap on “pay online” ({sent} POSTs) opened {payments - 1} new payment attempts"
    )
