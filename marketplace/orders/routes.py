"""Buyer pages: cart, checkout, the order page behind a signed link, and online payment."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from marketplace.database import db
from marketplace.extensions import limiter
from marketplace.mail import send_mail
from marketplace.orders import cart, labels, paying, services
from marketplace.orders.forms import AddToCartForm, CheckoutForm
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments import PaymentUnavailable, get_provider
from marketplace.security import safe_next_url

bp = Blueprint("orders", __name__)


@bp.record_once
def _register_globals(state):
    state.app.jinja_env.globals.update(
        cart_count=cart.count,
        order_status_label=labels.order_status_label,
        line_status_label=labels.line_status_label,
    )


@bp.before_request
def _expire_lazily():
    """Reservations past their time are released whenever order pages load (and by the CLI)."""
    if services.expire_reservations():
        db.session.commit()


def order_link(order: Order, endpoint: str = "orders.view_order", **kw) -> str:
    token = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="order-link").dumps(order.id)
    return url_for(endpoint, token=token, **kw)


def load_order(token: str) -> Order:
    """The order behind a signed link; a tampered or unknown link is a 404."""
    try:
        order_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="order-link").loads(
            token
        )
    except BadSignature:
        abort(404)
    if not isinstance(order_id, int):
        abort(404)
    return db.get_or_404(Order, order_id)


@bp.post("/cart/add")
def add_to_cart():
    form = AddToCartForm()
    back = safe_next_url(request.form.get("next")) or url_for("orders.view_cart")
    product = cart.available_product(form.product_id.data or 0) if form.validate() else None
    if product is None:
        flash(_("This product cannot be ordered right now."), "error")
        return redirect(back)
    kept, notice = cart.add(product, form.quantity.data)
    flash(notice or _("Added to your cart."), "error" if notice else "success")
    return redirect(back)


@bp.get("/cart")
def view_cart():
    lines, notices = cart.lines()
    for notice in notices:
        flash(notice, "error")
    return render_template("orders/cart.html", lines=lines, total=sum(ln.total for ln in lines))


@bp.post("/cart")
def update_cart():
    for key, value in request.form.items():
        if key.startswith("qty-") and key[4:].isdigit():
            product = cart.available_product(int(key[4:]))
            quantity = int(value) if value.strip().isdigit() else None
            if product is not None and quantity is not None:
                _kept, notice = cart.set_quantity(product, quantity)
                if notice:
                    flash(notice, "error")
    return redirect(url_for("orders.view_cart"))


def _checkout_limit() -> str:
    return current_app.config["CHECKOUT_RATE_LIMIT"]


@bp.route("/checkout", methods=["GET", "POST"])
@limiter.limit(_checkout_limit, methods=["POST"])
def checkout():
    lines, notices = cart.lines()
    if not lines:
        for notice in notices:
            flash(notice, "error")
        return redirect(url_for("orders.view_cart"))
    provider = get_provider()
    form = CheckoutForm()
    if provider is not None:
        form.payment.choices.append(("online", _("Pay online by card")))
    changed = []
    if form.validate_on_submit():
        changed = cart.changed_prices(lines, form.quote.data or "")
        if not changed and not notices:
            return _place(form, lines, provider)
    form.quote.data = cart.quote(lines)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "orders/checkout.html",
        form=form,
        lines=lines,
        notices=notices,
        changed=changed,
        total=sum(ln.total for ln in lines),
    ), status


def _place(form: CheckoutForm, lines, provider):
    buyer = services.Buyer(form.name.data, form.email.data.lower(), form.phone.data)
    try:
        order = services.place_order(
            [(ln.product, ln.quantity) for ln in lines], buyer, form.payment.data
        )
    except services.OrderError as e:
        db.session.rollback()
        flash(str(e), "error")
        return redirect(url_for("orders.view_cart"))
    db.session.commit()
    cart.clear()
    send_mail(
        order.buyer_email,
        _("Your order %(code)s at Mercado Retorno", code=order.code),
        "orders/mail/placed",
        order=order,
        link=order_link(order, _external=True),
    )
    if order.payment_choice == "online":
        return _start_payment(order, provider)
    return redirect(order_link(order))


def _start_payment(order: Order, provider):
    try:
        url = paying.start_online_payment(
            order,
            provider,
            order_link(order, "orders.payment_return", _external=True),
            order_link(order, "orders.payment_cancelled", _external=True),
        )
    except PaymentUnavailable:
        db.session.rollback()
        flash(
            _(
                "We could not reach the card payment service. Nothing was charged. "
                "Try again, or choose to pay at pickup: your products stay reserved."
            ),
            "error",
        )
        return redirect(order_link(order))
    db.session.commit()
    return redirect(url, 303) if url else redirect(order_link(order))


@bp.get("/orders/<token>")
def view_order(token):
    order = load_order(token)
    return render_template(
        "orders/order.html", order=order, token=token, online=get_provider() is not None
    )


@bp.post("/orders/<token>/pay")
def pay_online(token):
    order = load_order(token)
    provider = get_provider()
    if provider is None or order.status != OrderStatus.AWAITING_PAYMENT:
        flash(_("This order cannot be paid online any more."), "error")
        return redirect(order_link(order))
    return _start_payment(order, provider)


@bp.post("/orders/<token>/pickup")
def choose_pickup(token):
    order = load_order(token)
    try:
        paying.switch_to_pickup(order, get_provider())
    except (services.OrderError, PaymentUnavailable) as e:
        db.session.rollback()
        flash(str(e) if isinstance(e, services.OrderError) else _("Please try again."), "error")
        return redirect(order_link(order))
    db.session.commit()
    flash(_("Your products are reserved. You pay when you collect them."), "success")
    return redirect(order_link(order))


@bp.post("/orders/<token>/cancel")
def cancel_order(token):
    order = load_order(token)
    try:
        cancelled = paying.cancel_by_buyer(order, get_provider())
    except (services.OrderError, PaymentUnavailable) as e:
        db.session.rollback()
        flash(str(e) if isinstance(e, services.OrderError) else _("Please try again."), "error")
        return redirect(order_link(order))
    db.session.commit()
    if cancelled:
        flash(_("Your order was cancelled. Nothing will be charged."), "success")
    else:
        flash(_("This order is already paid: ask the organisers for a refund."), "error")
    return redirect(order_link(order))


@bp.get("/orders/<token>/paid")
def payment_return(token):
    """Back from the provider. The redirect proves nothing: ask the provider, or wait for it."""
    order = load_order(token)
    provider = get_provider()
    if provider is not None and order.status == OrderStatus.AWAITING_PAYMENT:
        for payment in paying.open_payments(order):
            try:
                paying.settle_payment(payment, provider.fetch_payment(payment.reference), provider)
            except PaymentUnavailable:
                db.session.rollback()
                break
        db.session.commit()
    return redirect(order_link(order))


@bp.get("/orders/<token>/cancelled")
def payment_cancelled(token):
    order = load_order(token)
    if order.status == OrderStatus.AWAITING_PAYMENT:
        flash(_("The payment was not completed. You can try again or pay at pickup."), "error")
    return redirect(order_link(order))


@bp.cli.command("expire")
def expire_command():
    """Release reservations and online payments past their time."""
    import click

    released = services.expire_reservations()
    released += paying.expire_online_payments(get_provider())
    db.session.commit()
    click.echo(f"Released {released} order(s).")
