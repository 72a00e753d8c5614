"""What the programme owes each entrepreneur for online sales, and what it has paid out.

All sums are integer centavos. The platform fee (PLATFORM_FEE_PERCENT, default 0) is taken per
order line from the line's amount after refunds, rounded half up to the centavo: a line of
L 10.05 at 2.5 % pays a fee of 25.125 → 25 centavos; of L 10.06 → 25.15 → 25; of L 10.10 →
25.25 → 25; of L 10.20 → 25.5 → 26.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import gettext as _

from marketplace.core import audit
from marketplace.core.auth.models import User
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.orders.models import Order, OrderLine, OrderStatus, VendorPayout
from vendors.profiles.models import VendorProfile


@dataclass
class Balance:
    vendor: VendorProfile
    gross: int  # online sales after refunds
    fee: int
    paid_out: int

    @property
    def earned(self) -> int:
        return self.gross - self.fee

    @property
    def owed(self) -> int:
        return self.earned - self.paid_out


def fee_percent() -> Decimal:
    return Decimal(str(current_app.config.get("PLATFORM_FEE_PERCENT") or 0))


def fee_for(amount: int, percent: Decimal) -> int:
    """The platform's fee on `amount` centavos, rounded half up to a whole centavo."""
    return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def balances(vendor_id: int | None = None) -> list[Balance]:
    """One balance per vendor who ever sold online or was paid out, by business name."""
    percent = fee_percent()
    gross: dict[int, int] = {}
    fees: dict[int, int] = {}
    rows = db.session.execute(
        db.select(
            OrderLine.vendor_id,
            (OrderLine.quantity - OrderLine.refunded_quantity) * OrderLine.unit_price,
        )
        .join(Order)
        .where(Order.status == OrderStatus.PAID.value, Order.payment_choice == "online")
        .where(True if vendor_id is None else OrderLine.vendor_id == vendor_id)
    )
    for vid, amount in rows:
        gross[vid] = gross.get(vid, 0) + amount
        fees[vid] = fees.get(vid, 0) + fee_for(amount, percent)
    paid = dict(
        db.session.execute(
            db.select(VendorPayout.vendor_id, db.func.sum(VendorPayout.amount))
            .where(True if vendor_id is None else VendorPayout.vendor_id == vendor_id)
            .group_by(VendorPayout.vendor_id)
        ).all()
    )
    ids = set(gross) | set(paid)
    vendors = db.session.scalars(db.select(VendorProfile).where(VendorProfile.id.in_(ids)))
    result = [
        Balance(v, gross.get(v.id, 0), fees.get(v.id, 0), int(paid.get(v.id) or 0)) for v in vendors
    ]
    return sorted(result, key=lambda b: b.vendor.business_name.lower())


def record_payout(
    vendor_id: int, amount: int, paid_on: date, method: str, reference: str, actor: User
) -> VendorPayout:
    """Record money paid to an entrepreneur; never more than what is owed. The vendor's row is
    locked first, so two organisers recording at once cannot both pay out the same balance."""
    vendor = db.session.scalar(
        db.select(VendorProfile).where(VendorProfile.id == vendor_id).with_for_update()
    )
    owed = next((b.owed for b in balances(vendor.id)), 0)
    if amount <= 0 or amount > owed:
        raise Refused(
            _("This is more than the programme owes this entrepreneur."),
            code="more_than_owed",
            field="amount",
        )
    payout = VendorPayout(
        vendor_id=vendor.id,
        amount=amount,
        paid_on=paid_on,
        method=method,
        reference=reference,
        recorded_by_id=actor.id,
    )
    db.session.add(payout)
    db.session.flush()
    audit.record(actor, "payout.recorded", "vendor", vendor.id, amount=amount)
    return payout


def balances_csv() -> str:
    """Balances for the finance team; amounts in lempiras with two decimals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["vendor_id", "business_name", "online_sales", "fee", "earned", "paid_out", "owed"]
    )
    for b in balances():
        writer.writerow(
            [b.vendor.id, _cell(b.vendor.business_name)]
            + [_lempiras(x) for x in (b.gross, b.fee, b.earned, b.paid_out, b.owed)]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """Spreadsheets run a cell that starts like a formula; a leading apostrophe keeps it text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _lempiras(centavos: int) -> str:
    sign = "-" if centavos < 0 else ""
    whole, cents = divmod(abs(centavos), 100)
    return f"{sign}{whole}.{cents:02d}"
