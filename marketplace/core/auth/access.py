"""One place for who may see what: role checks for routes and the object loader pattern."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from marketplace.core.auth.models import Role


def role_required(*roles: Role):
    """Route decorator: signed in (else to the login page) and one of these roles (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(Role.ORGANIZER, Role.ADMIN)
admin_required = role_required(Role.ADMIN)
entrepreneur_required = role_required(Role.ENTREPRENEUR)
