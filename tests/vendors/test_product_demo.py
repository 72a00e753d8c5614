"""The demo catalogue: verified businesses with photographed products, loaded once."""

from marketplace.core.auth.services import authenticate
from marketplace.core.database import db
from marketplace.core.storage import get_storage
from marketplace.demo import DEMO_PASSWORD
from vendors.demo.data import VERIFIED
from vendors.photos.models import Image
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus


def test_demo_vendors_are_loaded_once_with_real_photos(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "(0 new)" in second.output

    vendors = db.session.scalars(db.select(VendorProfile)).all()
    statuses = [v.status for v in vendors]
    assert statuses.count(VendorStatus.VERIFIED) == len(VERIFIED) >= 12
    assert statuses.count(VendorStatus.PENDING) == 1
    assert len({v.department for v in vendors}) >= 10
    emails = {v.user.email for v in vendors}
    assert {"maria@demo.hn", "jose@demo.hn", "ana@demo.hn"} <= emails

    products = db.session.scalars(db.select(Product)).all()
    assert len(products) >= 25 and all(
        p.photos and p.is_public for p in products if p.vendor.is_verified
    )
    assert any(p.made_to_order for p in products)
    image = products[0].cover
    assert {v["format"] for v in image.variants} == {"webp", "jpg"}
    assert all(get_storage().exists(v["key"]) for v in image.variants)
    assert db.session.scalar(db.select(db.func.count(Image.id))) == len(products)
    assert authenticate(VERIFIED[4]["email"], DEMO_PASSWORD) is not None
