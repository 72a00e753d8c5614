"""The organisers' dashboard and staff accounts.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from marketplace.admin import views

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.add_url_rule("/", view_func=views.dashboard, methods=["GET"])
bp.add_url_rule("/users", view_func=views.users, methods=["GET"])
bp.add_url_rule("/users", view_func=views.create_staff, methods=["POST"])
bp.add_url_rule("/users/<id:user_id>/deactivate", view_func=views.deactivate, methods=["POST"])
bp.add_url_rule("/users/<id:user_id>/reactivate", view_func=views.reactivate, methods=["POST"])
bp.add_url_rule("/users/<id:user_id>/sign-out", view_func=views.end_sessions, methods=["POST"])
bp.add_url_rule(
    "/users/<id:user_id>/two-factor/reset", view_func=views.reset_two_factor, methods=["POST"]
)

#: What create_app registers.
BLUEPRINTS = (bp,)
