"""Sales reports per fair, an entrepreneur's totals per fair, and sales lines for export.

Every figure is aggregated in SQL (SUM, COUNT, GROUP BY): a fair report runs the same two
statements whether the fair had ten sales or two hundred thousand. Voided sales never count.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func

from fairs.fairs.models import Fair
from fairs.layout.models import Booth
from marketplace.core.exports import Table
from marketplace.core.extensions import db
from marketplace.core.sqltime import local_hour
from vendors.profiles.models import VendorProfile
from vendors.sales.models import Sale
from vendors.sales.report import (
    Line,
    best_products,
    by_payment,
    counted_sales,
    payment_label,
    payment_lines,
)
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
    """Two aggregate statements, whatever the number of sales.

    The database sums the sales per vendor (one row per vendor who sold, a few dozen at a fair)
    and per payment method and local hour (at most 5 × 24 rows). Totals, categories,
    departments, the top list, payment methods and hours are then added up from those few rows
    instead of reading the fair's sales once more for each of them.
    """
    at_fair = (Sale.fair_id == fair_id, counted_sales())
    vendors = _vendor_totals(at_fair)
    slots = _payment_hour_totals(at_fair)
    return FairReport(
        total=sum(v.total for v in vendors),
        sales=sum(v.count for v in vendors),
        vendors=len(vendors),
        by_category=_lines(
            _roll_up((category_label(v.category), v.total, v.count) for v in vendors)
        ),
        by_department=_lines(_roll_up((v.department, v.total, v.count) for v in vendors)),
        by_payment=payment_lines(_roll_up((method, t, n) for method, _h, t, n in slots)),
        by_hour=_hour_lines(_roll_up((hour, t, n) for _m, hour, t, n in slots)),
        top_vendors=[Line(v.business_name, v.total, v.count) for v in vendors[:TOP_VENDORS]],
    )


@dataclass(frozen=True)
class _VendorTotal:
    business_name: str
    category: str
    department: str
    total: int
    count: int


def _vendor_totals(where) -> list[_VendorTotal]:
    """Money and number of sales per vendor, largest first (summed before joining vendors)."""
    per_vendor = (
        db.select(
            Sale.vendor_id.label("vendor_id"),
            func.sum(Sale.total).label("total"),
            func.count().label("sales"),
        )
        .where(*where)
        .group_by(Sale.vendor_id)
        .subquery()
    )
    stmt = (
        db.select(
            VendorProfile.business_name,
            VendorProfile.category,
            VendorProfile.department,
            per_vendor.c.total,
            per_vendor.c.sales,
        )
        .join(per_vendor, per_vendor.c.vendor_id == VendorProfile.id)
        .order_by(per_vendor.c.total.desc(), VendorProfile.business_name, VendorProfile.id)
    )
    return [
        _VendorTotal(name, category, department, int(total), int(count))
        for name, category, department, total, count in db.session.execute(stmt)
    ]


def _roll_up(rows) -> list[tuple]:
    """(key, money, count) rows added up per key, largest money first."""
    sums: dict = {}
    for key, total, count in rows:
        money_and_count = sums.setdefault(key, [0, 0])
        money_and_count[0] += total
        money_and_count[1] += count
    return sorted(((k, t, n) for k, (t, n) in sums.items()), key=lambda r: (-r[1], str(r[0])))


def _payment_hour_totals(where) -> list[tuple[str, int, int, int]]:
    """(payment method, local hour, money, number of sales) for each pair that had sales."""
    hour = local_hour(Sale.recorded_at)
    stmt = (
        db.select(Sale.payment_method, hour, func.sum(Sale.total), func.count())
        .where(*where)
        .group_by(Sale.payment_method, hour)
    )
    return [(method, int(h), int(t), int(n)) for method, h, t, n in db.session.execute(stmt)]


def _lines(rows) -> list[Line]:
    return [Line(label, total, count) for label, total, count in rows]


def category_label(code: str) -> str:
    return str(CATEGORIES.get(code, code))


def _hour_lines(rows) -> list[Line]:
    """Every hour from the first sale's to the last one's, quiet hours included as zero."""
    found = {int(hour): (int(t), int(n)) for hour, t, n in rows}
    if not found:
        return []
    hours = range(min(found), max(found) + 1)
    return [Line(f"{h:02d}:00", *found.get(h, (0, 0))) for h in hours]


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


def fair_table(fair_id: int, name: str) -> Table:
    """One download of a fair's report: "sales" (every line) or one of fair_tables()."""
    if name == "sales":
        return sales_lines(fair_id=fair_id)
    return fair_tables(fair_report(fair_id))[name]


def vendor_table(vendor_id: int, name: str) -> Table:
    """One download of an entrepreneur's own figures: "sales", "fairs", "products", "payment"."""
    if name == "sales":
        return sales_lines(vendor_id=vendor_id)
    specs = {
        "fairs": (_("Sales by fair"), _("Fair"), _("Sales"), vendor_totals_by_fair),
        "products": (_("Best-selling products"), _("Product"), _("Units"), best_products),
        "payment": (_("Sales by payment method"), _("Payment method"), _("Sales"), by_payment),
    }
    title, first, count_header, load = specs[name]
    return lines_table(title, (first, _("Total (L)"), count_header), load(vendor_id))


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
    return Table(_("Sales"), headers, _streamed_rows(stmt), (4, 5))


def _streamed_rows(stmt):
    """Rows a thousand at a time from a server-side cursor, opened only once a download starts
    reading and closed even if the person cancels it half-way."""
    result = db.session.execute(stmt, execution_options={"yield_per": 1000})
    try:
        for row in result:
            values = list(row)
            values[6] = payment_label(values[6])
            yield values
    finally:
        result.close()
