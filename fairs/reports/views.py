"""Report pages and downloads: an entrepreneur's own sales, a fair's, and the impact report.

The blueprint lives with the fairs because its pages combine fair and vendor figures (fairs may
read vendors, never the other way round).
"""

from flask import abort, render_template, request, url_for
from flask_login import current_user

from fairs.fairs.access import load_fair
from fairs.fairs.models import Fair, FairStatus
from fairs.reports.fair_sales import fair_report, fair_table, vendor_table, vendor_totals_by_fair
from fairs.reports.impact import impact_report, impact_tables, parse_period
from marketplace.core.auth.access import entrepreneur_required, staff_required
from marketplace.core.charts import bar_chart
from marketplace.core.exports import export_response
from marketplace.core.extensions import db
from marketplace.core.i18n import format_money
from marketplace.core.timeutil import local_today
from vendors.profiles.models import VendorProfile
from vendors.profiles.services import find_profile
from vendors.sales.report import best_products, by_payment, today_total

#: Seconds between refreshes of a live fair's figures.
LIVE_REFRESH_SECONDS = 30


def _register_globals(state) -> None:
    state.app.jinja_env.globals.update(
        money_chart=money_chart,
        export_links=export_links,
    )


def export_links(endpoint: str, **values) -> dict[str, str]:
    return {fmt: url_for(endpoint, fmt=fmt, **values) for fmt in ("csv", "xlsx")}


def money_chart(lines, title: str):
    return bar_chart([(line.label, line.total) for line in lines], format_money, title)


def reports_today_total(vendor: VendorProfile):
    """For the entrepreneur's dashboard panel: today's figures."""
    return today_total(vendor.id)


def report_fairs(limit: int = 8) -> list[Fair]:
    """For the organiser's dashboard panel: the fairs most worth a report, latest first."""
    shown = (FairStatus.LIVE.value, FairStatus.FINISHED.value, FairStatus.CLOSED.value)
    stmt = (
        db.select(Fair).where(Fair.status.in_(shown)).order_by(Fair.starts_on.desc()).limit(limit)
    )
    return list(db.session.scalars(stmt))


@entrepreneur_required
def mine():
    vendor = find_profile(current_user)
    if vendor is None:
        return render_template("reports/mine.html", vendor=None)
    return render_template(
        "reports/mine.html",
        vendor=vendor,
        today=today_total(vendor.id),
        fairs=vendor_totals_by_fair(vendor.id),
        products=best_products(vendor.id),
        payments=by_payment(vendor.id),
    )


@entrepreneur_required
def my_export(table: str, fmt: str):
    vendor = find_profile(current_user)
    if vendor is None:
        abort(404)
    return export_response(vendor_table(vendor.id, table), f"mis-ventas-{table}", fmt)


@staff_required
def fair(fair_id: int):
    fair = load_fair(fair_id)
    return render_template(
        "reports/fair.html",
        fair=fair,
        report=fair_report(fair.id),
        live=fair.status == FairStatus.LIVE.value,
        refresh_seconds=LIVE_REFRESH_SECONDS,
    )


@staff_required
def fair_figures(fair_id: int):
    """Just the figures, for the live page to swap in without reloading."""
    fair = load_fair(fair_id)
    return render_template("reports/_fair_figures.html", fair=fair, report=fair_report(fair.id))


@staff_required
def fair_export(fair_id: int, table: str, fmt: str):
    fair = load_fair(fair_id)
    return export_response(fair_table(fair.id, table), f"feria-{fair.slug}-{table}", fmt)


@staff_required
def impact():
    period, errors = parse_period(request.args, local_today())
    fair = load_fair(period.fair_id) if period.fair_id is not None else None
    fairs = db.session.scalars(db.select(Fair).order_by(Fair.starts_on.desc(), Fair.id))
    return render_template(
        "reports/impact.html",
        period=period,
        errors=errors,
        fair=fair,
        fairs=list(fairs),
        report=impact_report(period),
    )


@staff_required
def impact_export(table: str, fmt: str):
    period, _errors = parse_period(request.args, local_today())
    if period.fair_id is not None:
        load_fair(period.fair_id)
    data = impact_tables(impact_report(period))[table]
    return export_response(data, f"impacto-{period.start}-{period.end}-{table}", fmt)
