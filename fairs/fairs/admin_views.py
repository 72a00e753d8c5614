"""Organisers' pages for fairs and circuits: list, create, edit, move the status."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fairs.fairs import queries, services
from fairs.fairs.access import load_circuit, load_fair
from fairs.fairs.forms import CircuitForm, FairForm, StatusForm
from fairs.fairs.models import FAIR_TRANSITIONS, Circuit, Fair, FairStatus
from marketplace.core import submissions
from marketplace.core.auth.access import staff_required
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.forms import show_error
from marketplace.core.inputs import page_number

PAGE_SIZE = 30


@staff_required
def admin_fairs():
    page = db.paginate(
        db.select(Fair).order_by(Fair.starts_on.desc(), Fair.id.desc()),
        page=page_number(strict=False),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("fairs/admin/list.html", page=page)


@staff_required
def admin_new_fair():
    claim = submissions.claim("fair") if request.method == "POST" else None
    form = _fair_form()
    if form.validate_on_submit():
        try:
            fair = services.create_fair(current_user, form.details())
        except Refused as e:
            show_error(form, e)
        else:
            response = submissions.done(
                claim,
                url_for("fairs.admin_fair", fair_id=fair.id),
                _("Fair created as a draft. Draw its booth layout next."),
            )
            db.session.commit()
            return response
    status = 422 if request.method == "POST" else 200
    return render_template("fairs/admin/form.html", form=form, fair=None), status


@staff_required
def admin_fair(fair_id: int):
    fair = load_fair(fair_id)
    return _fair_page(fair, StatusForm())


@staff_required
def admin_edit_fair(fair_id: int):
    fair = load_fair(fair_id)
    form = _fair_form(obj=fair)
    if form.validate_on_submit():
        try:
            services.update_fair(current_user, fair, form.details())
        except Refused as e:
            db.session.rollback()
            show_error(form, e)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("fairs.admin_fair", fair_id=fair.id))
    status = 422 if request.method == "POST" else 200
    return render_template("fairs/admin/form.html", form=form, fair=fair), status


@staff_required
def admin_change_status(fair_id: int):
    fair = load_fair(fair_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.change_status(
                current_user, fair, form.status.data, request.form.get("seen_status")
            )
        except Refused as e:
            db.session.rollback()
            show_error(form, e)
        else:
            db.session.commit()
            flash(_("Status changed to “%(status)s”.", status=services.status_label(fair.status)))
            return redirect(url_for("fairs.admin_fair", fair_id=fair.id))
    return _fair_page(fair, form, 422)


def _fair_page(fair: Fair, status_form: StatusForm, status: int = 200):
    next_statuses = sorted(FAIR_TRANSITIONS[FairStatus(fair.status)], key=list(FairStatus).index)
    return render_template(
        "fairs/admin/fair.html",
        fair=fair,
        status_form=status_form,
        next_statuses=next_statuses,
        status_label=services.status_label,
        occupied=len(queries.occupied_booths(fair.id)),
    ), status


def _fair_form(**kw) -> FairForm:
    form = FairForm(**kw)
    form.set_circuits(db.session.scalars(db.select(Circuit).order_by(Circuit.name)))
    return form


@staff_required
def admin_circuits():
    form = CircuitForm()
    if form.validate_on_submit():
        circuit = services.create_circuit(current_user, form.name.data)
        db.session.commit()
        flash(_("Circuit created. Choose it on each of its fairs' forms."), "success")
        return redirect(url_for("fairs.admin_circuit", circuit_id=circuit.id))
    circuits = db.session.scalars(db.select(Circuit).order_by(Circuit.name)).all()
    status = 422 if request.method == "POST" else 200
    return render_template("fairs/admin/circuits.html", circuits=circuits, form=form), status


@staff_required
def admin_circuit(circuit_id: int):
    circuit = load_circuit(circuit_id)
    return render_template(
        "fairs/admin/circuit.html",
        circuit=circuit,
        attendance=queries.circuit_attendance(circuit),
    )
