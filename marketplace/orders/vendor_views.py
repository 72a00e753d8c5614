"""The entrepreneur's side of orders: the lines that are theirs, and moving them along."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core import submissions
from marketplace.core.auth.access import entrepreneur_required
from marketplace.core.database import db
from marketplace.orders import services
from marketplace.orders.forms import LineActionForm
from marketplace.orders.models import LineStatus, OrderLine
from vendors.profiles.models import VendorProfile


def own_vendor(user) -> VendorProfile | None:
    return db.session.scalar(
        db.select(VendorProfile).where(
            VendorProfile.user_id == user.id, VendorProfile.deleted_at.is_(None)
        )
    )


def dashboard_orders(user) -> dict:
    """Data for the dashboard panel: how many order lines wait for this entrepreneur."""
    vendor = own_vendor(user) if user.is_authenticated else None
    return {"open": services.open_line_count(vendor.id) if vendor else 0}


def load_own_line(line_id: int) -> OrderLine:
    """A line of the signed-in entrepreneur's own business; anyone else's is a 403."""
    line = db.get_or_404(OrderLine, line_id)
    vendor = own_vendor(current_user)
    if vendor is None or line.vendor_id != vendor.id:
        abort(403)
    return line


@entrepreneur_required
def index():
    if services.expire_reservations():
        db.session.commit()
    vendor = own_vendor(current_user)
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
