"""Fair day: check-in, no-shows and printable sheets.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from fairs.dayof import views

bp = Blueprint("dayof", __name__, url_prefix="/admin/fairs/<id:fair_id>")
bp.add_url_rule("/checkin", view_func=views.admin_checkin, methods=["GET"])
bp.add_url_rule("/checkin/<id:application_id>", view_func=views.admin_check_in, methods=["POST"])
bp.add_url_rule(
    "/checkin/<id:application_id>/free", view_func=views.admin_free_booth, methods=["POST"]
)
bp.add_url_rule("/print/map", view_func=views.admin_print_map, methods=["GET"])
bp.add_url_rule("/print/vendors", view_func=views.admin_print_vendors, methods=["GET"])
bp.add_url_rule("/print/qr", view_func=views.admin_print_qr, methods=["GET"])

#: What create_app registers.
BLUEPRINTS = (bp,)
