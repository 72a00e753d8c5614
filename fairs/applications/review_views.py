"""Organisers' side of fair applications: review, decide, and assign booths.

Registered on the "applications" blueprint (fairs/applications/views.py).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from fairs.applications import queries, services
from fairs.applications.forms import ActionForm, ConfirmPlanForm, DecisionForm
from fairs.applications.mail import notify_decision
from fairs.applications.models import Application, ApplicationStatus
from fairs.applications.services import DECISIONS, STATUS_LABELS
from fairs.assignment import booking
from fairs.assignment.auto import (
    REASON_LABELS,
    PlanChanged,
    preview_auto_assignment,
    save_auto_assignment,
)
from fairs.fairs.access import form_id, form_ids, load_application, load_fair
from fairs.fairs.models import Fair
from fairs.fairs.queries import occupants_for_fair
from fairs.layout.booth_map import render_booth_map
from fairs.layout.models import Booth
from marketplace.core import submissions
from marketplace.core.auth.access import staff_required
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.inputs import page_number, to_id
from vendors.taxonomy import CATEGORIES, DEPARTMENTS

PAGE_SIZE = 50
#: The hidden field with the booth the organiser saw the application hold ("" for none).
SEEN_BOOTH = "seen_booth_id"


@staff_required
def review(fair_id: int):
    fair = load_fair(fair_id)
    filters = queries.review_filters(request.args)
    page = db.paginate(
        queries.review_query(fair, filters),
        page=page_number(strict=False),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "applications/review.html",
        fair=fair,
        page=page,
        filters=filters,
        counts=queries.status_counts(fair),
        form=DecisionForm(),
        labels=STATUS_LABELS,
        categories=CATEGORIES,
        departments=DEPARTMENTS,
    )


@staff_required
def decide_many(fair_id: int):
    fair = load_fair(fair_id)
    form = DecisionForm()
    back = redirect(url_for("applications.review", fair_id=fair.id, **_kept_filters()))
    ids = form_ids("application_ids")
    if not form.validate_on_submit():
        flash(_("Choose approve, waiting list or reject."), "error")
        return back
    if not ids:
        flash(_("Tick at least one application."), "error")
        return back
    result = services.bulk_decide(
        current_user, fair, ids, form.decision.data, form.reason.data or ""
    )
    db.session.commit()
    for application in result.changed:
        notify_decision(application)
    if result.changed:
        flash(_changed_message(len(result.changed), form.decision.data), "success")
    if result.skipped:
        n = len(result.skipped)
        flash(
            ngettext(
                "%(num)d application could not be changed: its current status does not allow it.",
                "%(num)d applications could not be changed: their current status does not allow it.",
                n,
            ),
            "error",
        )
    return back


def _kept_filters() -> dict[str, str]:
    return queries.review_filters(request.form)


def _changed_message(n: int, status: str) -> str:
    return ngettext(
        "%(num)d application is now “%(status)s”.",
        "%(num)d applications are now “%(status)s”.",
        n,
        status=STATUS_LABELS[status],
    )


@staff_required
def detail(fair_id: int, application_id: int):
    fair = load_fair(fair_id)
    application = load_application(fair, application_id)
    free_booths = booking.free_booths_for(application)
    return render_template(
        "applications/detail.html",
        fair=fair,
        application=application,
        products=queries.products_of(application),
        free_booths=free_booths,
        chosen_booth=to_id(request.args.get("booth")),
        booth_map=_picking_map(fair, application, {b.id for b in free_booths}),
        partners=queries.swap_partners(application),
        history=queries.decisions_of(application),
        form=DecisionForm(),
        action_form=ActionForm(),
        labels=STATUS_LABELS,
        decisions=DECISIONS,
        categories=CATEGORIES,
    )


def _picking_map(fair: Fair, application: Application, free_ids: set[int]):
    """The fair's booth map; each free booth that fits links back here with it preselected
    (a link only chooses; the organiser still saves with the button)."""
    if application.status != ApplicationStatus.APPROVED.value or not fair.booths:
        return None

    def booth_url(booth: Booth, _occupant) -> str | None:
        if booth.id not in free_ids:
            return None
        url = url_for(
            "applications.detail", fair_id=fair.id, application_id=application.id, booth=booth.id
        )
        return f"{url}#booth-form"

    return render_booth_map(
        fair.booths, occupants_for_fair(fair.id), booth_url, title=_("Booth map"), id_prefix="pick"
    )


@staff_required
def decide(fair_id: int, application_id: int):
    fair = load_fair(fair_id)
    application = load_application(fair, application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        errors = form.decision.errors or form.reason.errors
        flash(" ".join(str(e) for e in errors) or _("Please try again."), "error")
        return _to_detail(application)
    services.decide(
        current_user,
        application,
        form.decision.data,
        form.reason.data or "",
        request.form.get("seen_status"),
    )
    db.session.commit()
    notify_decision(application)
    flash(_changed_message(1, application.status), "success")
    return _to_detail(application)


@staff_required
def assign(fair_id: int, application_id: int):
    fair = load_fair(fair_id)
    application = load_application(fair, application_id)
    claim = submissions.claim("booth")
    _check_action_form()
    booth = db.session.get(Booth, form_id("booth_id") or 0)
    if booth is None:
        raise Refused(_("Choose a booth."), code="no_booth", status=400)
    booking.assign_booth(current_user, application, booth, _seen_booth(application))
    return _booked(claim, application)


@staff_required
def unassign(fair_id: int, application_id: int):
    fair = load_fair(fair_id)
    application = load_application(fair, application_id)
    claim = submissions.claim("booth")
    _check_action_form()
    booking.unassign(current_user, application, _seen_booth(application))
    return _booked(claim, application)


@staff_required
def swap(fair_id: int, application_id: int):
    fair = load_fair(fair_id)
    application = load_application(fair, application_id)
    claim = submissions.claim("booth")
    _check_action_form()
    other = load_application(fair, form_id("other_id"))
    booking.swap(current_user, application, other)
    return _booked(claim, application)


def _check_action_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _seen_booth(application: Application):
    """The booth the page showed the application holding, so a change made meanwhile by
    someone else is refused rather than overwritten; pages without the field act on now."""
    if SEEN_BOOTH not in request.form:
        return booking.AS_READ
    return form_id(SEEN_BOOTH)


def _booked(claim, application: Application):
    response = submissions.done(claim, _detail_url(application), _("Booths saved."))
    db.session.commit()
    return response


def _to_detail(application: Application):
    return redirect(_detail_url(application))


def _detail_url(application: Application) -> str:
    return url_for(
        "applications.detail", fair_id=application.fair_id, application_id=application.id
    )


@staff_required
def auto_assign(fair_id: int):
    fair = load_fair(fair_id)
    claim = submissions.claim("auto_assignment") if request.method == "POST" else None
    form = ConfirmPlanForm()
    if not form.validate_on_submit():
        return _preview_page(fair, preview_auto_assignment(fair))
    try:
        preview = save_auto_assignment(current_user, fair, form.digest.data)
    except PlanChanged as e:
        flash(
            _(
                "Applications or booths changed since you looked at the plan. Here is the new plan: please check it again."
            ),
            "error",
        )
        return _preview_page(fair, e.preview, status=409)
    message = ngettext("%(num)d booth assigned.", "%(num)d booths assigned.", len(preview.placed))
    response = submissions.done(claim, url_for("applications.review", fair_id=fair.id), message)
    db.session.commit()
    return response


def _preview_page(fair: Fair, preview, status: int = 200):
    return render_template(
        "applications/auto_preview.html",
        fair=fair,
        preview=preview,
        form=ConfirmPlanForm(formdata=None, digest=preview.digest),
        reasons=REASON_LABELS,
        categories=CATEGORIES,
    ), status
