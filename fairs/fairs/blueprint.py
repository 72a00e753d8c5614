"""Public fair pages, the organisers' fair and circuit pages, and the fairs' read API.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from fairs.fairs import admin_views, api, services, views
from marketplace.core import dashboards

fairs_bp = Blueprint("fairs", __name__)
fairs_bp.add_app_template_filter(services.status_label, "fair_status")
fairs_bp.record_once(dashboards.panel("admin", "admin/_dash_fairs.html", order=20))
fairs_bp.add_url_rule("/fairs/<slug>", view_func=views.public_fair, methods=["GET"])
fairs_bp.add_url_rule("/admin/fairs", view_func=admin_views.admin_fairs, methods=["GET"])
fairs_bp.add_url_rule(
    "/admin/fairs/new", view_func=admin_views.admin_new_fair, methods=["GET", "POST"]
)
fairs_bp.add_url_rule(
    "/admin/fairs/<id:fair_id>", view_func=admin_views.admin_fair, methods=["GET"]
)
fairs_bp.add_url_rule(
    "/admin/fairs/<id:fair_id>/edit", view_func=admin_views.admin_edit_fair, methods=["GET", "POST"]
)
fairs_bp.add_url_rule(
    "/admin/fairs/<id:fair_id>/status", view_func=admin_views.admin_change_status, methods=["POST"]
)
fairs_bp.add_url_rule(
    "/admin/circuits", view_func=admin_views.admin_circuits, methods=["GET", "POST"]
)
fairs_bp.add_url_rule(
    "/admin/circuits/<id:circuit_id>", view_func=admin_views.admin_circuit, methods=["GET"]
)

fairs_api_bp = Blueprint("fairs_api", __name__, url_prefix="/api/v1")
fairs_api_bp.add_url_rule("/fairs", view_func=api.fairs, methods=["GET"])
fairs_api_bp.add_url_rule("/fairs/<slug>", view_func=api.fair, methods=["GET"])

#: What create_app registers.
BLUEPRINTS = (
    fairs_bp,
    fairs_api_bp,
)
