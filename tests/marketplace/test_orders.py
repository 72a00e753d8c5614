"""A buyer fills a cart, checks out as a guest and follows the order; vendors handle their lines."""

import re
from datetime import timedelta

import pytest

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.orders.access import order_link
from marketplace.orders.models import Order, OrderLine
from vendors.products.models import Product
from vendors.sales.models import Sale


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def add(client, product, quantity=1):
    return client.post("/cart/add", data={"product_id": product.id, "quantity": quantity})


def checkout(client, **overrides):
    page = client.get("/checkout")
    quote = re.search(r'name="quote"[^>]*value="([^"]*)"', page.text)
    data = {
        "name": "Carlos Comprador",
        "email": "carlos@example.hn",
        "phone": "9988-7766",
        "payment": "pickup",
        "quote": quote.group(1) if quote else "",
    }
    data.update(overrides)
    return client.post("/checkout", data=data)


def link_to(client, order) -> str:
    with client.application.test_request_context():
        return order_link(order)


def only_order() -> Order:
    return db.session.scalars(db.select(Order)).one()


def stock_of(product) -> int | None:
    db.session.expire_all()
    return db.session.get(Product, product.id).stock


def test_cart_keeps_ids_and_quantities_across_vendors_and_reads_prices_fresh(client, make):
    a = make.shop_product(price=15000, stock=3, title="Café de altura")
    b = make.shop_product(price=9900, stock=None, title="Hamaca")
    add(client, a, 2)
    add(client, b)
    with client.session_transaction() as s:
        assert s["cart"] == {str(a.id): 2, str(b.id): 1}
    page = client.get("/cart")
    assert "Café de altura" in page.text and "Hamaca" in page.text
    assert "L 399.00" in page.text  # 2 × 150.00 + 99.00
    assert '<span class="badge">3</span>' in page.text


def test_quantity_is_limited_by_stock(client, make):
    product = make.shop_product(stock=2)
    add(client, product, 5)
    with client.session_transaction() as s:
        assert s["cart"] == {str(product.id): 2}


def test_add_to_cart_partial_renders_a_csrf_form(app, make):
    product = make.shop_product(stock=4)
    with app.test_request_context("/products/1"):
        html = app.jinja_env.get_template("orders/_add_to_cart.html").render(product=product)
    assert 'action="/cart/add"' in html and 'name="csrf_token"' in html
    assert f'value="{product.id}"' in html


def test_guest_checkout_reserves_stock_and_shows_the_order_by_signed_link(client, make, app):
    product = make.shop_product(price=25000, stock=3)
    add(client, product, 2)
    response = checkout(client)
    assert response.status_code == 303
    order = only_order()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", order.code)
    assert order.status == "reserved" and order.total == 50000
    assert order.buyer_phone == "+50499887766"
    assert stock_of(product) == 1
    page = client.get(response.headers["Location"])
    assert order.code in page.text and "L 500.00" in page.text
    with client.session_transaction() as s:
        assert "cart" not in s
    mails = list((app.extensions["mail_dir"]).glob("*.eml"))
    assert any(order.code in m.read_text() for m in mails)


def test_a_tampered_order_link_is_not_found(client, make):
    product = make.shop_product()
    add(client, product)
    link = checkout(client).headers["Location"]
    assert client.get(link).status_code == 200
    assert client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB")).status_code == 404
    assert client.get("/orders/1").status_code == 404


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("phone", "12345", "Honduran number"),
        ("email", "not-an-email", "e-mail"),
        ("name", "", "your name"),
        ("payment", "online", "Not a valid choice"),
    ],
)
def test_checkout_refuses_bad_input_and_changes_nothing(client, make, field, value, message):
    product = make.shop_product(stock=2)
    add(client, product)
    response = checkout(client, **{field: value})
    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
    assert stock_of(product) == 2


def test_a_price_change_since_adding_is_shown_before_ordering(client, make):
    product = make.shop_product(price=10000)
    add(client, product)
    page = client.get("/checkout")
    quote = re.search(r'name="quote"[^>]*value="([^"]*)"', page.text).group(1)
    product.price = 12000
    db.session.commit()
    response = checkout(client, quote=quote)
    assert response.status_code == 422
    assert "Some prices changed" in response.text and "L 120.00" in response.text
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
    assert checkout(client).status_code == 303
    assert only_order().total == 12000


