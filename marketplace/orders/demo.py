"""A demo order so the vendors' and organisers' order pages are not empty on a fresh install."""

from marketplace.core.database import db
from marketplace.orders import services
from marketplace.orders.models import Order
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus

DEMO_CODE = "DEMPED23"


def load_orders() -> list[str]:
    """Reserve one unit of up to two demo products for pickup (once; needs products)."""
    if db.session.scalar(db.select(Order.id).where(Order.code == DEMO_CODE)):
        return [f"  demo order {DEMO_CODE} (already there)"]
    products = db.session.scalars(
        db.select(Product)
        .join(VendorProfile)
        .where(
            Product.visible.is_(True),
            Product.deleted_at.is_(None),
            (Product.stock.is_(None)) | (Product.stock > 0),
            VendorProfile.status == VendorStatus.VERIFIED.value,
        )
        .order_by(Product.id)
        .limit(2)
    ).all()
    if not products:
        return ["  no demo order: there are no products yet"]
    buyer = services.Buyer("Compradora de prueba", "compradora@demo.hn", "+50499990000")
    order = services.place_order([(p, 1) for p in products], buyer, "pickup")
    order.code = DEMO_CODE
    return [f"  demo order {DEMO_CODE} for pickup"]
