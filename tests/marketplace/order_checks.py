"""Invariants of orders, money, stock and the ledger, checked by the race and state tests."""

from marketplace.core.database import db
from marketplace.orders import sales_link
from marketplace.orders.models import Order, OrderLine, Payment, Refund
from vendors.products.models import Product
from vendors.sales.models import Sale


def held(line: OrderLine) -> tuple[int, int]:
    """Fewest and most units this line keeps off the shelf. Refunded units come back unless the
    line was delivered by then; for a delivered line with refunds, the state alone does not say
    which came first, so both ends are allowed."""
    if line.status == "cancelled":
        return 0, 0
    if line.status == "delivered":
        return line.quantity - line.refunded_quantity, line.quantity
    return (line.net_quantity,) * 2


def live_sales(line: OrderLine) -> list[Sale]:
    key = sales_link.line_key(line)
    return [
        s
        for s in db.session.scalars(
            db.select(Sale).where(Sale.vendor_id == line.vendor_id, Sale.voided_at.is_(None))
        )
        if s.client_key == key or s.client_key.startswith(key + "-")
    ]


def check_order(order: Order) -> None:
    payments = db.session.scalars(db.select(Payment).where(Payment.order_id == order.id)).all()
    refunds = db.session.scalars(db.select(Refund).where(Refund.order_id == order.id)).all()
    paid = [p for p in payments if p.status == "paid"]
    assert order.refunded == sum(r.amount for r in refunds)
    assert order.refunded <= sum(p.amount for p in paid)
    assert sum(p.status == "open" for p in payments) <= 1
    if order.status == "paid":
        assert len(paid) == 1, "a paid order holds exactly one payment"
    else:
        assert paid == [], f"{order.status} order holds an unrefunded paid payment"
    for line in order.lines:
        sales = live_sales(line)
        sold = (order.status == "paid" and line.net_quantity > 0) or (
            order.payment_choice == "pickup" and line.status == "delivered"
        )
        assert len(sales) == (1 if sold else 0), (order.status, line.status, len(sales))
        if sold:
            assert sales[0].quantity == line.net_quantity


def check_stock(start: dict[int, int]) -> None:
    """Every product's stock is its start less what live lines hold (exact unless a delivered
    line had refunds), and never negative."""
    for product_id, units in start.items():
        lines = db.session.scalars(
            db.select(OrderLine).where(OrderLine.product_id == product_id)
        ).all()
        stock = db.session.get(Product, product_id).stock
        assert stock >= 0
        fewest = sum(held(line)[0] for line in lines)
        most = sum(held(line)[1] for line in lines)
        assert units - most <= stock <= units - fewest, (product_id, stock, units, fewest, most)


def check_all(start: dict[int, int], order_ids: list[int] | None = None) -> None:
    """Check these orders (all when None) and the stock of the products in `start`."""
    db.session.expire_all()
    query = db.select(Order)
    if order_ids is not None:
        query = query.where(Order.id.in_(order_ids))
    for order in db.session.scalars(query):
        check_order(order)
    check_stock(start)
