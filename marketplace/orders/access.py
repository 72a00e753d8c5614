"""Loaders for orders: each loads an order or a line and checks who may touch it.

A buyer reaches their order through a signed link (no account needed), a vendor only their own
lines, organisers any order.
"""

from flask import abort, current_app, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from marketplace.core.database import db
from marketplace.orders.models import Order, OrderLine
from vendors.profiles.services import find_profile


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="order-link")


def order_link(order: Order, endpoint: str = "orders.view_order", **kw) -> str:
    token = _signer().dumps(order.id)
    return url_for(endpoint, token=token, **kw)


def load_order(token: str) -> Order:
    """The order behind a signed link; a tampered or unknown link is a 404."""
    try:
        order_id = _signer().loads(token)
    except BadSignature:
        abort(404)
    if not isinstance(order_id, int):
        abort(404)
    return db.get_or_404(Order, order_id)


def load_order_for_staff(order_id: int) -> Order:
    """Any order, for organisers only (403 for anyone else)."""
    if not (current_user.is_authenticated and current_user.is_staff):
        abort(403)
    return db.get_or_404(Order, order_id)


def load_own_line(line_id: int) -> OrderLine:
    """A line of the signed-in entrepreneur's own business; anyone else's is a 403."""
    line = db.get_or_404(OrderLine, line_id)
    vendor = find_profile(current_user)
    if vendor is None or line.vendor_id != vendor.id:
        abort(403)
    return line
