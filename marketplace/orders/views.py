"""Buyer pages: cart, checkout, the order page behind a signed link, and online payment."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from marketplace.core import submissions
from marketplace.core.database import begin_writing, db
from marketplace.core.extensions import limiter
from marketplace.core.inputs import to_id, to_int
from marketplace.core.mail import send_mail
from marketplace.core.security import safe_next_url
from marketplace.orders import cart, labels, paying, services
from marketplace.orders.access import load_order, order_link
from marketplace.orders.forms import AddToCartForm, CheckoutForm
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments import get_provider
from marketplace.payments.provider import PaymentUnavailable


def _register_globals(state):
    state.app.jinja_env.globals.update(
        cart_count=cart.count,
        order_status_label=labels.order_status_label,
        line_status_label=labels.line_status_label,
    )


def add_to_cart():
    form = AddToCartForm()
    back = safe_next_url(request.form.get("next")) or url_for("orders.view_cart")
    product_id = to_id(request.form.get("product_id"))
    product = cart.available_product(product_id) if product_id and form.validate() else None
    if product is None:
        flash(_("This product cannot be ordered right now."), "error")
        return redirect(back)
    kept, notice = cart.add(product, form.quantity.data)
    flash(notice or _("Added to your cart."), "error" if notice else "success")
    return redirect(back)


def view_cart():
    lines, notices = cart.lines()
    for notice in notices:
        flash(notice, "error")
    return render_template("orders/cart.html", lines=lines, total=sum(ln.total for ln in lines))


def update_cart():
    for key, value in request.form.items():
        product_id = to_id(key[4:]) if key.startswith("qty-") else None
        if product_id is not None:
            product = cart.available_product(product_id)
            quantity = to_int(value, 0)  # more than the stock or the line limit is lowered there
            if product is not None and quantity is not None:
                _kept, notice = cart.set_quantity(product, quantity)
                if notice:
                    flash(notice, "error")
    return redirect(url_for("orders.view_cart"))


def _checkout_limit() -> str:
    return current_app.config["CHECKOUT_RATE_LIMIT"]


@limiter.limit(_checkout_limit, methods=["POST"])
def checkout():
    claim = submissions.claim("checkout") if request.method == "POST" else None
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
            return _place(claim, form, lines, provider)
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


def _place(claim, form: CheckoutForm, lines, provider):
    buyer = services.Buyer(form.name.data, form.email.data.lower(), form.phone.data)
    order = services.place_order(
        [(ln.product, ln.quantity) for ln in lines], buyer, form.payment.data
    )
    if order.payment_choice == "online":
        url, message = _payment_page(order, provider)
        response = submissions.done(claim, url, message, "error" if message else "success")
    else:
        response = submissions.done(claim, order_link(order))
    db.session.commit()
    cart.clear()
    send_mail(
        order.buyer_email,
        _("Your order %(code)s at Mercado Retorno", code=order.code),
        "orders/mail/placed",
        order=order,
        link=order_link(order, _external=True),
    )
    db.session.rollback()  # the mail only read the order: end that transaction here
    return response


def _payment_page(order: Order, provider) -> tuple[str, str | None]:
    """Where to send the buyer to pay (the provider's page, or the order page when it turned
    out paid), or the order page and a message when the provider cannot be reached."""
    savepoint = db.session.begin_nested()
    try:
        url = paying.start_online_payment(
            order.id,
            provider,
            order_link(order, "orders.payment_return", _external=True),
            order_link(order, "orders.payment_cancelled", _external=True),
        )
    except PaymentUnavailable:
        savepoint.rollback()
        return order_link(order), _(
            "We could not reach the card payment service. Nothing was charged. "
            "Try again, or choose to pay at pickup: your products stay reserved."
        )
    savepoint.commit()
    return url or order_link(order), None


def _current_order(token: str) -> Order:
    """The order behind the link, its reservation released first if its time has passed: the
    buyer sees what the `orders expire` job would have done by now."""
    order = load_order(token)
    if services.reservation_due(order):
        begin_writing()
        if services.expire_if_due(order.id):
            db.session.commit()
    return order


def view_order(token):
    order = _current_order(token)
    return render_template(
        "orders/order.html", order=order, token=token, online=get_provider() is not None
    )


def pay_online(token):
    """A double tap carries one submission key: the repeat goes to the same provider page."""
    claim = submissions.claim("order-pay")
    order = load_order(token)
    provider = get_provider()
    if provider is None:
        flash(_("This order cannot be paid online any more."), "error")
        return redirect(order_link(order))
    url, message = _payment_page(order, provider)
    if message:
        # Nothing happened; the same key may be sent again once the provider is back.
        db.session.rollback()
        flash(message, "error")
        return redirect(url)
    response = submissions.done(claim, url)
    db.session.commit()
    return response


def choose_pickup(token):
    claim = submissions.claim("order-pickup")
    order = load_order(token)
    if paying.switch_to_pickup(order.id, get_provider()):
        message, category = (
            _("Your products are reserved. You pay when you collect them."),
            "success",
        )
    else:
        message, category = paying.already_paid(), "error"
    response = submissions.done(claim, order_link(order), message, category)
    db.session.commit()
    return response


def cancel_order(token):
    claim = submissions.claim("order-cancel")
    order = load_order(token)
    if paying.cancel_by_buyer(order.id, get_provider()):
        message, category = _("Your order was cancelled. Nothing will be charged."), "success"
    else:
        message, category = paying.already_paid(), "error"
    response = submissions.done(claim, order_link(order), message, category)
    db.session.commit()
    return response


def payment_return(token):
    """Back from the provider. The redirect proves nothing: ask the provider, or wait for it."""
    order = load_order(token)
    provider = get_provider()
    if provider is not None and order.status == OrderStatus.AWAITING_PAYMENT:
        begin_writing()
        for payment in paying.open_payments(order):
            try:
                paying.settle_payment(payment, provider.fetch_payment(payment.reference), provider)
            except PaymentUnavailable:
                db.session.rollback()
                break
        db.session.commit()
    return redirect(order_link(order))


def payment_cancelled(token):
    order = load_order(token)
    if order.status == OrderStatus.AWAITING_PAYMENT:
        flash(_("The payment was not completed. You can try again or pay at pickup."), "error")
    return redirect(order_link(order))
