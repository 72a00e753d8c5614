"""Sign-up, sign-in, sign-out, passwords and the account page.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from marketplace.core.auth import two_factor_views, views
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
bp.add_url_rule("/login/code", view_func=two_factor_views.second_step, methods=["GET", "POST"])
bp.add_url_rule(
    "/login/two-factor/setup",
    "two_factor_setup",
    view_func=two_factor_views.setup,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/login/cancel", "two_factor_cancel", view_func=two_factor_views.cancel, methods=["POST"]
)
bp.add_url_rule(
    "/account/two-factor", "two_factor_account", view_func=two_factor_views.account, methods=["GET"]
)
bp.add_url_rule(
    "/account/two-factor/recovery-codes",
    "two_factor_recovery_codes",
    view_func=two_factor_views.new_recovery_codes,
    methods=["POST"],
)

#: What create_app registers.
BLUEPRINTS = (bp, *passkeys)
