"""Sign-up, sign-in, sign-out, passwords and the account page.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from marketplace.core.auth import views
from marketplace.core.auth.passkeys.blueprint import BLUEPRINTS as passkeys

bp = Blueprint("auth", __name__)
bp.add_url_rule("/register", view_func=views.register, methods=["GET", "POST"])
bp.add_url_rule("/register/sent", view_func=views.check_email)
bp.add_url_rule("/register/confirm", view_func=views.resend_confirmation, methods=["GET", "POST"])
bp.add_url_rule("/register/confirm/<token>", view_func=views.confirm, methods=["GET", "POST"])
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])
bp.add_url_rule("/account", view_func=views.account, methods=["GET"])
bp.add_url_rule(
    "/account/sessions/<id:session_id>/end", view_func=views.end_session, methods=["POST"]
)
bp.add_url_rule(
    "/account/sessions/end-others", view_func=views.end_other_sessions, methods=["POST"]
)
bp.add_url_rule("/account/password", view_func=views.change_password, methods=["GET", "POST"])
bp.add_url_rule("/password/reset", view_func=views.reset_request, methods=["GET", "POST"])
bp.add_url_rule("/password/reset/<token>", view_func=views.reset_password, methods=["GET", "POST"])

#: What create_app registers.
BLUEPRINTS = (bp, *passkeys)
