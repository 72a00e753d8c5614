"""Vendors with products to order, and orders placed through the real service."""

import itertools

from marketplace.core.auth.models import Role
from marketplace.core.database import db
from marketplace.orders import services
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus

_seq = itertools.count(1)


class OrderFactories:
    def shop_vendor(self, user=None, name=None, **kw):
        n = next(_seq)
        user = user or self.user(role=Role.ENTREPRENEUR)
        vendor = VendorProfile(
            user_id=user.id,
            slug=kw.pop("slug", f"tienda-{n}"),
            business_name=name or f"Tienda {n}",
            category=kw.pop("category", "crafts"),
            department=kw.pop("department", "Atlántida"),
            status=kw.pop("status", VendorStatus.VERIFIED.value),
            **kw,
        )
        db.session.add(vendor)
        db.session.commit()
        return vendor

    def shop_product(self, vendor=None, price=25000, stock=5, title=None, **kw):
        vendor = vendor or self.shop_vendor()
        product = Product(
            vendor_id=vendor.id,
            title=title or f"Canasta {next(_seq)}",
            category=kw.pop("category", "crafts"),
            price=price,
            stock=stock,
            **kw,
        )
        db.session.add(product)
        db.session.commit()
        return product

    def placed_order(self, items, choice="pickup", email="comprador@example.hn"):
        """Place an order for [(product, quantity), ...] as a guest buyer would."""
        buyer = services.Buyer("Carlos Comprador", email, "+50499887766")
        order = services.place_order(items, buyer, choice)
        db.session.commit()
        return order
