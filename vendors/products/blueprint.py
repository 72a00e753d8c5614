"""The entrepreneur's products and the organisers' moderation.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from marketplace.core import dashboards
from vendors.products import services, views

bp = Blueprint("products", __name__)
bp.record_once(views._setup)
bp.record_once(
    dashboards.panel("vendor", "vendors/_dash_products.html", services.product_panel, order=10)
)
bp.add_url_rule("/me/products", view_func=views.index, methods=["GET"])
bp.add_url_rule("/me/products/new", view_func=views.new, methods=["GET", "POST"])
bp.add_url_rule("/me/products/<id:product_id>/edit", view_func=views.edit, methods=["GET", "POST"])
bp.register_error_handler(RequestEntityTooLarge, views._too_large)
bp.add_url_rule("/me/products/<id:product_id>/photos", view_func=views.photos, methods=["GET"])
bp.add_url_rule(
    "/me/products/<id:product_id>/photos/<id:photo_id>/move",
    view_func=views.move_photo,
    methods=["POST"],
)
bp.add_url_rule(
    "/me/products/<id:product_id>/photos/<id:photo_id>/alt",
    view_func=views.photo_alt,
    methods=["POST"],
)
bp.add_url_rule(
    "/me/products/<id:product_id>/photos/<id:photo_id>/remove",
    view_func=views.remove_photo,
    methods=["POST"],
)
bp.add_url_rule(
    "/me/products/<id:product_id>/visibility", view_func=views.visibility, methods=["POST"]
)
bp.add_url_rule(
    "/me/products/<id:product_id>/delete", view_func=views.delete, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/admin/products/<id:product_id>/moderate", view_func=views.moderate, methods=["GET", "POST"]
)

#: What create_app registers.
BLUEPRINTS = (bp,)
