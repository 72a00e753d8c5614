"""Signing in from tests the way a person does: the password, then, for staff, a code from the
authenticator app. A code works once, so the code is one whose time step is still unused; a
third sign-in of the same person within the same half minute uses a recovery code."""

import threading

import pyotp
from flask import current_app, has_app_context
from sqlalchemy import select

from marketplace.core.auth import two_factor
from marketplace.core.auth.models import TotpCredential, User
from marketplace.core.database import db
from tests.factories import PASSWORD

# Sign-ins from several threads (race tests) pick their codes one at a time.
_lock = threading.Lock()


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, interval=two_factor.STEP_SECONDS).generate_otp(step)


def sign_in(client, email: str, password: str = PASSWORD, follow: bool = False, **form):
    """POST /login, then the second step if it is asked for; returns the last response (the
    password step's own when the account has no authenticator yet)."""
    data = {"email": email, "password": password, **form}
    response = client.post("/login", data=data, follow_redirects=follow)
    if not _asks_for_code(response, follow):
        return response
    with _lock:
        code = unused_code(client.application, email)
        if code is None:
            return response
        return client.post("/login/code", data={"code": code}, follow_redirects=follow)


def _asks_for_code(response, followed: bool) -> bool:
    if followed:
        return response.request.path == "/login/code"
    return response.status_code in (302, 303) and response.headers["Location"] == "/login/code"


def unused_code(app, email: str) -> str | None:
    """A code the account has not used yet, or None when it has no authenticator."""
    if has_app_context() and current_app._get_current_object() is app:
        return _unused_code(email)
    with app.app_context():
        return _unused_code(email)


def _unused_code(email: str) -> str | None:
    row = db.session.execute(
        select(TotpCredential.secret, TotpCredential.last_step)
        .join(User, User.id == TotpCredential.user_id)
        .where(User.email == email.lower(), TotpCredential.confirmed_at.is_not(None))
    ).first()
    if row is None:
        return None
    now = two_factor.current_step()
    for step in (now, now + 1):
        if row.last_step is None or step > row.last_step:
            return code_at(row.secret, step)
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    code = two_factor.replace_recovery_codes(user)[0]
    db.session.commit()
    return code
