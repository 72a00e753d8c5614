"""Payment providers' webhooks.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from marketplace.payments import views

bp = Blueprint("payments", __name__, url_prefix="/payments")
bp.add_url_rule("/<name>/webhook", view_func=views.webhook, methods=["POST"])

#: What create_app registers.
BLUEPRINTS = (bp,)
