"""Demo sales: a few hundred sales at the most recent finished fair, as a busy day would leave.

Fairs are read by table name (this package never imports fairs). Idempotent: each vendor's demo
sales carry deterministic client keys, and a vendor who has them already is left alone.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, Time, text

from marketplace.core.extensions import db
from marketplace.core.timeutil import LOCAL_TZ, local_today
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile
from vendors.sales.models import Sale

TOTAL_SALES = 300
PAYMENT_MIX = (("cash", 65), ("transfer", 18), ("card", 12), ("other", 5))
QUANTITY_MIX = ((1, 70), (2, 20), (3, 7), (5, 3))
#: For vendors without products yet: (what, price in centavos).
LOOSE_ITEMS = (
    ("Pulsera tejida", 80_00),
    ("Bolsa de café molido 250 g", 120_00),
    ("Rosquillas (bolsa)", 50_00),
    ("Llavero de madera", 40_00),
    ("Jabón artesanal", 60_00),
)


def load_demo_sales() -> list[str]:
    vendors = list(
        db.session.scalars(
            db.select(VendorProfile)
            .where(VendorProfile.deleted_at.is_(None))
            .order_by(VendorProfile.id)
        )
    )
    if not vendors:
        return ["Demo sales: no vendors yet, none recorded."]
    fair = _last_finished_fair()
    booths = _booths_at(fair["id"]) if fair else {}
    # Those who had a booth sold there; if the fair has no applications yet, everyone did.
    sellers = [v for v in vendors if v.id in booths] or vendors
    day = fair["starts_on"] if fair else _last_saturday(local_today())
    hours = (fair["opens_at"] or time(9), fair["closes_at"] or time(17)) if fair else None
    per_vendor = max(20, TOTAL_SALES // len(sellers))
    added = 0
    for vendor in sellers:
        if _has_demo_sales(vendor):
            continue
        rng = random.Random(f"demo-sales-{vendor.slug}")
        where = (fair["id"], booths.get(vendor.id)) if fair else (None, None)
        for n in range(per_vendor):
            db.session.add(_demo_sale(vendor, n, rng, day, hours or (time(9), time(17)), where))
            added += 1
    place = fair["name"] if fair else "no fair"
    return [f"Demo sales: {added} added ({place}, {day.isoformat()})."]


def _demo_sale(vendor, n, rng, day: date, hours, where) -> Sale:
    products = [p for p in vendor.products if p.deleted_at is None]
    if products:
        product: Product | None = rng.choice(products)
        what, price = product.title, product.price
    else:
        product = None
        what, price = rng.choice(LOOSE_ITEMS)
    if rng.random() < 0.2:  # a fair discount, rounded down to L 5
        price = max(5_00, int(price * 0.9) // 5_00 * 5_00)
    quantity = _weighted(rng, QUANTITY_MIX)
    return Sale(
        vendor_id=vendor.id,
        product_id=product.id if product else None,
        description=what[:120],
        quantity=quantity,
        unit_price=price,
        total=quantity * price,
        payment_method=_weighted(rng, PAYMENT_MIX),
        fair_id=where[0],
        booth_id=where[1],
        client_key=f"demo-{n:04d}",
        recorded_at=_moment(rng, day, *hours),
    )


def _moment(rng, day: date, opens: time, closes: time) -> datetime:
    """A time in opening hours, busiest around midday."""
    start = datetime.combine(day, opens, tzinfo=LOCAL_TZ)
    length = (datetime.combine(day, closes, tzinfo=LOCAL_TZ) - start).total_seconds()
    offset = rng.triangular(0, max(length, 60), length * 0.45)
    return (start + timedelta(seconds=int(offset))).astimezone(UTC)


def _weighted(rng, mix):
    values, weights = zip(*mix, strict=True)
    return rng.choices(values, weights)[0]


def _has_demo_sales(vendor: VendorProfile) -> bool:
    return bool(
        db.session.scalar(
            db.select(Sale.id).where(Sale.vendor_id == vendor.id, Sale.client_key == "demo-0000")
        )
    )


def _last_finished_fair() -> dict | None:
    stmt = text(
        "SELECT id, name, starts_on, opens_at, closes_at FROM fairs WHERE status = 'finished' "
        "ORDER BY ends_on DESC, id DESC LIMIT 1"
    ).columns(starts_on=Date, opens_at=Time, closes_at=Time)
    row = db.session.execute(stmt).mappings().first()
    return dict(row) if row else None


def _booths_at(fair_id: int) -> dict[int, int | None]:
    """vendor_id -> booth_id of the approved applications at a fair."""
    stmt = text(
        "SELECT vendor_id, booth_id FROM applications WHERE fair_id = :fair AND status = 'approved'"
    )
    return dict(db.session.execute(stmt, {"fair": fair_id}).all())


def _last_saturday(today: date) -> date:
    return today - timedelta(days=(today.weekday() - 5) % 7 or 7)
