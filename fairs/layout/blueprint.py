"""The organisers' booth layout pages.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from fairs.layout import views

bp = Blueprint("layout", __name__, url_prefix="/admin/fairs/<id:fair_id>")
bp.add_url_rule("/layout", view_func=views.admin_layout, methods=["GET"])
bp.add_url_rule("/layout", view_func=views.admin_generate_layout, methods=["POST"])
bp.add_url_rule("/layout/row", view_func=views.admin_update_row, methods=["POST"])
bp.add_url_rule("/booths/<id:booth_id>", view_func=views.admin_booth, methods=["GET", "POST"])

#: What create_app registers.
BLUEPRINTS = (bp,)
