"""Sales reports per fair, an entrepreneur's totals per fair, and sales lines for export.

Every figure is aggregated in SQL (SUM, COUNT, GROUP BY): a fair report runs the same handful of
statements whether the fair had ten sales or two hundred thousand. Voided sales never count.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func

from fairs.models import Booth, Fair
from marketplace.exports import Table
from marketplace.extensions import db
from marketplace.sqltime import local_hour
from vendors.models import Sale, VendorProfile
from vendors.sales_report import Line, counted_sales, payment_label, payment_lines
from vendors.taxonomy import CATEGORIES

TOP_VENDORS = 10


@dataclass(frozen=True)
class FairReport:
    total: int
    sales: int
    vendors: int
    by_category: list[Line]
    by_department: list[Line]
    by_payment: list[Line]
    by_hour: list[Line]
    top_vendors: list[Line]

    @property
    def is_empty(self) -> bool:
        return self.sales == 0

    @property
    def average_per_vendor(self) -> int | None:
        """Centavos per vendor who sold, rounded; None when nobody sold (no division by zero)."""
        return round(self.total / self.vendors) if self.vendors else None


def fair_report(fair_id: int) -> FairReport:
    """Six aggregate statements, whatever the number of sales."""
    at_fair = (Sale.fair_id == fair_id, counted_sales())
    total, count, vendors = db.session.execute(
        db.select(
            func.coalesce(func.sum(Sale.total), 0),
            func.count(Sale.id),
            func.count(func.distinct(Sale.vendor_id)),
        ).where(*at_fair)
    ).one()
    return FairReport(
        total=int(total),
        sales=int(count),
        vendors=int(vendors),
        by_category=_lines(_grouped(VendorProfile.category, at_fair, True), category_label),
        by_department=_lines(_grouped(VendorProfile.department, at_fair, True)),
        by_payment=payment_lines(_grouped(Sale.payment_method, at_fair)),
        by_hour=_hour_lines(_grouped(local_hour(Sale.recorded_at), at_fair)),
        top_vendors=_top_vendors(at_fair),
    )


def _grouped(key, where, join_vendor: bool = False):
    stmt = db.select(key, func.sum(Sale.total), func.count(Sale.id)).where(*where)
    if join_vendor:
        stmt = stmt.join(VendorProfile, Sale.vendor_id == VendorProfile.id)
    return db.session.execute(stmt.group_by(key).order_by(func.sum(Sale.total).desc(), key)).all()


def _lines(rows, label=str) -> list[Line]:
    return [Line(label(key), int(t), int(n)) for key, t, n in rows]


def category_label(code: str) -> str:
    return str(CATEGORIES.get(code, code))


def _hour_lines(rows) -> list[Line]:
    """Every hour from the first sale's to the last one's, quiet hours included as zero."""
    found = {int(hour): (int(t), int(n)) for hour, t, n in rows}
    if not found:
        return []
    hours = range(min(found), max(found) + 1)
    return [Line(f"{h:02d}:00", *found.get(h, (0, 0))) for h in hours]


def _top_vendors(where, limit: int = TOP_VENDORS) -> list[Line]:
    stmt = (
        db.select(VendorProfile.business_name, func.sum(Sale.total), func.count(Sale.id))
        .join(VendorProfile, Sale.vendor_id == VendorProfile.id)
        .where(*where)
        .group_by(VendorProfile.id, VendorProfile.business_name)
        .order_by(func.sum(Sale.total).desc(), VendorProfile.business_name)
        .limit(limit)
    )
    return [Line(name, int(t), int(n)) for name, t, n in db.session.execute(stmt)]


def vendor_totals_by_fair(vendor_id: int) -> list[Line]:
    """An entrepreneur's money and number of sales at each fair, latest fair first."""
    stmt = (
        db.select(Fair.name, func.sum(Sale.total), func.count(Sale.id))
        .select_from(Sale)
        .outerjoin(Fair, Sale.fair_id == Fair.id)
        .where(Sale.vendor_id == vendor_id, counted_sales())
        .group_by(Fair.id, Fair.name, Fair.starts_on)
        .order_by(Fair.starts_on.desc().nulls_last(), Fair.id)
    )
    return [
        Line(name if name is not None else _("Outside a fair"), int(t), int(n))
        for name, t, n in db.session.execute(stmt)
    ]


def fair_tables(report: FairReport) -> dict[str, Table]:
    """The report's tables as downloads, by the name used in export URLs."""
    money_and_count = (_("Total (L)"), _("Sales"))
    specs = {
        "categories": (_("Sales by category"), _("Category"), report.by_category),
        "departments": (_("Sales by department"), _("Department"), report.by_department),
        "payment": (_("Sales by payment method"), _("Payment method"), report.by_payment),
        "hours": (_("Sales by hour"), _("Hour"), report.by_hour),
        "vendors": (_("Top entrepreneurs"), _("Business"), report.top_vendors),
    }
    return {
        name: lines_table(title, (first, *money_and_count), lines)
        for name, (title, first, lines) in specs.items()
    }


def lines_table(title: str, headers, lines: list[Line]) -> Table:
    return Table(title, headers, ((ln.label, ln.total, ln.count) for ln in lines), (1,))


def sales_lines(fair_id: int | None = None, vendor_id: int | None = None) -> Table:
    """Every counted sale, oldest first, streamed from a server-side cursor."""
    stmt = (
        db.select(
            Sale.recorded_at,
            VendorProfile.business_name,
            Sale.description,
            Sale.quantity,
            Sale.unit_price,
            Sale.total,
            Sale.payment_method,
            Fair.name,
            Booth.code,
        )
        .join(VendorProfile, Sale.vendor_id == VendorProfile.id)
        .outerjoin(Fair, Sale.fair_id == Fair.id)
        .outerjoin(Booth, Sale.booth_id == Booth.id)
        .where(counted_sales())
        .order_by(Sale.recorded_at, Sale.id)
    )
    if fair_id is not None:
        stmt = stmt.where(Sale.fair_id == fair_id)
    if vendor_id is not None:
        stmt = stmt.where(Sale.vendor_id == vendor_id)
    rows = db.session.execute(stmt, execution_options={"yield_per": 1000})
    headers = (
        _("Date"),
        _("Business"),
        _("Product"),
        _("Quantity"),
        _("Unit price (L)"),
        _("Total (L)"),
        _("Payment method"),
        _("Fair"),
        _("Booth"),
    )
    return Table(_("Sales"), headers, _labelled_payments(rows), (4, 5))


def _labelled_payments(rows):
    for row in rows:
        values = list(row)
        values[6] = payment_label(values[6])
        yield values
