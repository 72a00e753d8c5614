"""Orders' URLs: the buyer's cart and order, the vendor's lines, the organisers' pages, the
payment providers' webhooks; `flask orders expire`.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from marketplace.core import dashboards
from marketplace.orders import admin_views, cli, vendor_views, views, webhook_views

orders_bp = Blueprint("orders", __name__)
orders_bp.record_once(views._register_globals)
orders_bp.add_url_rule("/cart/add", view_func=views.add_to_cart, methods=["POST"])
orders_bp.add_url_rule("/cart", view_func=views.view_cart, methods=["GET"])
orders_bp.add_url_rule("/cart", view_func=views.update_cart, methods=["POST"])
orders_bp.add_url_rule("/checkout", view_func=views.checkout, methods=["GET", "POST"])
orders_bp.add_url_rule("/orders/<token>", view_func=views.view_order, methods=["GET"])
orders_bp.add_url_rule("/orders/<token>/pay", view_func=views.pay_online, methods=["POST"])
orders_bp.add_url_rule("/orders/<token>/pickup", view_func=views.choose_pickup, methods=["POST"])
orders_bp.add_url_rule("/orders/<token>/cancel", view_func=views.cancel_order, methods=["POST"])
orders_bp.add_url_rule("/orders/<token>/paid", view_func=views.payment_return, methods=["GET"])
orders_bp.add_url_rule(
    "/orders/<token>/cancelled", view_func=views.payment_cancelled, methods=["GET"]
)
orders_bp.cli.add_command(cli.expire_command)

vendor_orders_bp = Blueprint("vendor_orders", __name__, url_prefix="/me/orders")
vendor_orders_bp.record_once(
    dashboards.panel("vendor", "vendors/_dash_orders.html", vendor_views.dashboard_orders, order=40)
)
vendor_orders_bp.add_url_rule("", view_func=vendor_views.index, methods=["GET"])
vendor_orders_bp.add_url_rule(
    "/lines/<id:line_id>", view_func=vendor_views.move_line, methods=["POST"]
)

admin_orders_bp = Blueprint("admin_orders", __name__, url_prefix="/admin")
admin_orders_bp.record_once(dashboards.panel("admin", "admin/_dash_orders.html", order=50))
admin_orders_bp.add_url_rule("/orders", view_func=admin_views.index, methods=["GET"])
admin_orders_bp.add_url_rule("/orders/<id:order_id>", view_func=admin_views.detail, methods=["GET"])
admin_orders_bp.add_url_rule(
    "/orders/<id:order_id>/refund", view_func=admin_views.refund, methods=["POST"]
)
admin_orders_bp.add_url_rule("/payouts", view_func=admin_views.payout_list, methods=["GET"])
admin_orders_bp.add_url_rule("/payouts", view_func=admin_views.record_payout, methods=["POST"])
admin_orders_bp.add_url_rule("/payouts.csv", view_func=admin_views.payouts_csv, methods=["GET"])

# The providers' webhooks keep their own URL prefix (/payments/stripe/webhook, set at Stripe).
payments_bp = Blueprint("payments", __name__, url_prefix="/payments")
payments_bp.add_url_rule("/<name>/webhook", view_func=webhook_views.webhook, methods=["POST"])

#: What create_app registers.
BLUEPRINTS = (
    orders_bp,
    vendor_orders_bp,
    admin_orders_bp,
    payments_bp,
)
