"""The sales screen at the booth (/me/sell) and its service worker. Thin: parse, call, render."""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core.auth.access import entrepreneur_required
from marketplace.core.errors import Refused, error_response
from marketplace.core.extensions import db
from vendors.profiles.services import find_profile
from vendors.sales import ledger
from vendors.sales.forms import SaleForm, VoidForm, new_client_key
from vendors.sales.queries import (
    sellable_products,
    todays_sales,
)
from vendors.sales.report import today_total


@entrepreneur_required
def screen():
    vendor = find_profile(current_user)
    if vendor is None:
        return render_template("vendors/sell_no_profile.html")
    return _render(vendor, SaleForm(client_key=new_client_key()))


@entrepreneur_required
def record():
    vendor = _own_vendor()
    form = SaleForm()
    products = {p.id: p for p in sellable_products(vendor)}
    if form.validate_on_submit():
        try:
            sale, _created = ledger.record_sale(vendor, form.to_input(products))
        except Refused as refused:
            db.session.rollback()
            form.show_refusal(refused)
        else:
            db.session.commit()
            flash(_("Sale recorded: %(what)s.", what=sale.description), "success")
            return redirect(url_for(".screen"), 303)
    return _render(vendor, form), 422


@entrepreneur_required
def void(sale_id: int):
    vendor = _own_vendor()
    form = VoidForm()
    try:
        sale = ledger.get_own_sale(vendor, sale_id)
        ledger.void_sale(sale, current_user, form.reason.data or "")
    except Refused as refused:
        db.session.rollback()
        if refused.status == 404:
            return error_response(404, refused.message)
        page = _render(vendor, SaleForm(client_key=new_client_key()), refused.message)
        return page, 422 if refused.status == 400 else refused.status
    db.session.commit()
    flash(_("The sale was voided and its units are back in stock."), "success")
    return redirect(url_for(".screen"), 303)


@entrepreneur_required
def today():
    """Today's list alone, so the script can refresh it after sending queued sales."""
    vendor = _own_vendor()
    return render_template("vendors/_sales_today.html", **_today(vendor))


def service_worker():
    """Served from the root so it may control /me/sell; the header states that scope."""
    response = send_from_directory(current_app.static_folder, "sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = url_for(".screen")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _own_vendor():
    vendor = find_profile(current_user)
    if vendor is None:
        abort(403)
    return vendor


def _today(vendor) -> dict:
    today = today_total(vendor.id)
    return {
        "sales": todays_sales(vendor),
        "count": today.count,
        "total": today.total,
        "void_form": VoidForm(),
    }


def _render(vendor, form: SaleForm, void_error: str | None = None):
    return render_template(
        "vendors/sell.html",
        form=form,
        products=sellable_products(vendor),
        void_error=void_error,
        **_today(vendor),
    )
