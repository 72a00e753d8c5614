"""Entrepreneurs with a verified profile, and their products."""

import itertools

from marketplace.core.auth.models import Role
from marketplace.core.database import db
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus

_seq = itertools.count(1)


class ProductFactories:
    def product_vendor(self, user=None, status=VendorStatus.VERIFIED, **kw):
        """A VendorProfile (verified unless told) with its entrepreneur account."""
        n = next(_seq)
        user = user or self.user(email=f"seller{n}@example.hn", role=Role.ENTREPRENEUR)
        vendor = VendorProfile(
            user_id=user.id,
            slug=kw.pop("slug", f"negocio-{n}"),
            business_name=kw.pop("business_name", f"Negocio de prueba {n}"),
            category=kw.pop("category", "crafts"),
            department=kw.pop("department", "Francisco Morazán"),
            status=status.value,
            **kw,
        )
        db.session.add(vendor)
        db.session.commit()
        return vendor

    def product(self, vendor=None, **kw):
        """A product of `vendor` (a new verified one when None): L 250.00, 5 in stock."""
        vendor = vendor or self.product_vendor()
        product = Product(
            vendor_id=vendor.id,
            title=kw.pop("title", "Bolsa de tuno"),
            category=kw.pop("category", "crafts"),
            price=kw.pop("price", 25000),
            stock=kw.pop("stock", 5),
            **kw,
        )
        db.session.add(product)
        db.session.commit()
        return product
