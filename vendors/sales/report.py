"""An entrepreneur's own sales figures, aggregated in SQL. Voided sales never count.

The per-fair breakdown needs fair names, so it lives with the fairs (fairs.reports.fair_sales); this module
only reads the sales ledger and the entrepreneur's own profile.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from marketplace.core.extensions import db
from marketplace.core.sqltime import utc_bounds
from marketplace.core.timeutil import local_today
from vendors.sales.models import Sale

#: Payment method code -> label, in the order reports list them.
PAYMENT_LABELS = {
    "cash": _l("Cash"),
    "card": _l("Card"),
    "transfer": _l("Bank transfer"),
    "online": _l("Online"),
    "other": _l("Other payment"),
}

TOP_PRODUCTS = 10


@dataclass(frozen=True)
class Line:
    """One row of a report table: what, how much money (centavos), how many."""

    label: str
    total: int
    count: int


def payment_label(code: str) -> str:
    return str(PAYMENT_LABELS.get(code, code))


def counted_sales():
    """The condition every report applies: voided sales never count."""
    return Sale.voided_at.is_(None)


def today_total(vendor_id: int) -> Line:
    """Money and number of sales today, Tegucigalpa's calendar day."""
    start, end = utc_bounds(local_today(), local_today())
    total, count = db.session.execute(
        db.select(func.coalesce(func.sum(Sale.total), 0), func.count(Sale.id)).where(
            Sale.vendor_id == vendor_id,
            counted_sales(),
            Sale.recorded_at >= start,
            Sale.recorded_at < end,
        )
    ).one()
    return Line("", int(total), int(count))


def best_products(vendor_id: int, limit: int = TOP_PRODUCTS) -> list[Line]:
    """What sold best, by money taken; `count` here is the number of units."""
    stmt = (
        db.select(Sale.description, func.sum(Sale.total), func.sum(Sale.quantity))
        .where(Sale.vendor_id == vendor_id, counted_sales())
        .group_by(Sale.description)
        .order_by(func.sum(Sale.total).desc(), Sale.description)
        .limit(limit)
    )
    return [Line(d, int(t), int(q)) for d, t, q in db.session.execute(stmt)]


def by_payment(vendor_id: int) -> list[Line]:
    stmt = (
        db.select(Sale.payment_method, func.sum(Sale.total), func.count(Sale.id))
        .where(Sale.vendor_id == vendor_id, counted_sales())
        .group_by(Sale.payment_method)
    )
    return payment_lines(db.session.execute(stmt))


def payment_lines(rows) -> list[Line]:
    """(code, total, count) rows -> labelled lines, largest first."""
    lines = [Line(payment_label(code), int(t), int(c)) for code, t, c in rows]
    return sorted(lines, key=lambda line: -line.total)