def test_a_product_hidden_since_adding_leaves_the_cart_with_a_notice(client, make):
    kept = make.shop_product(title="Jarrón")
    hidden = make.shop_product(title="Sombrero")
    add(client, kept)
    add(client, hidden)
    hidden.visible = False
    db.session.commit()
    page = client.get("/cart")
    assert "no longer available" in page.text
    assert "Jarrón" in page.text and "Sombrero" not in page.text
    assert checkout(client).status_code == 303
    assert [line.title for line in only_order().lines] == ["Jarrón"]


def test_checkout_for_more_than_the_stock_orders_nothing(client, make):
    product = make.shop_product(stock=3)
    add(client, product, 3)
    page = client.get("/checkout")
    quote = re.search(r'name="quote"[^>]*value="([^"]*)"', page.text).group(1)
    product.stock = 1  # two sold at the booth while the buyer typed
    db.session.commit()
    response = client.post(
        "/checkout",
        data={"name": "Carla", "email": "c@example.hn", "phone": "99887766", "quote": quote},
    )
    assert response.status_code == 422
    assert "Only 1" in response.text
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
    assert stock_of(product) == 1


def test_placing_more_than_the_stock_through_the_service_is_refused(make):
    product = make.shop_product(stock=1)
    with pytest.raises(Refused) as refused:
        make.placed_order([(product, 2)])
    assert refused.value.code == "out_of_stock" and refused.value.status == 409
    db.session.rollback()
    assert stock_of(product) == 1
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_expired_reservations_give_the_stock_back(client, make, runner):
    product = make.shop_product(stock=2)
    order = make.placed_order([(product, 2)])
    assert stock_of(product) == 0
    order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["orders", "expire"])
    assert "Released 1" in result.output
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "expired"
    assert stock_of(product) == 2


def test_expiry_also_happens_when_the_orders_own_page_loads(client, make):
    product = make.shop_product(stock=1)
    order = make.placed_order([(product, 1)])
    order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.get(link_to(client, order))
    assert stock_of(product) == 1


def test_other_pages_leave_expiry_to_the_job(client, make):
    """Browsing never writes: the cart and the catalogue do not release anyone's reservation."""
    product = make.shop_product(stock=1)
    order = make.placed_order([(product, 1)])
    order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/cart").status_code == 200
    assert client.get("/catalog").status_code == 200
    assert stock_of(product) == 0
    page = client.get(link_to(client, order))
    assert "expired" in page.text.lower()
    assert stock_of(product) == 1


# --- The vendor's side -----------------------------------------------------------------------


def vendor_with_login(make, auth):
    user = make.user()
    vendor = make.shop_vendor(user=user)
    auth.login(user.email)
    return vendor


def test_a_vendor_sees_only_their_lines_and_delivers_into_the_ledger_once(client, make, auth):
    vendor = vendor_with_login(make, auth)
    mine = make.shop_product(vendor=vendor, title="Mi canasta", price=20000)
    theirs = make.shop_product(title="Otra cosa")
    order = make.placed_order([(mine, 2), (theirs, 1)])
    page = client.get("/me/orders")
    assert "Mi canasta" in page.text and "Otra cosa" not in page.text
    assert order.code in page.text
    line = next(ln for ln in order.lines if ln.product_id == mine.id)
    other = next(ln for ln in order.lines if ln.product_id == theirs.id)
    assert (
        client.post(f"/me/orders/lines/{other.id}", data={"action": "confirmed"}).status_code == 403
    )
    for step in ("confirmed", "ready"):
        client.post(f"/me/orders/lines/{line.id}", data={"action": step})
    client.post(f"/me/orders/lines/{line.id}", data={"action": "delivered", "method": "transfer"})
    client.post(f"/me/orders/lines/{line.id}", data={"action": "delivered", "method": "cash"})
    db.session.expire_all()
    assert db.session.get(OrderLine, line.id).status == "delivered"
    sales = db.session.scalars(db.select(Sale)).all()
    assert [(s.client_key, s.total, s.payment_method) for s in sales] == [
        (f"order-line-{line.id}", 40000, "transfer")
    ]


