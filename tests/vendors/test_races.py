"""The same form sent twice at the same moment, on real concurrent PostgreSQL connections: a
double tap without JavaScript, two phones of one seller, two organisers deciding at once."""

import threading

import pytest

from marketplace.core.audit import AuditEntry
from marketplace.core.database import db
from tests.factories import PASSWORD
from tests.signin import sign_in
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.sales.models import Sale

pytestmark = pytest.mark.postgres


def signed_in(app, email):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(client, email).status_code == 302
    return client


def at_once(posts) -> list:
    """Run each (client, url, data) post in its own thread, all released together."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def send(i, client, url, data):
        barrier.wait()
        responses[i] = client.post(url, data=data)

    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    return responses


def test_the_sale_form_posted_twice_at_once_with_one_key_records_one_sale(app, make):
    shop = make.shop(email="rosa@example.hn", stock=10, password=PASSWORD)
    product = shop.products[0]
    data = {
        "client_key": "doble-toque-0001",
        "product": str(product.id),
        "quantity": "2",
        "price": "",
        "payment_method": "cash",
    }
    phones = [signed_in(app, "rosa@example.hn") for _ in range(2)]
    responses = at_once([(phone, "/me/sell", data) for phone in phones])
    assert [r.status_code for r in responses] == [303, 303]
    assert db.session.scalar(db.select(db.func.count(Sale.id))) == 1
    assert db.session.get(Product, product.id).stock == 8


def test_two_product_creates_at_once_with_one_submission_key_make_one_product(app, make):
    vendor = make.product_vendor()
    data = {
        "submission_key": "una-sola-vez-000000001",
        "title": "Bolsa de tuno",
        "price": "250",
        "category": "crafts",
        "stock": "3",
    }
    phones = [signed_in(app, vendor.user.email) for _ in range(2)]
    responses = at_once([(phone, "/me/products/new", data) for phone in phones])
    assert [r.status_code for r in responses] == [303, 303]
    assert responses[0].location == responses[1].location
    assert db.session.scalar(db.select(db.func.count(Product.id))) == 1


def test_two_organisers_verifying_and_rejecting_at_once_make_one_decision(app, make):
    make.organizer(email="a@example.hn")
    make.organizer(email="b@example.hn")
    vendor_id = make.vendor(status=VendorStatus.PENDING).id
    a, b = signed_in(app, "a@example.hn"), signed_in(app, "b@example.hn")
    seen = {"seen_status": "pending"}
    responses = at_once(
        [
            (a, f"/admin/vendors/{vendor_id}/verify", seen | {"submission_key": "a" * 24}),
            (b, f"/admin/vendors/{vendor_id}/reject", seen | {"reason": "Falta una foto"}),
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert "Another organiser decided about this profile a moment ago" in loser.get_data(
        as_text=True
    )
    entries = db.session.scalars(
        db.select(AuditEntry).where(
            AuditEntry.target_id == vendor_id,
            AuditEntry.action.in_(("vendor.verified", "vendor.rejected")),
        )
    ).all()
    assert len(entries) == 1
    vendor = db.session.get(VendorProfile, vendor_id)
    assert entries[0].action == f"vendor.{vendor.status}"
