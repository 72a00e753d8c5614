"""Accounts: sign-up, sign-in, passwords."""

from flask import flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.extensions import db, login_manager


def init_app(app) -> None:
    from marketplace.core.auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        uid, _, token = user_id.partition(":")
        if not uid.isdigit():
            return None
        user = db.session.get(User, int(uid))
        # A password change rotates the token, which signs out every other session.
        if user is None or user.session_token != token:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
