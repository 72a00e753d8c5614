"""The passkeys page (list, rename, remove) and the JSON steps static/js/passkeys.js talks to.

The JSON endpoints live under /api/ so that every refusal, CSRF failure and rate limit is
answered as JSON `{"error": {code, message}}` in the person's language.
"""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.core import submissions
from marketplace.core.auth import two_factor
from marketplace.core.auth.passkeys import services
from marketplace.core.auth.passkeys.forms import PasskeyNameForm
from marketplace.core.auth.views import home_for, start_session
from marketplace.core.errors import Refused
from marketplace.core.extensions import db, limiter
from marketplace.core.inputs import json_object
from marketplace.core.security import safe_next_url

#: An answer with attestation "none" is well under 2 kB; certificates chains stay under this.
MAX_BODY = 64 * 1024


def _passkey_limit():
    return current_app.config["PASSKEY_RATE_LIMIT"]


# The page


@login_required
def index():
    return _page(PasskeyNameForm())


def _page(add_form: PasskeyNameForm, status: int = 200):
    return render_template(
        "auth/passkeys.html",
        passkeys=services.passkeys_of(current_user),
        add_form=add_form,
        max_passkeys=services.MAX_PASSKEYS,
    ), status


@login_required
def rename(passkey_id: int):
    passkey = _own(passkey_id)
    form = PasskeyNameForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.name.errors), "error")
        return redirect(url_for("passkeys.index"), 303)
    services.rename(current_user, passkey.id, form.name.data)
    db.session.commit()
    flash(_("The passkey is now called “%(name)s”.", name=form.name.data), "success")
    return redirect(url_for("passkeys.index"), 303)


@login_required
def remove(passkey_id: int):
    # The key first: a second tap finds the first one's answer, not a passkey that is gone.
    once = submissions.claim("passkey.remove") if request.method == "POST" else None
    passkey = _own(passkey_id)
    if request.method == "GET":
        return render_template("auth/passkey_remove.html", passkey=passkey)
    name = passkey.name
    services.remove(current_user, passkey.id)
    response = submissions.done(
        once,
        url_for("passkeys.index"),
        _(
            "The passkey “%(name)s” is removed. You can still sign in with your password.",
            name=name,
        ),
    )
    db.session.commit()
    return response


def _own(passkey_id: int):
    """Another person's passkey is not found, as one that does not exist."""
    passkey = services.own_passkey(current_user, passkey_id)
    if passkey is None:
        abort(404)
    return passkey


# JSON: creating a passkey


@limiter.limit(_passkey_limit)
def registration_options():
    _signed_in()
    _json_object()
    options = services.registration_options(current_user)
    db.session.commit()
    return jsonify(options)


@limiter.limit(_passkey_limit)
def register():
    _signed_in()
    body = _json_object()
    name = services.clean_name(body.get("name"))
    credential = body.get("credential")
    try:
        kept = services.take_challenge(services.REGISTER, current_user)
    except Refused:
        # A resend after the first one worked (its answer was lost on a weak signal).
        if services.registered_before(current_user, credential):
            return jsonify(redirect=url_for("passkeys.index")), 200
        raise
    db.session.commit()  # used up, whatever the answer turns out to be
    passkey = services.register(current_user, kept, credential, name)
    db.session.commit()
    flash(
        _(
            "Your passkey “%(name)s” is ready. Next time, sign in with it: no password needed.",
            name=passkey.name,
        ),
        "success",
    )
    return jsonify(redirect=url_for("passkeys.index")), 201


# JSON: signing in


@limiter.limit(_passkey_limit)
def sign_in_options():
    _json_object()
    options = services.sign_in_options()
    db.session.commit()
    return jsonify(options)


@limiter.limit(_passkey_limit)
def sign_in():
    body = _json_object()
    credential = body.get("credential")
    if not isinstance(credential, dict):
        raise Refused(
            _("Your device's answer could not be checked. Please try again."),
            code="invalid_credential",
            status=400,
        )
    kept = services.take_challenge(services.SIGN_IN, None)
    db.session.commit()  # used up, whatever the answer turns out to be
    passkey = services.find_passkey(credential)
    user = services.sign_in(passkey, kept, credential)
    db.session.commit()
    # The passkey was unlocked with the screen lock (user verification): it is something the
    # person has and something they are or know at once, so it counts as both factors, and it
    # also stands in for the code after a staff member's password.
    pending = two_factor.finish_pending() if two_factor.pending_id() == user.id else None
    if pending is not None:
        remember, next_url = pending.remember, pending.next_url
    else:
        remember = body.get("remember") is True
        next_url = safe_next_url(body.get("next")) if isinstance(body.get("next"), str) else None
    start_session(user, remember=remember)
    return jsonify(redirect=next_url or home_for(user))


def _signed_in() -> None:
    if not current_user.is_authenticated:
        raise Refused(
            _("Please sign in again to manage your passkeys."),
            code="sign_in_required",
            status=401,
        )


def _json_object() -> dict:
    body, _raw = json_object(
        MAX_BODY,
        _("This request is too large."),
        _("The request must be a JSON object. Please reload the page and try again."),
    )
    return body
