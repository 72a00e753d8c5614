"""How often the account pages may be tried, and what a person sees when they tried too often.

Sign-in counts failed attempts only (a 401), in two buckets: per account (tight, in steps:
LOGIN_ACCOUNT_RATE_LIMIT, e.g. 5 in 15 minutes, then 10 in an hour, 20 in a day) and per
address (LOGIN_ADDRESS_RATE_LIMIT, generous enough for an office or a fair's Wi-Fi behind one
address). A successful sign-in costs nothing, so one person mistyping never locks out the
others at the same address, while someone guessing one account's password from many addresses
is stopped by the account's bucket. A locked account stays locked for its right password too:
otherwise the lock would tell a guesser which password is right. A password reset still works.

Registration and resending the confirmation count forms that were accepted (they send a mail),
per address and per e-mail, which keeps a script from probing addresses or flooding an inbox.

The limiter's storage is RATELIMIT_STORAGE_URI (Redis when REDIS_URL is set, see config), so
every host counts the same attempts. E-mails are stored there only as keyed hashes.
"""

import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta

from flask import current_app, make_response, render_template, request
from flask_babel import format_time, format_timedelta
from flask_babel import gettext as _
from limits import parse_many

from marketplace.core.auth.forms import LoginForm
from marketplace.core.auth.services import normalise_email
from marketplace.core.extensions import limiter


def setting(name: str):
    """The limit string in app.config[name], read at request time (tests and instances set it)."""
    return lambda: current_app.config[name]


def email_key() -> str:
    """The bucket of the e-mail typed in the form."""
    email = normalise_email(request.form.get("email", ""))
    secret = current_app.config["SECRET_KEY"].encode()
    return "email:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:32]


def failed_sign_in(response) -> bool:
    return response.status_code == 401


def form_accepted(response) -> bool:
    return response.status_code == 303


def lifts_at(request_limit, setting_name: str) -> float:
    """When this key may try again: the end of the latest of its windows that is full (the
    15-minute one may be over while the hour's is not)."""
    ends = [request_limit.reset_at]
    for item in parse_many(current_app.config[setting_name]):
        reset, remaining = limiter.limiter.get_window_stats(item, *request_limit.request_args)
        if remaining <= 0:
            ends.append(reset)
    return max(ends)


def _when(at: float) -> dict:
    """`time` (3:45 p. m., in the person's time zone) and `wait` (in 15 minutes) of a moment."""
    wait = timedelta(seconds=max(60, at - time.time()))
    return {
        "time": format_time(datetime.fromtimestamp(at, UTC), "short"),
        "wait": format_timedelta(wait, add_direction=True, threshold=1.5),
    }


def _login_page(notice: str) -> str:
    return render_template("auth/login.html", form=LoginForm(), notice=notice)


def _error_page(notice: str) -> str:
    return render_template("errors/error.html", status=429, message=notice)


def _answer(setting_name: str, message, page):
    """An on_breach callback: `page` showing `message` with the time the limit lifts, as a 429
    with Retry-After."""

    def on_breach(request_limit):
        at = lifts_at(request_limit, setting_name)
        response = make_response(page(message(**_when(at))), 429)
        response.headers["Retry-After"] = str(max(1, int(at - time.time())))
        return response

    return on_breach


def _account_locked(**when) -> str:
    return _(
        "Too many wrong passwords for this account. To protect it, signing in to it is paused "
        "until %(time)s (%(wait)s), even with the right password. If you forgot your password, "
        "you can choose a new one now with «I forgot my password».",
        **when,
    )


def _address_locked(**when) -> str:
    return _(
        "Too many wrong passwords from this connection. Please try again at %(time)s (%(wait)s).",
        **when,
    )


def _registrations_from_address(**when) -> str:
    return _(
        "Too many registrations from this connection. Please try again at %(time)s (%(wait)s).",
        **when,
    )


def _mails_to_address(**when) -> str:
    return _(
        "We have already sent several messages to this e-mail address. Please look for them in "
        "your inbox and in the spam folder, or try again at %(time)s (%(wait)s).",
        **when,
    )


def sign_in_limits(view):
    """Failed sign-ins, per address and per account."""
    view = limiter.limit(
        setting("LOGIN_ADDRESS_RATE_LIMIT"),
        methods=["POST"],
        deduct_when=failed_sign_in,
        on_breach=_answer("LOGIN_ADDRESS_RATE_LIMIT", _address_locked, _login_page),
    )(view)
    return limiter.limit(
        setting("LOGIN_ACCOUNT_RATE_LIMIT"),
        key_func=email_key,
        methods=["POST"],
        deduct_when=failed_sign_in,
        on_breach=_answer("LOGIN_ACCOUNT_RATE_LIMIT", _account_locked, _login_page),
    )(view)


def confirmation_mail_limits(view):
    """Accepted registration and resend forms (each sends a mail), per address and per e-mail;
    both pages share the buckets, so together they send an inbox no more than the limit."""
    view = limiter.shared_limit(
        setting("REGISTER_RATE_LIMIT"),
        scope="registration",
        methods=["POST"],
        deduct_when=form_accepted,
        on_breach=_answer("REGISTER_RATE_LIMIT", _registrations_from_address, _error_page),
    )(view)
    return limiter.shared_limit(
        setting("REGISTER_EMAIL_RATE_LIMIT"),
        scope="registration-mail",
        key_func=email_key,
        methods=["POST"],
        deduct_when=form_accepted,
        on_breach=_answer("REGISTER_EMAIL_RATE_LIMIT", _mails_to_address, _error_page),
    )(view)
