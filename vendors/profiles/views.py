"""Entrepreneur pages: the dashboard, the profile, claiming an account, exporting and deleting data."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from marketplace.core import dashboards
from marketplace.core.auth.access import entrepreneur_required
from marketplace.core.auth.models import Role
from marketplace.core.auth.views import start_session
from marketplace.core.errors import Refused, error_response
from marketplace.core.extensions import db, limiter
from vendors.photos.images import ImageError, image_error
from vendors.profiles import assisted, privacy
from vendors.profiles.access import get_own_profile
from vendors.profiles.contact import display_phone, public_phone, whatsapp_link
from vendors.profiles.forms import (
    ClaimForm,
    ClaimPasswordForm,
    DeleteAccountForm,
    ProfileForm,
    profile_form,
)
from vendors.profiles.logo import image_url, remove_files, set_logo
from vendors.profiles.services import (
    audit_label,
    category_name,
    complete_profile,
    update_profile,
)


def _register_template_globals(state):
    """Functions every page about vendors may use, the catalogue's included."""
    env = state.app.jinja_env
    env.globals.update(
        category_name=category_name,
        audit_label=audit_label,
        logo_url=image_url,
        whatsapp_link=whatsapp_link,
        public_phone=public_phone,
    )
    env.filters["phone"] = display_phone


def _claim_limit():
    return current_app.config["CLAIM_RATE_LIMIT"]


@entrepreneur_required
def dashboard():
    vendor = get_own_profile(required=False)
    # Until there is a profile the page only asks for one: no panel is gathered.
    return render_template(
        "vendors/dashboard.html",
        vendor=vendor,
        logo=image_url(vendor.logo, 320) if vendor else None,
        panels=dashboards.collect("vendor", vendor) if vendor else [],
    )


def save_profile_form(form: ProfileForm, vendor, owner, actor):
    """Create or update a profile from a valid form, logo included; returns (vendor, old keys).

    Raises Refused or ImageError with a message for the form; the caller rolls back.
    """
    if vendor is None:
        vendor = complete_profile(owner, form.profile_data())
    else:
        update_profile(vendor, form.profile_data(), actor)
    upload = form.logo_file.data
    old_keys = set_logo(vendor, upload.read(), actor) if upload and upload.filename else []
    return vendor, old_keys


def form_failed(form: ProfileForm, error: Refused | ImageError) -> None:
    db.session.rollback()
    if isinstance(error, ImageError):
        form.logo_file.errors = [*form.logo_file.errors, str(error.message)]
    else:
        field = getattr(form, error.field or "business_name")
        field.errors = [*field.errors, error.message]


@entrepreneur_required
def edit_profile():
    vendor = get_own_profile(required=False)
    form = profile_form(vendor)
    if form.validate_on_submit():
        is_new = vendor is None
        try:
            vendor, old_keys = save_profile_form(form, vendor, current_user, current_user)
        except (Refused, ImageError) as e:
            form_failed(form, e)
        else:
            db.session.commit()
            remove_files(old_keys)
            flash(
                _("Thank you! The organisers will verify your profile soon.")
                if is_new
                else _("Your profile is saved."),
                "success",
            )
            return redirect(url_for("vendors.dashboard"))
    status = 422 if form.errors else 200
    return render_template("vendors/profile_form.html", form=form, vendor=vendor), status


def logo_too_large(form: ProfileForm) -> ProfileForm:
    """`form` with the message for a logo over the size limit next to its photo field."""
    form.logo_file.errors = [str(image_error("too_large").message)]
    return form


def too_large(_e):
    """A profile sent with a logo over MAX_CONTENT_LENGTH: the form again with a message
    instead of a bare error page. The body was never read, so a new profile's typed fields are
    lost; a saved one shows its saved values."""
    # With CSRF on, this is raised before the view and its sign-in check have run.
    signed_in = current_user.is_authenticated and current_user.has_role(Role.ENTREPRENEUR)
    if request.endpoint != "vendors.edit_profile" or not signed_in:
        return error_response(413)
    vendor = get_own_profile(required=False)
    form = logo_too_large(profile_form(vendor, saved_only=True))
    return render_template("vendors/profile_form.html", form=form, vendor=vendor), 413


@entrepreneur_required
def export_data():
    archive = privacy.export_data(current_user, get_own_profile(required=False))
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name="mercado-retorno-mis-datos.zip",
    )


@entrepreneur_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            keys = privacy.delete_account(
                current_user, form.password.data, get_own_profile(required=False)
            )
        except Refused as e:
            db.session.rollback()
            form.password.errors.append(e.message)
        else:
            db.session.commit()
            remove_files(keys)
            logout_user()
            session.clear()
            flash(_("Your account and your personal data have been deleted."), "info")
            return redirect(url_for("home.index"))
    status = 422 if form.errors else 200
    return render_template("vendors/delete_account.html", form=form), status


@limiter.limit(_claim_limit, methods=["POST"])
def claim():
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            vendor = assisted.check_claim_code(form.identifier.data, form.code.data)
        except Refused as e:
            form.code.errors.append(e.message)
        else:
            # The second step proves it saw this exact code: a newer code makes it start over.
            session["claim"] = {"vendor_id": vendor.id, "code_hash": vendor.claim_code_hash}
            return redirect(url_for("vendors.claim_password"))
    return render_template("vendors/claim.html", form=form), 422 if form.errors else 200


@limiter.limit(_claim_limit, methods=["POST"])
def claim_password():
    pending = session.get("claim") or {}
    vendor = assisted.claimable_vendor(pending.get("vendor_id"))
    if vendor is None:
        flash(_("Please enter your code first."), "info")
        return redirect(url_for("vendors.claim"))
    form = ClaimPasswordForm()
    if form.validate_on_submit():
        try:
            user = assisted.claim_account(vendor, pending.get("code_hash", ""), form.password.data)
        except Refused as e:
            db.session.rollback()
            session.pop("claim", None)
            flash(str(e), "error")
            return redirect(url_for("vendors.claim"))
        db.session.commit()
        start_session(user)
        flash(_("Your password is saved. Welcome to Mercado Retorno!"), "success")
        return redirect(url_for("vendors.dashboard"))
    status = 422 if form.errors else 200
    return render_template("vendors/claim_password.html", form=form, vendor=vendor), status
