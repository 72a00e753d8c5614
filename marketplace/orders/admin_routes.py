"""Organisers' order pages: list, detail, refunds, and vendor payouts with a CSV for finance."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import payouts
from marketplace.auth.access import staff_required
from marketplace.database import db
from marketplace.orders import paying
from marketplace.orders.forms import PayoutForm, RefundForm
from marketplace.orders.models import Order, OrderLine
from marketplace.orders.services import OrderError
from marketplace.payments import get_provider
from vendors.models import VendorProfile

bp = Blueprint("admin_orders", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.get("/orders")
@staff_required
def index():
    page = db.paginate(
        db.select(Order).order_by(Order.created_at.desc(), Order.id.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("orders/admin_list.html", page=page)


@bp.get("/orders/<id:order_id>")
@staff_required
def detail(order_id):
    order = db.get_or_404(Order, order_id)
    return render_template("orders/admin_detail.html", order=order, form=RefundForm())


@bp.post("/orders/<id:order_id>/refund")
@staff_required
def refund(order_id):
    order = db.get_or_404(Order, order_id)
    form = RefundForm()
    line = db.session.get(OrderLine, form.line_id.data or 0) if form.validate_on_submit() else None
    if line is None or line.order_id != order.id:
        flash(_("Please choose a line and a number of units to refund."), "error")
        return render_template("orders/admin_detail.html", order=order, form=form), 422
    try:
        paying.refund_line(line, form.quantity.data, get_provider(), current_user)
    except OrderError as e:
        db.session.rollback()
        flash(str(e), "error")
        return render_template("orders/admin_detail.html", order=order, form=form), 422
    db.session.commit()
    flash(_("Refund made."), "success")
    return redirect(url_for("admin_orders.detail", order_id=order.id))


@bp.get("/payouts")
@staff_required
def payout_list():
    return render_template(
        "orders/payouts.html",
        balances=payouts.balances(),
        form=PayoutForm(),
        fee=payouts.fee_percent(),
    )


@bp.post("/payouts")
@staff_required
def record_payout():
    form = PayoutForm()
    vendor = (
        db.session.get(VendorProfile, form.vendor_id.data or 0)
        if form.validate_on_submit()
        else None
    )
    if vendor is not None:
        try:
            payouts.record_payout(
                vendor,
                form.amount.data,
                form.paid_on.data,
                form.method.data,
                form.reference.data or "",
                current_user,
            )
        except OrderError as e:
            db.session.rollback()
            form.amount.errors.append(str(e))
        else:
            db.session.commit()
            flash(_("Payout recorded."), "success")
            return redirect(url_for("admin_orders.payout_list"))
    flash(_("The payout was not recorded. Please check the amount and date."), "error")
    return render_template(
        "orders/payouts.html", balances=payouts.balances(), form=form, fee=payouts.fee_percent()
    ), 422


@bp.get("/payouts.csv")
@staff_required
def payouts_csv():
    return Response(
        payouts.balances_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=payout-balances.csv"},
    )
