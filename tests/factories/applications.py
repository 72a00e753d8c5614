"""Verified applicants, their products, applications and booth grids."""

import itertools
import string

from fairs.applications.models import Application, ApplicationStatus
from fairs.layout.models import Booth
from marketplace.core.database import db
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus

_seq = itertools.count(1)


class ApplicationFactories:
    def applicant(self, category="crafts", status=VendorStatus.VERIFIED, user=None, **kw):
        """A VendorProfile (verified unless told) with its own entrepreneur account."""
        n = next(_seq)
        vendor = VendorProfile(
            user_id=(user or self.user(email=f"vendor{n}@example.hn")).id,
            slug=kw.pop("slug", f"negocio-{n}"),
            business_name=kw.pop("business_name", f"Negocio {n}"),
            category=category,
            department=kw.pop("department", "Francisco Morazán"),
            status=status.value,
            **kw,
        )
        db.session.add(vendor)
        db.session.commit()
        return vendor

    def offer(self, vendor, title="Canasta de tule", visible=True, **kw):
        """One of the vendor's products."""
        product = Product(
            vendor_id=vendor.id,
            title=title,
            category=kw.pop("category", vendor.category),
            price=kw.pop("price", 25000),
            stock=kw.pop("stock", 5),
            visible=visible,
            **kw,
        )
        db.session.add(product)
        db.session.commit()
        return product

    def application(self, fair, vendor, status=ApplicationStatus.SUBMITTED, booth=None, **kw):
        application = Application(
            fair_id=fair.id,
            vendor_id=vendor.id,
            status=status.value,
            categories=kw.pop("categories", [vendor.category]),
            booth_id=booth.id if booth is not None else None,
            **kw,
        )
        db.session.add(application)
        db.session.commit()
        return application

    def grid(self, fair, rows, cols, **features):
        """rows x cols booths coded A-01, A-02, B-01...; features apply to all of them."""
        booths = [
            Booth(
                fair_id=fair.id,
                code=f"{string.ascii_uppercase[row]}-{col + 1:02d}",
                row=row,
                col=col,
                **features,
            )
            for row in range(rows)
            for col in range(cols)
        ]
        db.session.add_all(booths)
        db.session.commit()
        return booths
