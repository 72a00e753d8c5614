"""The entrepreneur's side of orders: the lines that are theirs, and moving them along."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core import submissions
from marketplace.core.auth.access import entrepreneur_required
from marketplace.core.database import db
from marketplace.orders import services
from marketplace.orders.access import load_own_line
from marketplace.orders.forms import LineActionForm
from marketplace.orders.models import LineStatus
from vendors.profiles.models import VendorProfile
from vendors.profiles.services import find_profile


def dashboard_orders(vendor: VendorProfile) -> dict:
    """Data for the dashboard panel: how many order lines wait for this entrepreneur."""
    return {"open": services.open_line_count(vendor.id)}


@entrepreneur_required
def index():
    vendor = find_profile(current_user)
    lines = services.vendor_lines(vendor.id) if vendor else []
    return render_template("orders/vendor_orders.html", lines=lines, form=LineActionForm())


@entrepreneur_required
def move_line(line_id):
    claim = submissions.claim("order-line")
    load_own_line(line_id)
    form = LineActionForm()
    if not form.validate_on_submit():
        flash(_("Please choose a valid step."), "error")
        return redirect(url_for("vendor_orders.index"))
    line = services.move_line(
        line_id,
        LineStatus(form.action.data),
        current_user,
        form.reason.data or "",
        form.method.data,
    )
    response = submissions.done(
        claim, url_for("vendor_orders.index"), _("Order %(code)s updated.", code=line.order.code)
    )
    db.session.commit()
    return response
