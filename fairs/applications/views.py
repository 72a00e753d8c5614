"""Entrepreneurs' side of fair applications: apply, list, edit, withdraw.

The organisers' side (review and booth assignment) lives in fairs/applications/review_views.py on the
same blueprint.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from fairs.applications import services
from fairs.applications.forms import ActionForm, ApplicationForm
from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import Fair, FairStatus
from marketplace.core import submissions
from marketplace.core.auth.access import entrepreneur_required
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from vendors.profiles.models import VendorProfile
from vendors.profiles.services import find_profile


def _register_globals(state) -> None:
    state.app.jinja_env.globals["application_status_label"] = lambda status: (
        services.STATUS_LABELS.get(status, status)
    )


def dashboard_applications(vendor: VendorProfile) -> list[Application]:
    """The entrepreneur's current applications for the dashboard panel, soonest fair first."""
    stmt = (
        db.select(Application)
        .join(Application.fair)
        .where(Application.vendor_id == vendor.id, Fair.status != FairStatus.FINISHED.value)
        .options(selectinload(Application.fair), selectinload(Application.booth))
        .order_by(Fair.starts_on, Fair.id)
        .limit(10)
    )
    return list(db.session.scalars(stmt))


def get_own_application(application_id: int) -> Application:
    """The signed-in entrepreneur's application; anyone else's is simply not found."""
    application = db.session.get(Application, application_id)
    vendor = find_profile(current_user)
    if application is None or vendor is None or application.vendor_id != vendor.id:
        abort(404)
    return application


def get_public_fair(slug: str | None) -> Fair:
    fair = db.session.scalar(db.select(Fair).where(Fair.slug == (slug or "")))
    if fair is None or not fair.is_public:
        abort(404)
    return fair


def open_fairs() -> list[Fair]:
    stmt = db.select(Fair).where(Fair.status == FairStatus.OPEN.value).order_by(Fair.starts_on)
    return [f for f in db.session.scalars(stmt) if services.window_open(f)]


@entrepreneur_required
def mine():
    vendor = find_profile(current_user)
    own = []
    if vendor is not None:
        stmt = (
            db.select(Application)
            .join(Application.fair)
            .where(Application.vendor_id == vendor.id)
            .options(selectinload(Application.fair), selectinload(Application.booth))
            .order_by(Fair.starts_on.desc(), Fair.id)
        )
        own = list(db.session.scalars(stmt))
    applied = {a.fair_id for a in own if a.status != ApplicationStatus.WITHDRAWN.value}
    return render_template(
        "applications/mine.html",
        applications=own,
        vendor=vendor,
        fairs=[f for f in open_fairs() if f.id not in applied],
        form=ActionForm(),
        editable=services.EDITABLE,
        window_open=services.window_open,
    )


@entrepreneur_required
def apply(slug: str):
    return _apply_page(get_public_fair(slug))


@entrepreneur_required
def new():
    if not request.args.get("fair"):
        return render_template("applications/choose_fair.html", fairs=open_fairs())
    return _apply_page(get_public_fair(request.args["fair"]))


def _apply_page(fair: Fair):
    # Claimed first: a repeat of an application already sent answers with its outcome, not
    # with "you have already applied".
    claim = submissions.claim("application") if request.method == "POST" else None
    vendor = find_profile(current_user)
    blocker = _why_not(vendor, fair)
    if blocker:
        status = 200 if request.method == "GET" else 409
        return render_template("applications/cannot_apply.html", fair=fair, message=blocker), status
    fairs = _circuit_choices(vendor, fair)
    form = ApplicationForm(
        services.visible_products(vendor), fairs if len(fairs) > 1 else (), fair_ids=[fair.id]
    )
    if form.validate_on_submit():
        chosen = [f for f in fairs if f.id in (form.fair_ids.data or [])] or [fair]
        made, problems = services.apply_to_fairs(vendor, chosen, form.choices())
        for problem in problems:
            flash(problem, "error")
        sent = ", ".join(a.fair.name for a in made)
        response = submissions.done(
            claim,
            url_for("applications.mine"),
            _("Application sent to %(fair)s.", fair=sent) if made else None,
        )
        db.session.commit()
        return response
    return _form_page(form, fair=fair, fairs=fairs)


def _why_not(vendor: VendorProfile | None, fair: Fair) -> str | None:
    """Why this entrepreneur cannot apply to this fair now, or None."""
    if vendor is None or not vendor.is_verified:
        return _("Your profile must be verified by the organisers before you can apply to a fair.")
    if not services.window_open(fair):
        return _("Applications to %(fair)s are not open at this time.", fair=fair.name)
    existing = services.find_application(fair, vendor)
    if existing is not None and existing.status != ApplicationStatus.WITHDRAWN.value:
        return _(
            "You have already applied to %(fair)s. You can change your application under My applications.",
            fair=fair.name,
        )
    return None


def _circuit_choices(vendor: VendorProfile, fair: Fair) -> list[Fair]:
    """This fair and the other fairs of its circuit the vendor can still apply to."""
    if fair.circuit is None:
        return [fair]
    return [f for f in fair.circuit.fairs if f.id == fair.id or _why_not(vendor, f) is None]


def _form_page(form: ApplicationForm, status: int | None = None, **context):
    status = status or (422 if form.errors else 200)
    return render_template("applications/form.html", form=form, **context), status


@entrepreneur_required
def edit(application_id: int):
    application = get_own_application(application_id)
    if application.status not in services.EDITABLE or not services.window_open(application.fair):
        message = _("This application can no longer be changed.")
        status = 200 if request.method == "GET" else 409
        return render_template(
            "applications/cannot_apply.html", fair=application.fair, message=message
        ), status
    form = ApplicationForm(
        services.visible_products(application.vendor),
        obj=application if request.method == "GET" else None,
    )
    if form.validate_on_submit():
        try:
            services.update_application(application, form.choices())
        except Refused as e:
            flash(e.message, "error")
            return _form_page(form, 409, fair=application.fair, application=application)
        db.session.commit()
        flash(_("Your application to %(fair)s was updated.", fair=application.fair.name), "success")
        return redirect(url_for("applications.mine"))
    return _form_page(form, fair=application.fair, application=application)


@entrepreneur_required
def withdraw(application_id: int):
    application = get_own_application(application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.withdraw(application)
    db.session.commit()
    flash(_("You withdrew your application to %(fair)s.", fair=application.fair.name), "success")
    return redirect(url_for("applications.mine"))
