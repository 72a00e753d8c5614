"""Organisers' pages for the booth layout: draw the grid, edit rows and single booths."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fairs.fairs import queries
from fairs.fairs.access import load_booth, load_fair
from fairs.fairs.models import Fair
from fairs.layout import services as layout
from fairs.layout.booth_map import render_booth_map
from fairs.layout.forms import BoothForm, LayoutForm, RowForm
from marketplace.core.auth.access import staff_required
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.forms import show_error


@staff_required
def admin_layout(fair_id: int):
    fair = load_fair(fair_id)
    return _layout_page(fair, LayoutForm(), RowForm())


@staff_required
def admin_generate_layout(fair_id: int):
    fair = load_fair(fair_id)
    form = LayoutForm()
    if form.validate_on_submit():
        try:
            booths = layout.generate_layout(current_user, fair, form.rows.data, form.cols.data)
        except Refused as e:
            db.session.rollback()
            show_error(form, e)
        else:
            db.session.commit()
            flash(_("Layout ready: %(count)s booths.", count=len(booths)), "success")
            return redirect(url_for("layout.admin_layout", fair_id=fair.id))
    return _layout_page(fair, form, RowForm(), 422)


@staff_required
def admin_update_row(fair_id: int):
    fair = load_fair(fair_id)
    form = RowForm()
    form.set_rows(_row_count(fair))
    if form.validate_on_submit():
        try:
            changed = layout.update_row(current_user, fair, form.row.data, form.action.data)
        except Refused as e:
            db.session.rollback()
            show_error(form, e)
        else:
            db.session.commit()
            flash(_("%(count)s booths changed.", count=changed), "success")
            return redirect(url_for("layout.admin_layout", fair_id=fair.id))
    return _layout_page(fair, LayoutForm(formdata=None), form, 422)


@staff_required
def admin_booth(fair_id: int, booth_id: int):
    fair = load_fair(fair_id)
    booth = load_booth(fair, booth_id)
    form = BoothForm(obj=booth)
    if request.method == "GET":
        form.zone.data = booth.zone or ""
    if form.validate_on_submit():
        try:
            layout.update_booth(current_user, booth, form.details())
        except Refused as e:
            db.session.rollback()
            show_error(form, e)
        else:
            db.session.commit()
            flash(_("Booth %(code)s saved.", code=booth.code), "success")
            return redirect(url_for("layout.admin_layout", fair_id=fair.id))
    status = 422 if request.method == "POST" else 200
    occupant = queries.occupants_for_fair(fair.id).get(booth.id)
    return render_template(
        "fairs/admin/booth.html", fair=fair, booth=booth, form=form, occupant=occupant
    ), status


def _layout_page(fair: Fair, layout_form: LayoutForm, row_form: RowForm, status: int = 200):
    row_form.set_rows(_row_count(fair))
    booth_map = render_booth_map(
        fair.booths,
        queries.occupants_for_fair(fair.id),
        lambda booth, _occupant: url_for("layout.admin_booth", fair_id=fair.id, booth_id=booth.id),
        title=_("Booth map of %(fair)s", fair=fair.name),
    )
    return render_template(
        "fairs/admin/layout.html",
        fair=fair,
        booth_map=booth_map,
        layout_form=layout_form,
        row_form=row_form,
        assigned=layout.assigned_count(fair),
    ), status


def _row_count(fair: Fair) -> int:
    return max((b.row for b in fair.booths), default=-1) + 1
