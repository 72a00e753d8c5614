"""The sales screen at the booth and the JSON API its offline queue talks to.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint
from sqlalchemy.exc import OperationalError

from marketplace.core import dashboards
from vendors.sales import api, queries, views

sales_bp = Blueprint("sales", __name__)
sales_bp.add_app_template_filter(queries.photo_url, "sale_photo")
sales_bp.record_once(
    dashboards.panel("vendor", "vendors/_dash_sales.html", queries.sales_panel, order=30)
)
sales_bp.add_url_rule("/me/sell", view_func=views.screen, methods=["GET"])
sales_bp.add_url_rule("/me/sell", view_func=views.record, methods=["POST"])
sales_bp.add_url_rule("/me/sell/sales/<id:sale_id>/void", view_func=views.void, methods=["POST"])
sales_bp.add_url_rule("/me/sell/today", view_func=views.today, methods=["GET"])
sales_bp.add_url_rule("/sw.js", view_func=views.service_worker, methods=["GET"])

sales_api_bp = Blueprint("sales_api", __name__, url_prefix="/api/v1")
sales_api_bp.register_error_handler(OperationalError, api._busy)
sales_api_bp.add_url_rule("/sales", view_func=api.create_sale, methods=["POST"])
sales_api_bp.add_url_rule("/me/products", view_func=api.my_products, methods=["GET"])

#: What create_app registers.
BLUEPRINTS = (
    sales_bp,
    sales_api_bp,
)
