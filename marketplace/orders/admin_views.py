"""Organisers' order pages: list, detail, refunds, and vendor payouts with a CSV for finance."""

from flask import Response, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core import submissions
from marketplace.core.auth.access import staff_required
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.core.inputs import page_number, to_id
from marketplace.orders import paying, payouts
from marketplace.orders.access import load_order_for_staff
from marketplace.orders.forms import PayoutForm, RefundForm
from marketplace.orders.models import Order
from marketplace.payments import get_provider
from vendors.profiles.models import VendorProfile

PAGE_SIZE = 50


@staff_required
def index():
    page = db.paginate(
        db.select(Order).order_by(Order.created_at.desc(), Order.id.desc()),
        page=page_number(strict=False),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("orders/admin_list.html", page=page)


@staff_required
def detail(order_id):
    order = load_order_for_staff(order_id)
    return render_template("orders/admin_detail.html", order=order, form=RefundForm())


@staff_required
def refund(order_id):
    claim = submissions.claim("order-refund")
    order = load_order_for_staff(order_id)
    form = RefundForm()
    line_id = to_id(form.line_id.data) if form.validate_on_submit() else None
    if line_id is None:
        flash(_("Please choose a line and a number of units to refund."), "error")
        return render_template("orders/admin_detail.html", order=order, form=form), 422
    paying.refund_line(order.id, line_id, form.quantity.data, get_provider(), current_user)
    response = submissions.done(
        claim, url_for("admin_orders.detail", order_id=order.id), _("Refund made.")
    )
    db.session.commit()
    return response


@staff_required
def payout_list():
    return render_template(
        "orders/payouts.html",
        balances=payouts.balances(),
        form=PayoutForm(),
        fee=payouts.fee_percent(),
    )


@staff_required
def record_payout():
    claim = submissions.claim("payout")
    form = PayoutForm()
    vendor_id = to_id(form.vendor_id.data) if form.validate_on_submit() else None
    vendor = db.session.get(VendorProfile, vendor_id) if vendor_id else None
    if vendor is not None:
        try:
            payouts.record_payout(
                vendor.id,
                form.amount.data,
                form.paid_on.data,
                form.method.data,
                form.reference.data or "",
                current_user,
            )
        except Refused as e:
            # Shown next to the amount, with the form as it was sent.
            db.session.rollback()
            form.amount.errors.append(e.message)
        else:
            response = submissions.done(
                claim, url_for("admin_orders.payout_list"), _("Payout recorded.")
            )
            db.session.commit()
            return response
    flash(_("The payout was not recorded. Please check the amount and date."), "error")
    return render_template(
        "orders/payouts.html", balances=payouts.balances(), form=form, fee=payouts.fee_percent()
    ), 422


@staff_required
def payouts_csv():
    return Response(
        payouts.balances_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=payout-balances.csv"},
    )
