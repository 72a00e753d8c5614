"""Report pages and downloads.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from fairs.reports import views
from marketplace.core import dashboards

FORMATS = "<any(csv, xlsx):fmt>"

bp = Blueprint("reports", __name__)
bp.record_once(views._register_globals)
bp.record_once(
    dashboards.panel("vendor", "vendors/_dash_reports.html", views.reports_today_total, order=50)
)
bp.record_once(
    dashboards.panel(
        "admin", "admin/_dash_reports.html", lambda user: views.report_fairs(), order=40
    )
)
bp.add_url_rule("/me/reports", view_func=views.mine, methods=["GET"])
bp.add_url_rule(
    f"/me/reports/<any(sales, fairs, products, payment):table>.{FORMATS}",
    view_func=views.my_export,
    methods=["GET"],
)
bp.add_url_rule("/admin/fairs/<id:fair_id>/report", view_func=views.fair, methods=["GET"])
bp.add_url_rule(
    "/admin/fairs/<id:fair_id>/report/figures", view_func=views.fair_figures, methods=["GET"]
)
bp.add_url_rule(
    "/admin/fairs/<id:fair_id>/report/"
    f"<any(sales, categories, departments, payment, hours, vendors):table>.{FORMATS}",
    view_func=views.fair_export,
    methods=["GET"],
)
bp.add_url_rule("/admin/impact", view_func=views.impact, methods=["GET"])
bp.add_url_rule(
    f"/admin/impact/<any(departments, gender, age):table>.{FORMATS}",
    view_func=views.impact_export,
    methods=["GET"],
)

#: What create_app registers.
BLUEPRINTS = (bp,)
