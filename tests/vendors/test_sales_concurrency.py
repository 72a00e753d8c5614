"""Many phones sending at once, with retries racing the originals: every sale counted once."""

import random
import threading
import uuid
from collections import Counter

import pytest

from marketplace.core.database import db
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile
from vendors.sales.ledger import SaleInput, record_sale
from vendors.sales.models import Sale

CLIENTS = 20
SALES_PER_CLIENT = 50
REPEAT_SHARE = 0.10
START_STOCK = 100_000


def plan_sales(vendor_ids, product_ids, rng) -> list[list[tuple[int, SaleInput]]]:
    """Per client, what it sends: its own sales, plus repeats of sales its neighbour (a second
    phone of the same vendor, or a retry) is sending at the same time."""
    plans = []
    for client in range(CLIENTS):
        vendor = vendor_ids[client % len(vendor_ids)]
        plans.append(
            [
                (
                    vendor,
                    SaleInput(
                        client_key=str(uuid.UUID(int=rng.getrandbits(128))),
                        product_id=rng.choice(product_ids[vendor]),
                        quantity=rng.randint(1, 3),
                        unit_price=rng.choice((50_00, 120_00, 350_00)),
                        payment_method=rng.choice(("cash", "card", "transfer")),
                    ),
                )
                for _ in range(SALES_PER_CLIENT)
            ]
        )
    repeats = int(SALES_PER_CLIENT * REPEAT_SHARE)
    for client in range(CLIENTS):
        # Same vendor's other client: CLIENTS is a multiple of the number of vendors.
        neighbour = plans[(client + len(vendor_ids)) % CLIENTS]
        plans[client] += rng.sample(neighbour[:SALES_PER_CLIENT], repeats)
        rng.shuffle(plans[client])
    return plans


@pytest.mark.postgres
def test_concurrent_sales_with_repeats_are_each_recorded_once(app, make):
    shops = [make.shop(products=3, stock=START_STOCK) for _ in range(4)]
    vendor_ids = [s.id for s in shops]
    product_ids = {s.id: [p.id for p in s.products] for s in shops}
    plans = plan_sales(vendor_ids, product_ids, random.Random(815))
    errors = []
    barrier = threading.Barrier(CLIENTS)

    def phone(plan):
        with app.app_context():
            barrier.wait()
            for vendor_id, data in plan:
                try:
                    record_sale(db.session.get(VendorProfile, vendor_id), data)
                    db.session.commit()
                except Exception as e:  # noqa: BLE001 - the test reports any failure below
                    db.session.rollback()
                    errors.append(repr(e))
            db.session.remove()

    threads = [threading.Thread(target=phone, args=(plan,)) for plan in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    distinct = {data.client_key: data for plan in plans for _vendor, data in plan}
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == len(distinct)
    sold = Counter()
    for data in distinct.values():
        sold[data.product_id] += data.quantity
    stock = dict(db.session.execute(db.select(Product.id, Product.stock)).all())
    assert stock == {pid: START_STOCK - sold[pid] for pid in stock}
