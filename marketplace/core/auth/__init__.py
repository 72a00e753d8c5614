"""Accounts: sign-up, sign-in, passwords."""

from flask import flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login.config import COOKIE_NAME
from flask_login.utils import decode_cookie

from marketplace.core.extensions import login_manager


def init_app(app) -> None:
    from marketplace.core.auth import sessions

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(key: str):
        # The session cookie and the remember cookie both carry the session's key.
        user = sessions.load(key)
        if user is None:
            # The session ended: forget its key, and have Flask-Login delete the remember
            # cookie that carried it.
            session.pop("_user_id", None)
            remembered = request.cookies.get(app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME))
            if remembered and decode_cookie(remembered) == key:
                session["_remember"] = "clear"
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    app.cli.add_command(sessions.sessions_cli)
