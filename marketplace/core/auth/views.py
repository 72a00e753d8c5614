"""Sign-up, sign-in, sign-out and passwords. Thin: forms in, services called, one commit."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.core.auth import services, two_factor
from marketplace.core.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from marketplace.core.auth.models import Role
from marketplace.core.errors import Refused
from marketplace.core.extensions import db, limiter
from marketplace.core.mail import send_mail
from marketplace.core.security import safe_next_url


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit():
    return current_app.config["RESET_RATE_LIMIT"]


def start_session(user, remember: bool = False) -> None:
    """A fresh session at sign-in, so a session id planted before it is worthless."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)


def home_for(user) -> str:
    if user.is_staff:
        return url_for("admin.dashboard")
    return url_for("vendors.dashboard")


def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.password.data, Role.ENTREPRENEUR, form.name.data
            )
        except Refused as e:
            form.email.errors.append(e.message)
        else:
            db.session.commit()
            start_session(user)
            flash(_("Welcome to Mercado Retorno! Now tell us about your business."), "success")
            return redirect(url_for("vendors.edit_profile"))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
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
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("home.index"))


@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.check_password(current_user, form.current.data):
            services.set_password(current_user, form.password.data)
            db.session.commit()
            start_session(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(home_for(current_user))
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
        services.set_password(user, form.password.data)
        db.session.commit()
        if two_factor.required(user):
            two_factor.begin_pending(user)
            flash(_("Your new password is saved. One more step to sign in."), "success")
            return redirect(url_for("auth.second_step"))
        start_session(user)
        flash(_("Your new password is saved. Welcome back!"), "success")
        return redirect(home_for(user))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200
