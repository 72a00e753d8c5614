"""Sign-up, sign-in, sign-out, passwords and the account page. Thin: forms in, services called,
one commit."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.core import submissions
from marketplace.core.auth import services, sessions, throttle, two_factor
from marketplace.core.auth.forms import (
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from marketplace.core.auth.models import Role, utcnow
from marketplace.core.errors import Refused
from marketplace.core.extensions import db, limiter
from marketplace.core.i18n import current_language
from marketplace.core.mail import send_mail
from marketplace.core.security import safe_next_url


def _reset_limit():
    return current_app.config["RESET_RATE_LIMIT"]


def start_session(user, remember: bool = False) -> None:
    """A new server-side session at sign-in, and a fresh cookie session, so one planted before
    it is worthless. Commits."""
    if current_user.is_authenticated:  # signing in again here replaces this browser's session
        sessions.end_current(current_user)
    sessions.begin(user, remember)
    db.session.commit()
    _clear_cookie_session()
    login_user(user, remember=remember)


def _clear_cookie_session() -> None:
    """Empty the cookie session but keep the language chosen in the footer."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def home_for(user) -> str:
    if user.is_staff:
        return url_for("admin.dashboard")
    return url_for("vendors.dashboard")


def first_page(user) -> str:
    """Where a new account continues: an entrepreneur's business profile comes first."""
    if user.has_role(Role.ENTREPRENEUR):
        return url_for("vendors.edit_profile")
    return home_for(user)


@throttle.confirmation_mail_limits
def register():
    """One answer for every accepted form, whether or not the e-mail has an account: the
    difference is only in the mail that its owner receives."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        claim = submissions.claim("register")  # a double tap gets the first answer, no 2nd mail
        user, created = services.register(form.email.data, form.password.data, form.name.data)
        response = submissions.done(claim, url_for("auth.check_email"))
        db.session.commit()
        if user is not None and created:
            send_confirm_mail(user)
        elif user is not None:
            send_already_registered_mail(user)
        return response
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


def check_email():
    return render_template("auth/check_email.html")


def send_confirm_mail(user) -> None:
    with force_locale(user.locale or current_language()):
        send_mail(
            user.email,
            _("Confirm your e-mail for Mercado Retorno"),
            "auth/mail/confirm",
            user=user,
            url=url_for("auth.confirm", token=services.make_confirm_token(user), _external=True),
        )


def send_already_registered_mail(user) -> None:
    with force_locale(user.locale or current_language()):
        send_mail(
            user.email,
            _("Someone tried to register at Mercado Retorno with your e-mail"),
            "auth/mail/already_registered",
            user=user,
            login_url=url_for("auth.login", _external=True),
            reset_url=url_for(
                "auth.reset_password", token=services.make_reset_token(user), _external=True
            ),
        )


def confirm(token: str):
    """The link of the confirmation mail: a page with one button, which confirms and signs in."""
    user, fresh = services.user_for_confirm_token(token)
    if user is not None and user.is_confirmed:
        return _already_confirmed(user)
    if user is None or not fresh:
        flash(
            _(
                "This confirmation link has expired or is not valid. Write your e-mail and we "
                "will send you a new one."
            ),
            "error",
        )
        return render_template("auth/resend_confirmation.html", form=ResendConfirmationForm()), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        if not services.confirm_email(user):
            db.session.rollback()
            return _already_confirmed(user)  # the other tap (or device) confirmed it first
        user.last_login_at = utcnow()
        db.session.commit()
        start_session(user)
        flash(
            _(
                "Your e-mail is confirmed. Welcome to Mercado Retorno! Now tell us about your business."
            ),
            "success",
        )
        return redirect(first_page(user), 303)
    return render_template("auth/confirm.html", form=form, user=user)


def _already_confirmed(user):
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(home_for(user), 303)
    flash(_("Your e-mail is already confirmed. Please sign in."), "info")
    return redirect(url_for("auth.login"), 303)


@throttle.confirmation_mail_limits
def resend_confirmation():
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is not None and user.is_active and not user.is_confirmed:
            send_confirm_mail(user)
        # The same answer whether the account exists, waits for confirmation or not.
        return redirect(url_for("auth.check_email"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/resend_confirmation.html", form=form), status


@throttle.sign_in_limits
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except Refused as e:  # the right password, the e-mail not confirmed yet
            return render_template(
                "auth/login.html", form=form, notice=e.message, unconfirmed=True
            ), e.status
        if user is not None:
            db.session.commit()
            if two_factor.required(user):
                two_factor.begin_pending(user, form.remember.data, form.next.data)
                return redirect(url_for("auth.second_step"))
            start_session(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data) or home_for(user))
        # Same words whether the e-mail exists or not.
        form.password.errors.append(_("The e-mail or the password is not correct."))
    status = 401 if form.password.errors else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form), status


def logout():
    if current_user.is_authenticated:
        sessions.end_current(current_user)  # already gone (a second tab) signs out all the same
        db.session.commit()
    _clear_cookie_session()
    logout_user()  # after the clear: it leaves the note that deletes the remember cookie
    flash(_("You have signed out."), "info")
    return redirect(url_for("home.index"))


@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.check_password(current_user, form.current.data):
            services.set_password(
                current_user, form.password.data, keep=current_user.current_session
            )
            db.session.commit()
            flash(
                _(
                    "Your password has been changed. You are still signed in here, and signed out everywhere else."
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
        form.current.errors.append(_("The current password is not correct."))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


@limiter.limit(_reset_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is not None and user.is_active:
            send_reset_mail(user)
        # The same answer whether or not the account exists.
        flash(
            _(
                "If an account exists for that e-mail, we have sent a link to choose a new password. "
                "It works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


def send_reset_mail(user) -> None:
    token = services.make_reset_token(user)
    send_mail(
        user.email,
        _("Choose a new password for Mercado Retorno"),
        "auth/mail/reset",
        user=user,
        url=url_for("auth.reset_password", token=token, _external=True),
    )


@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This link has expired or was already used. Please ask for a new one."), "error")
        return render_template("auth/reset_request.html", form=ResetRequestForm()), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        if two_factor.required(user):
            two_factor.begin_pending(user)
            flash(_("Your new password is saved. One more step to sign in."), "success")
            return redirect(url_for("auth.second_step"))
        start_session(user)
        flash(_("Your new password is saved. Welcome back!"), "success")
        return redirect(home_for(user))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200


@login_required
def account():
    me = current_user.current_session
    rows = sessions.active_sessions(current_user)
    listed = [(row, sessions.device_label(row), row.id == me.id) for row in rows]
    return render_template("auth/account.html", sessions=listed)


@login_required
def end_session(session_id: int):
    row = sessions.own_session(current_user, session_id)
    if row is not None and row.id == current_user.current_session.id:
        return logout()
    sessions.end_one(current_user, session_id)
    db.session.commit()
    flash(_("That device is signed out now."), "success")
    return redirect(url_for("auth.account"), 303)


@login_required
def end_other_sessions():
    ended = sessions.end_others(current_user)
    db.session.commit()
    if ended:
        message = ngettext(
            "Signed out on %(num)d other device. You are still signed in here.",
            "Signed out on %(num)d other devices. You are still signed in here.",
            ended,
        )
    else:
        message = _("You were not signed in anywhere else.")
    flash(message, "success" if ended else "info")
    return redirect(url_for("auth.account"), 303)