def test_a_vendor_cancels_with_a_reason_and_the_stock_comes_back(client, make, auth):
    vendor = vendor_with_login(make, auth)
    product = make.shop_product(vendor=vendor, stock=4)
    order = make.placed_order([(product, 3)])
    line = order.lines[0]
    response = client.post(
        f"/me/orders/lines/{line.id}",
        data={"action": "cancelled", "reason": ""},
        headers={"Referer": "http://localhost/me/orders"},
    )
    assert response.status_code == 303
    assert "Please say why you cancel" in client.get("/me/orders").text
    assert stock_of(product) == 1
    client.post(f"/me/orders/lines/{line.id}", data={"action": "cancelled", "reason": "Se mojó"})
    db.session.expire_all()
    assert db.session.get(OrderLine, line.id).cancel_reason == "Se mojó"
    assert db.session.get(Order, order.id).status == "cancelled"
    assert stock_of(product) == 4
    # A cancelled line cannot be delivered afterwards.
    client.post(f"/me/orders/lines/{line.id}", data={"action": "delivered"})
    assert db.session.get(OrderLine, line.id).status == "cancelled"
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 0


def test_the_dashboard_panel_counts_waiting_lines(client, make, auth):
    vendor = vendor_with_login(make, auth)
    make.placed_order([(make.shop_product(vendor=vendor), 1)])
    page = client.get("/me")
    assert "Order lines waiting for you: 1" in page.text


@pytest.mark.postgres
def test_concurrent_buyers_of_the_last_unit_exactly_one_wins(app, make):
    import threading

    from marketplace.orders import services

    product = make.shop_product(stock=1)
    product_id = product.id
    results, barrier = [], threading.Barrier(6)

    def buy(n):
        with app.app_context():
            item = db.session.get(Product, product_id)
            barrier.wait()
            try:
                buyer = services.Buyer(f"Buyer {n}", f"b{n}@example.hn", "+50499887766")
                services.place_order([(item, 1)], buyer, "pickup")
                db.session.commit()
                results.append("won")
            except Refused:
                db.session.rollback()
                results.append("lost")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["lost"] * 5 + ["won"]
    assert stock_of(product) == 0
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 1


def test_the_demo_order_is_loaded_once(make):
    from marketplace.orders.demo import DEMO_CODE, load_orders

    assert "no products" in load_orders()[0]
    make.shop_product(stock=2)
    load_orders()
    db.session.commit()
    load_orders()
    db.session.commit()
    assert db.session.scalars(db.select(Order.code)).all() == [DEMO_CODE]


def test_guest_checkouts_are_rate_limited(app, client, make):
    from marketplace.core.extensions import limiter

    limiter.reset()
    app.config["CHECKOUT_RATE_LIMIT"] = "2 per minute"
    try:
        add(client, make.shop_product(stock=9))
        statuses = [checkout(client, phone="123").status_code for _ in range(3)]
    finally:
        app.config["CHECKOUT_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
    assert statuses == [422, 422, 429]


def test_the_payouts_csv_keeps_formulas_as_text(make):
    from marketplace.orders import payouts

    vendor = make.shop_vendor(name="=HYPERLINK(1)")
    order = make.placed_order([(make.shop_product(vendor=vendor), 1)], choice="online")
    order.status = "paid"
    db.session.commit()
    assert ",'=HYPERLINK(1)," in payouts.balances_csv()


def test_the_buyer_cancels_a_reservation(client, make):
    product = make.shop_product(stock=2)
    add(client, product, 2)
    link = checkout(client).headers["Location"]
    client.post(link + "/cancel")
    assert only_order().status == "cancelled"
    assert stock_of(product) == 2
    again = client.post(link + "/cancel", follow_redirects=True)
    assert "cannot be changed any more" in again.text
    assert stock_of(product) == 2
