"""Shops (verified vendors with products), live fairs with a booth, and sales."""

import itertools
import uuid

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import Fair, FairStatus
from fairs.layout.models import Booth
from marketplace.core.auth import services
from marketplace.core.auth.models import Role
from marketplace.core.database import db
from marketplace.core.timeutil import local_today
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.sales.ledger import SaleInput, record_sale

_shop_seq = itertools.count(1)


class SalesFactories:
    def shop(self, email=None, products=2, stock=10, price=150_00, password="correct-horse-9"):
        """A verified vendor whose user can sign in, with `products` products in stock."""
        n = next(_shop_seq)
        user = services.create_user(
            email or f"tienda{n}@example.hn", password, Role.ENTREPRENEUR, f"Tienda {n}"
        )
        vendor = VendorProfile(
            user=user,
            slug=f"tienda-{n}",
            business_name=f"Tienda {n}",
            category="crafts",
            department="Cortés",
            status=VendorStatus.VERIFIED.value,
        )
        db.session.add(vendor)
        for i in range(products):
            db.session.add(
                Product(
                    vendor=vendor,
                    title=f"Producto {n}-{i + 1}",
                    category="crafts",
                    price=price,
                    stock=stock,
                )
            )
        db.session.commit()
        return vendor

    def booth_at_fair(self, vendor, status=FairStatus.LIVE, starts_on=None, code="A-01"):
        """A fair (live by default) where the vendor's approved application holds a booth."""
        n = next(_shop_seq)
        day = starts_on or local_today()
        fair = Fair(
            slug=f"feria-ventas-{n}",
            name=f"Feria de ventas {n}",
            city="La Ceiba",
            department="Atlántida",
            venue="Parque Manuel Bonilla",
            starts_on=day,
            ends_on=day,
            status=status.value,
        )
        booth = Booth(fair=fair, code=code, row=0, col=n)
        db.session.add_all(
            [
                fair,
                booth,
                Application(
                    fair=fair,
                    vendor_id=vendor.id,
                    status=ApplicationStatus.APPROVED.value,
                    booth=booth,
                ),
            ]
        )
        db.session.commit()
        return fair, booth

    def sale(self, vendor, product=None, quantity=1, **kw):
        """A sale recorded through the ledger, committed."""
        data = SaleInput(
            client_key=kw.pop("client_key", str(uuid.uuid4())),
            product_id=product.id if product else None,
            description=kw.pop("description", "" if product else "Artículo suelto"),
            quantity=quantity,
            unit_price=kw.pop("unit_price", product.price if product else 50_00),
            payment_method=kw.pop("payment_method", "cash"),
            **kw,
        )
        sale, _created = record_sale(vendor, data)
        db.session.commit()
        return sale
