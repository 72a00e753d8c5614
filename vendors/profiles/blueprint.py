"""The entrepreneur's dashboard and profile, and the organisers' verification pages.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from marketplace.core import dashboards
from vendors.profiles import admin_views, services, views

vendors_bp = Blueprint("vendors", __name__)
vendors_bp.record_once(views._register_template_globals)
vendors_bp.add_url_rule("/me", view_func=views.dashboard, methods=["GET"])
vendors_bp.add_url_rule("/me/profile", view_func=views.edit_profile, methods=["GET", "POST"])
vendors_bp.add_url_rule("/me/export", view_func=views.export_data, methods=["GET"])
vendors_bp.add_url_rule("/me/delete", view_func=views.delete_account, methods=["GET", "POST"])
vendors_bp.add_url_rule("/claim", view_func=views.claim, methods=["GET", "POST"])
vendors_bp.add_url_rule("/claim/password", view_func=views.claim_password, methods=["GET", "POST"])
vendors_bp.register_error_handler(RequestEntityTooLarge, views.too_large)

vendor_admin_bp = Blueprint("vendor_admin", __name__, url_prefix="/admin/vendors")
vendor_admin_bp.add_app_template_filter(services.status_label, "vendor_status")
vendor_admin_bp.record_once(
    dashboards.panel(
        "admin",
        "admin/_dash_vendors.html",
        lambda user: admin_views.pending_vendor_count(),
        order=10,
    )
)
vendor_admin_bp.add_url_rule("", view_func=admin_views.queue, methods=["GET"])
vendor_admin_bp.add_url_rule("/<id:vendor_id>", view_func=admin_views.detail, methods=["GET"])
vendor_admin_bp.add_url_rule(
    "/<id:vendor_id>/verify", view_func=admin_views.verify, methods=["POST"]
)
vendor_admin_bp.add_url_rule(
    "/<id:vendor_id>/reject", view_func=admin_views.reject, methods=["POST"]
)
vendor_admin_bp.add_url_rule(
    "/<id:vendor_id>/edit", view_func=admin_views.edit, methods=["GET", "POST"]
)
vendor_admin_bp.add_url_rule("/new", view_func=admin_views.register, methods=["GET", "POST"])
vendor_admin_bp.register_error_handler(RequestEntityTooLarge, admin_views.too_large)
vendor_admin_bp.add_url_rule(
    "/<id:vendor_id>/claim-code", view_func=admin_views.claim_code, methods=["GET"]
)
vendor_admin_bp.add_url_rule(
    "/<id:vendor_id>/claim-code", view_func=admin_views.new_claim_code, methods=["POST"]
)

#: What create_app registers.
BLUEPRINTS = (
    vendors_bp,
    vendor_admin_bp,
)
