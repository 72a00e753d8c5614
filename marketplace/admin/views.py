"""Staff pages: the organisers' dashboard and account management for admins."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from marketplace.core import audit, dashboards
from marketplace.core.auth import services, two_factor
from marketplace.core.auth.access import admin_required, staff_required
from marketplace.core.auth.forms import StaffAccountForm
from marketplace.core.auth.models import Role, User
from marketplace.core.auth.views import send_reset_mail
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.inputs import page_number

PAGE_SIZE = 50


@staff_required
def dashboard():
    return render_template("admin/dashboard.html", panels=dashboards.collect("admin", current_user))


@admin_required
def users():
    page = db.paginate(
        db.select(User).order_by(User.role, User.email),
        page=page_number(),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return _users_page(page, StaffAccountForm())


def _users_page(page, form):
    staff_ids = (u.id for u in page.items if u.is_staff)
    return render_template(
        "admin/users.html", page=page, form=form, with_two_factor=two_factor.enrolled_ids(staff_ids)
    )


@admin_required
def create_staff():
    form = StaffAccountForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, None, Role(form.role.data), form.name.data)
        except Refused as e:
            form.email.errors.append(e.message)
        else:
            audit.record(current_user, "user.created", "user", user.id, role=user.role)
            db.session.commit()
            # They choose their own password through the same single-use link as a reset.
            send_reset_mail(user)
            flash(
                _(
                    "Account created. We sent %(email)s a link to choose a password.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("admin.users"))
    page = db.paginate(
        db.select(User).order_by(User.role, User.email), page=1, per_page=PAGE_SIZE, error_out=False
    )
    return _users_page(page, form), 422


@admin_required
def deactivate(user_id: int):
    user = services.set_active(current_user, user_id, active=False)
    db.session.commit()
    flash(
        _("%(email)s can no longer sign in, and was signed out everywhere.", email=user.email),
        "success",
    )
    return redirect(url_for("admin.users"), 303)


@admin_required
def end_sessions(user_id: int):
    ended = services.end_sessions_of(current_user, user_id)
    db.session.commit()
    if user_id == current_user.id:  # this browser's session went with the others
        return redirect(url_for("auth.login"), 303)
    flash(
        ngettext("Signed out on %(num)d device.", "Signed out on %(num)d devices.", ended)
        if ended
        else _("That account was not signed in anywhere."),
        "success",
    )
    return redirect(url_for("admin.users"), 303)


@admin_required
def reactivate(user_id: int):
    user = services.set_active(current_user, user_id, active=True)
    db.session.commit()
    flash(_("%(email)s can sign in again.", email=user.email), "success")
    return redirect(url_for("admin.users"), 303)


@admin_required
def reset_two_factor(user_id: int):
    """A colleague lost their phone: switch their second step off, so they set it up again."""
    target = db.get_or_404(User, user_id)
    two_factor.reset(current_user, target)
    db.session.commit()
    flash(
        _(
            "Two-step verification of %(email)s was reset. They will set it up again "
            "when they next sign in.",
            email=target.email,
        ),
        "success",
    )
    return redirect(url_for("admin.users"), 303)
