"""The sales ledger: append-only. A sale is recorded once per client key; a mistake is voided.

Stock moves with conditional UPDATEs in the same transaction as the ledger row, so it holds on
SQLite and PostgreSQL alike under concurrent requests, and never goes below zero.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.core import audit
from marketplace.core.auth.models import User, utcnow
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.inputs import to_id
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile
from vendors.sales.models import PaymentMethod, Sale

CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
#: Methods a booth can take; "online" sales come from the shop, never from this screen.
BOOTH_PAYMENT_METHODS = (
    PaymentMethod.CASH.value,
    PaymentMethod.CARD.value,
    PaymentMethod.TRANSFER.value,
    PaymentMethod.OTHER.value,
)
MAX_QUANTITY = 1000
MAX_UNIT_PRICE = 100_000_00  # L 100,000.00 per unit: more is surely a typing slip
MAX_TOTAL = 1_000_000_00  # L 1,000,000.00 per sale
DESCRIPTION_MAX = 120
VOID_REASON_LENGTH = (3, 200)
#: A phone's clock may run ahead; a queued sale may wait days for a signal, but not months.
CLOCK_AHEAD = timedelta(minutes=10)
OLDEST_SALE = timedelta(days=60)

#: Where a sale was made: `current_app.extensions[FAIR_LOCATOR](vendor_id, when)` answers
#: (fair_id, booth_id) or None. The fairs package sets it in its init_app (fairs sits above
#: vendors, so this package never imports it); without fairs, sales belong to no fair.
FAIR_LOCATOR = "mercado.fair_locator"
FairLocator = Callable[[int, datetime], tuple[int, int | None] | None]


def _where_sold(vendor_id: int, recorded_at: datetime) -> tuple[int | None, int | None]:
    locator: FairLocator | None = current_app.extensions.get(FAIR_LOCATOR)
    return (locator and locator(vendor_id, recorded_at)) or (None, None)


@dataclass(frozen=True)
class SaleInput:
    client_key: str
    quantity: int
    unit_price: int
    payment_method: str
    product_id: int | None = None
    description: str = ""
    recorded_at: datetime | None = None


def record_sale(vendor: VendorProfile, data: SaleInput) -> tuple[Sale, bool]:
    """Record a sale once; returns (sale, created). A repeat of the same key returns the first."""
    if not isinstance(data.client_key, str) or not CLIENT_KEY.fullmatch(data.client_key):
        raise Refused(
            _("The sale's key must be 8 to 64 letters, digits, hyphens or underscores."),
            code="invalid_client_key",
            status=400,
        )
    try:
        product = _check(vendor, data)
        recorded_at = _sane_time(data.recorded_at)
    except Refused:
        # A repeat of a sale already kept is answered with it, even if the product is gone since.
        if existing := find_sale_by_key(vendor, data.client_key):
            return _same_or_conflict(existing, data), False
        raise
    fair_id, booth_id = _where_sold(vendor.id, recorded_at)
    sale = _insert_once(
        vendor_id=vendor.id,
        product_id=product.id if product else None,
        description=product.title[:DESCRIPTION_MAX] if product else data.description.strip(),
        quantity=data.quantity,
        unit_price=data.unit_price,
        total=data.quantity * data.unit_price,
        payment_method=data.payment_method,
        client_key=data.client_key,
        recorded_at=recorded_at,
        fair_id=fair_id,
        booth_id=booth_id,
    )
    if sale is None:
        # The key was there already (a retry, or a twin request that won the race).
        return _same_or_conflict(find_sale_by_key(vendor, data.client_key), data), False
    if product is not None:
        _take_stock(product, data.quantity)
    return sale, True


def _insert_once(**values) -> Sale | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the new sale, or None if its key exists.
    One statement, no exception and no savepoint, on PostgreSQL and SQLite alike; a concurrent
    insert of the same key makes PostgreSQL wait for it and then do nothing."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(Sale)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["vendor_id", "client_key"])
        .returning(Sale)
    )
    return db.session.scalars(stmt).first()


def void_sale(sale: Sale, actor: User, reason: str) -> Sale:
    """Mark a sale void with a reason and put its units back on the shelf."""
    reason = (reason or "").strip()
    low, high = VOID_REASON_LENGTH
    if not low <= len(reason) <= high:
        raise Refused(
            _("Write why this sale is voided (3 to 200 characters)."),
            code="invalid_void_reason",
            status=400,
        )
    # Conditional, so two taps on "void" cannot put the stock back twice.
    done = db.session.execute(
        db.update(Sale)
        .where(Sale.id == sale.id, Sale.voided_at.is_(None))
        .values(voided_at=utcnow(), void_reason=reason, voided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise Refused(
            _("This sale was already voided."),
            code="already_voided",
            status=409,
        )
    if sale.product_id is not None:
        db.session.execute(
            db.update(Product)
            .where(Product.id == sale.product_id, Product.stock.is_not(None))
            .values(stock=Product.stock + sale.quantity)
            .execution_options(synchronize_session=False)
        )
    audit.record(actor, "sale.voided", "sale", sale.id, reason=reason)
    db.session.expire(sale)
    return sale


def find_sale_by_key(vendor: VendorProfile, client_key: str) -> Sale | None:
    return db.session.scalar(
        db.select(Sale).where(Sale.vendor_id == vendor.id, Sale.client_key == client_key)
    )


def get_own_sale(vendor: VendorProfile, sale_id: int) -> Sale:
    """The vendor's sale, or Refused 404 (another vendor's sale looks the same as none)."""
    sale = db.session.get(Sale, sale_id)
    if sale is None or sale.vendor_id != vendor.id:
        raise Refused(
            _("We could not find this sale among yours."),
            code="sale_not_found",
            status=404,
        )
    return sale


def _check(vendor: VendorProfile, data: SaleInput) -> Product | None:
    """Validate everything but the key; return the product sold, if any."""
    if not _whole(data.quantity) or not 1 <= data.quantity <= MAX_QUANTITY:
        raise Refused(
            _("The quantity must be a whole number from 1 to 1,000."),
            code="invalid_quantity",
            field="quantity",
            status=400,
        )
    if not _whole(data.unit_price) or not 1 <= data.unit_price <= MAX_UNIT_PRICE:
        raise Refused(
            _("The price must be more than L 0.00 and at most L 100,000.00 per unit."),
            code="invalid_price",
            field="price",
            status=400,
        )
    if data.quantity * data.unit_price > MAX_TOTAL:
        raise Refused(
            _("This sale's total is too large. Please record it as several sales."),
            code="total_too_large",
            field="price",
            status=400,
        )
    if data.payment_method not in BOOTH_PAYMENT_METHODS:
        raise Refused(
            _("Choose how the sale was paid: cash, card, bank transfer or other."),
            code="invalid_payment_method",
            field="payment_method",
            status=400,
        )
    if data.product_id is not None:
        return _own_product(vendor, data.product_id)
    description = data.description.strip() if isinstance(data.description, str) else ""
    if not 1 <= len(description) <= DESCRIPTION_MAX:
        raise Refused(
            _("Choose a product or write what you sold (up to 120 characters)."),
            code="invalid_description",
            field="description",
            status=400,
        )
    return None


def _own_product(vendor: VendorProfile, product_id) -> Product:
    # A JSON id past the 32-bit column would fail the query on PostgreSQL: treat it as unknown.
    known = _whole(product_id) and to_id(product_id) is not None
    product = db.session.get(Product, product_id) if known else None
    if product is None or product.vendor_id != vendor.id or product.deleted_at is not None:
        raise Refused(
            _("We could not find this product among yours."),
            code="product_not_found",
            field="product",
            status=404,
        )
    return product


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sane_time(when: datetime | None) -> datetime:
    now = utcnow()
    if when is None or when > now + CLOCK_AHEAD:
        return now  # a clock running ahead is not the seller's fault: keep the sale
    if when < now - OLDEST_SALE:
        raise Refused(
            _("The sale's date is too far in the past. Please check the phone's date."),
            code="recorded_at_out_of_range",
            status=400,
        )
    return when


def _same_or_conflict(existing: Sale, data: SaleInput) -> Sale:
    same = (
        existing.product_id == data.product_id
        and existing.quantity == data.quantity
        and existing.unit_price == data.unit_price
        and existing.payment_method == data.payment_method
        and (data.product_id is not None or existing.description == data.description.strip())
    )
    if not same:
        raise Refused(
            _("This sale's key was already used for a different sale. The first sale was kept."),
            code="client_key_reused",
            status=409,
        )
    return existing


def _take_stock(product: Product, quantity: int) -> None:
    """Take units off the shelf in one atomic statement. When the shelf shows fewer than were
    sold, the sale still counts: stock goes to zero and the product is flagged to be counted."""
    enough = Product.stock >= quantity
    db.session.execute(
        db.update(Product)
        .where(Product.id == product.id, Product.stock.is_not(None))
        .values(
            stock=case((enough, Product.stock - quantity), else_=0),
            needs_stock_check=case((enough, Product.needs_stock_check), else_=True),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(product, ["stock", "needs_stock_check"])
