"""Organisers' pages about entrepreneurs: the verification queue, decisions, assisted registration."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core import audit, submissions
from marketplace.core.auth.access import staff_required
from marketplace.core.errors import Refused, error_response
from marketplace.core.extensions import db
from marketplace.core.inputs import page_number
from vendors.photos.images import ImageError
from vendors.profiles import assisted
from vendors.profiles.access import get_vendor_for_staff
from vendors.profiles.forms import (
    AssistedRegistrationForm,
    ClaimCodeForm,
    RejectForm,
    StaffProfileForm,
    profile_form,
)
from vendors.profiles.logo import remove_files, set_logo
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.profiles.services import notify_decision, reject_vendor, verify_vendor
from vendors.profiles.views import form_failed, logo_too_large, save_profile_form

PAGE_SIZE = 30
FILTERS = ("pending", "verified", "rejected", "all")


def pending_vendor_count() -> int:
    """For the organiser panel: how many profiles wait for a decision."""
    return db.session.scalar(
        db.select(db.func.count(VendorProfile.id)).where(
            VendorProfile.status == VendorStatus.PENDING.value, VendorProfile.deleted_at.is_(None)
        )
    )


@staff_required
def queue():
    status = request.args.get("status", "pending")
    if status not in FILTERS:
        status = "pending"
    stmt = db.select(VendorProfile).where(VendorProfile.deleted_at.is_(None))
    if status != "all":
        stmt = stmt.where(VendorProfile.status == status)
    # Oldest first: whoever has waited longest is verified first.
    page = db.paginate(
        stmt.order_by(VendorProfile.created_at, VendorProfile.id),
        page=page_number(),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("admin/vendors/queue.html", page=page, status=status, filters=FILTERS)


def _detail(vendor, reject_form=None, status=200):
    page = render_template(
        "admin/vendors/detail.html",
        vendor=vendor,
        history=audit.history("vendor", vendor.id),
        reject_form=reject_form or RejectForm(),
        code_form=ClaimCodeForm(),
        claimable=assisted.is_claimable(vendor),
    )
    return page, status


@staff_required
def detail(vendor_id: int):
    return _detail(get_vendor_for_staff(vendor_id))


@staff_required
def verify(vendor_id: int):
    once = submissions.claim("vendor.decision")
    vendor = get_vendor_for_staff(vendor_id, for_update=True)
    verify_vendor(vendor, current_user, seen=request.form.get("seen_status"))
    response = submissions.done(
        once,
        url_for("vendor_admin.queue"),
        _("%(name)s is verified.", name=vendor.business_name),
    )
    db.session.commit()
    notify_decision(vendor)
    return response


@staff_required
def reject(vendor_id: int):
    once = submissions.claim("vendor.decision")
    vendor = get_vendor_for_staff(vendor_id, for_update=True)
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail(vendor, form, status=422)
    reject_vendor(vendor, current_user, form.reason.data, seen=request.form.get("seen_status"))
    response = submissions.done(
        once,
        url_for("vendor_admin.queue"),
        _("%(name)s was rejected; we told them why.", name=vendor.business_name),
    )
    db.session.commit()
    notify_decision(vendor)
    return response


@staff_required
def edit(vendor_id: int):
    vendor = get_vendor_for_staff(vendor_id)
    form = profile_form(vendor, StaffProfileForm)
    if form.validate_on_submit():
        try:
            old_keys = save_profile_form(form, vendor, vendor.user, current_user)[1]
        except (Refused, ImageError) as e:
            form_failed(form, e)
        else:
            db.session.commit()
            remove_files(old_keys)
            flash(_("The profile is saved."), "success")
            return redirect(url_for("vendor_admin.detail", vendor_id=vendor.id))
    status = 422 if form.errors else 200
    return render_template("admin/vendors/edit.html", form=form, vendor=vendor), status


@staff_required
def register():
    form = AssistedRegistrationForm()
    if form.validate_on_submit():
        try:
            vendor, code = assisted.register_assisted(
                current_user, form.name.data, form.email.data, form.profile_data()
            )
            upload = form.logo_file.data
            if upload and upload.filename:
                set_logo(vendor, upload.read(), current_user)
        except (Refused, ImageError) as e:  # the e-mail is taken, a profile rule, the logo
            form_failed(form, e)
        else:
            db.session.commit()
            return _show_code(vendor, code, form.send_email.data)
    status = 422 if form.errors else 200
    return render_template("admin/vendors/register.html", form=form), status


def too_large(_e):
    """An organiser's profile form sent with a logo over MAX_CONTENT_LENGTH: the form again
    with a message (the body was never read: an edited profile shows its saved values, a new
    registration starts empty)."""
    staff = current_user.is_authenticated and current_user.is_staff
    if request.endpoint == "vendor_admin.edit" and staff:
        vendor = get_vendor_for_staff(request.view_args["vendor_id"])
        form = logo_too_large(profile_form(vendor, StaffProfileForm, saved_only=True))
        return render_template("admin/vendors/edit.html", form=form, vendor=vendor), 413
    if request.endpoint == "vendor_admin.register" and staff:
        form = logo_too_large(AssistedRegistrationForm(formdata=None))
        return render_template("admin/vendors/register.html", form=form), 413
    return error_response(413)


def _show_code(vendor, code: str, send_email: bool):
    """Keep the fresh code for one showing of the printable page (it is stored only hashed)."""
    if send_email:
        assisted.send_claim_mail(vendor, _claim_text(vendor, code))
    session["claim_code"] = {"vendor_id": vendor.id, "code": code}
    return redirect(url_for("vendor_admin.claim_code", vendor_id=vendor.id))


def _claim_text(vendor, code: str) -> str:
    return assisted.claim_message(vendor, code, url_for("vendors.claim", _external=True))


@staff_required
def claim_code(vendor_id: int):
    vendor = get_vendor_for_staff(vendor_id)
    shown = session.pop("claim_code", None) or {}
    code = shown.get("code") if shown.get("vendor_id") == vendor.id else None
    message = _claim_text(vendor, code) if code else None
    return render_template(
        "admin/vendors/claim_code.html",
        vendor=vendor,
        code=code,
        message=message,
        whatsapp=assisted.claim_whatsapp_link(vendor, message) if message else None,
        form=ClaimCodeForm(),
        claimable=assisted.is_claimable(vendor),
    )


@staff_required
def new_claim_code(vendor_id: int):
    vendor = get_vendor_for_staff(vendor_id, for_update=True)
    form = ClaimCodeForm()
    code = assisted.new_claim_code(vendor, current_user)
    db.session.commit()
    return _show_code(vendor, code, form.send_email.data)
