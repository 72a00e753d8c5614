"""One place for who may see what: role checks for routes and the object loader pattern."""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required, logout_user

from marketplace.core.auth import sessions, two_factor
from marketplace.core.auth.models import Role
from marketplace.core.database import db


def role_required(*roles: Role):
    """Route decorator: signed in (else to the login page) and one of these roles (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            if two_factor.required(current_user) and not two_factor.is_enrolled(current_user):
                return _enrol_first()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _enrol_first():
    """A staff session without a second factor (begun before it was required): no staff page
    until one is set up, so the session turns into a sign-in waiting for enrolment."""
    user = current_user._get_current_object()
    sessions.end_current(user)
    db.session.commit()
    logout_user()
    two_factor.begin_pending(user, next_url=request.full_path.rstrip("?"))
    return redirect(url_for("auth.two_factor_setup"))


staff_required = role_required(Role.ORGANIZER, Role.ADMIN)
admin_required = role_required(Role.ADMIN)
entrepreneur_required = role_required(Role.ENTREPRENEUR)
