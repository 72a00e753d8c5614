"""The second step of staff sign-in, setting up the authenticator, and the account's two-step page.

Thin: the pending sign-in and the codes are `two_factor`'s; a correct second factor ends in
`complete_sign_in`, which any other method of the same page can call too.
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core.auth import two_factor
from marketplace.core.auth.access import staff_required
from marketplace.core.auth.forms import AuthenticatorCodeForm, SecondStepForm
from marketplace.core.auth.views import home_for, start_session
from marketplace.core.errors import Refused
from marketplace.core.extensions import db, limiter


def _account_limit():
    return current_app.config["TWO_FACTOR_RATE_LIMIT"]


def _address_limit():
    return current_app.config["TWO_FACTOR_ADDRESS_RATE_LIMIT"]


def _account_key() -> str:
    """Whose codes are being tried: the pending sign-in's account, or the signed-in one."""
    uid = two_factor.pending_id()
    if uid is None and current_user.is_authenticated:
        uid = current_user.id
    return f"two-factor-account:{uid}"


def _limited(view):
    """Codes are six digits: tries are counted per account and per address."""
    view = limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])(view)
    return limiter.limit(_address_limit, methods=["POST"])(view)


def _start_again():
    flash(
        _("Your sign-in has expired or was not started. Please enter your e-mail and password."),
        "info",
    )
    return redirect(url_for("auth.login"), 303)


def _wrong_code() -> str:
    # The same words for a wrong code, a code already used and an unknown recovery code.
    return _(
        "That code is not correct or was already used. "
        "Wait for the next code in your app and try again."
    )


def complete_sign_in(pending: two_factor.Pending) -> str:
    """Where every second-step method ends: the session starts; returns where to go next."""
    start_session(pending.user, remember=pending.remember)
    return pending.next_url or home_for(pending.user)


@_limited
def second_step():
    user = two_factor.pending_user()
    if user is None:
        return _start_again()
    if not two_factor.is_enrolled(user):
        return redirect(url_for("auth.two_factor_setup"))
    form = SecondStepForm()
    wrong = False
    if form.validate_on_submit():
        if two_factor.check_second_factor(user, form.code.data):
            pending = two_factor.finish_pending()
            db.session.commit()
            return redirect(complete_sign_in(pending))
        db.session.rollback()
        wrong = True
        form.code.errors.append(_wrong_code())
        form.code.data = ""  # the box empty for the next code
    status = 401 if wrong else (422 if form.errors else 200)
    return render_template("auth/two_factor/second_step.html", form=form), status


@_limited
def setup():
    user = two_factor.pending_user()
    if user is None:
        return _start_again()
    if two_factor.is_enrolled(user):
        return redirect(url_for("auth.second_step"))
    credential = two_factor.start_enrolment(user)
    db.session.commit()
    form = AuthenticatorCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(user, two_factor.normalise_code(form.code.data))
        except Refused as e:
            db.session.rollback()
            form.code.errors.append(e.message)
        else:
            pending = two_factor.finish_pending()
            db.session.commit()
            next_url = complete_sign_in(pending)
            flash(_("Two-step verification is on. You are signed in."), "success")
            return render_template(
                "auth/two_factor/recovery_codes.html", codes=codes, next_url=next_url
            )
    uri = two_factor.provisioning_uri(user, credential.secret)
    return render_template(
        "auth/two_factor/setup.html",
        form=form,
        qr=two_factor.qr_code(uri),
        secret=two_factor.grouped(credential.secret),
        email=user.email,
    ), 422 if form.errors else 200


def cancel():
    two_factor.cancel_pending()
    return redirect(url_for("auth.login"), 303)


@staff_required
def account():
    user = current_user._get_current_object()
    return render_template(
        "auth/two_factor/account.html",
        form=AuthenticatorCodeForm(),
        left=two_factor.recovery_codes_left(user),
    )


@staff_required
@_limited
def new_recovery_codes():
    user = current_user._get_current_object()
    form = AuthenticatorCodeForm()
    wrong = False
    if form.validate_on_submit():
        if two_factor.accept_code(user, two_factor.normalise_code(form.code.data)):
            codes = two_factor.replace_recovery_codes(user)
            db.session.commit()
            return render_template(
                "auth/two_factor/recovery_codes.html",
                codes=codes,
                next_url=url_for("auth.two_factor_account"),
            )
        db.session.rollback()
        wrong = True
        form.code.errors.append(_wrong_code())
        form.code.data = ""  # the box empty for the next code
    status = 401 if wrong else 422
    return render_template(
        "auth/two_factor/account.html", form=form, left=two_factor.recovery_codes_left(user)
    ), status
