"""Passkeys: the page where a person keeps theirs, and the JSON steps of the two ceremonies.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from marketplace.core.auth.passkeys import views

bp = Blueprint("passkeys", __name__)
bp.add_url_rule("/account/passkeys", view_func=views.index, methods=["GET"])
bp.add_url_rule("/account/passkeys/<id:passkey_id>/name", view_func=views.rename, methods=["POST"])
bp.add_url_rule(
    "/account/passkeys/<id:passkey_id>/remove", view_func=views.remove, methods=["GET", "POST"]
)

api_bp = Blueprint("passkeys_api", __name__, url_prefix="/api/passkeys")
api_bp.add_url_rule("/registration/options", view_func=views.registration_options, methods=["POST"])
api_bp.add_url_rule("/registration", view_func=views.register, methods=["POST"])
api_bp.add_url_rule("/sign-in/options", view_func=views.sign_in_options, methods=["POST"])
api_bp.add_url_rule("/sign-in", view_func=views.sign_in, methods=["POST"])

#: What create_app registers (through the accounts package's BLUEPRINTS).
BLUEPRINTS = (bp, api_bp)
