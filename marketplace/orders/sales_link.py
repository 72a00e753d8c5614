"""Order lines into the sales ledger, exactly once per line (deterministic client keys).

The ledger is append-only: a refund voids the line's sale with reason "refund" and, when units
remain, records a new sale for them under a key derived from the refund.
"""

from sqlalchemy.exc import IntegrityError

from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db
from vendors.sales.models import Sale


def line_key(line, refund_id: int | None = None) -> str:
    return f"order-line-{line.id}" + (f"-r{refund_id}" if refund_id else "")


def record_line_sale(line, method: str, refund_id: int | None = None) -> Sale | None:
    """Write the line's (remaining) units to the ledger; a second call returns the first sale."""
    key = line_key(line, refund_id)
    existing = _find(line.vendor_id, key)
    if existing is not None or line.net_quantity <= 0:
        return existing
    sale = Sale(
        vendor_id=line.vendor_id,
        product_id=line.product_id,
        description=line.title,
        quantity=line.net_quantity,
        unit_price=line.unit_price,
        total=line.net_quantity * line.unit_price,
        payment_method=method,
        client_key=key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(sale)
    except IntegrityError:
        # Someone recorded it between our look-up and insert: theirs stands.
        return _find(line.vendor_id, key)
    return sale


def void_line_sales(line, reason: str, actor: User | None) -> None:
    """Void every live ledger sale of this line."""
    sales = db.session.scalars(
        db.select(Sale).where(
            Sale.vendor_id == line.vendor_id,
            Sale.client_key.like(f"{line_key(line)}%"),
            Sale.voided_at.is_(None),
        )
    )
    for sale in sales:
        if sale.client_key == line_key(line) or sale.client_key.startswith(line_key(line) + "-"):
            sale.voided_at = utcnow()
            sale.void_reason = reason
            sale.voided_by_id = actor.id if actor else None


def _find(vendor_id: int, key: str) -> Sale | None:
    return db.session.scalar(
        db.select(Sale).where(Sale.vendor_id == vendor_id, Sale.client_key == key)
    )
