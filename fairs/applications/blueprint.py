"""Applying to fairs (entrepreneurs) and reviewing applications (organisers).

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from fairs.applications import queries, review_views, views
from marketplace.core import dashboards

PREFIX = "/admin/fairs/<id:fair_id>"

bp = Blueprint("applications", __name__)
bp.record_once(views._register_globals)
bp.record_once(
    dashboards.panel(
        "vendor", "vendors/_dash_applications.html", views.dashboard_applications, order=20
    )
)
bp.record_once(
    dashboards.panel(
        "admin", "admin/_dash_applications.html", lambda user: queries.fairs_to_review(), order=30
    )
)
bp.add_url_rule("/me/applications", view_func=views.mine, methods=["GET"])
bp.add_url_rule("/fairs/<slug>/apply", view_func=views.apply, methods=["GET", "POST"])
bp.add_url_rule("/me/applications/new", view_func=views.new, methods=["GET", "POST"])
bp.add_url_rule(
    "/me/applications/<id:application_id>/edit", view_func=views.edit, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/me/applications/<id:application_id>/withdraw", view_func=views.withdraw, methods=["POST"]
)
bp.add_url_rule(f"{PREFIX}/applications", view_func=review_views.review, methods=["GET"])
bp.add_url_rule(
    f"{PREFIX}/applications/decide", view_func=review_views.decide_many, methods=["POST"]
)
bp.add_url_rule(
    f"{PREFIX}/applications/<id:application_id>", view_func=review_views.detail, methods=["GET"]
)
bp.add_url_rule(
    f"{PREFIX}/applications/<id:application_id>/decide",
    view_func=review_views.decide,
    methods=["POST"],
)
bp.add_url_rule(
    f"{PREFIX}/applications/<id:application_id>/booth",
    view_func=review_views.assign,
    methods=["POST"],
)
bp.add_url_rule(
    f"{PREFIX}/applications/<id:application_id>/unassign",
    view_func=review_views.unassign,
    methods=["POST"],
)
bp.add_url_rule(
    f"{PREFIX}/applications/<id:application_id>/swap", view_func=review_views.swap, methods=["POST"]
)
bp.add_url_rule(
    f"{PREFIX}/assignment/auto", view_func=review_views.auto_assign, methods=["GET", "POST"]
)

#: What create_app registers.
BLUEPRINTS = (bp,)
