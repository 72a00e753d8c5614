"""Vendors, sales, booths and approved applications for the report tests."""

import itertools
from datetime import UTC, datetime

from fairs.applications.models import Application, ApplicationStatus
from fairs.layout.models import Booth
from marketplace.core.database import db
from vendors.profiles.models import VendorProfile
from vendors.sales.models import Sale

_seq = itertools.count(1)


class ReportFactories:
    def report_vendor(self, business_name=None, user=None, **kw):
        n = next(_seq)
        vendor = VendorProfile(
            user_id=user.id if user else None,
            slug=kw.pop("slug", f"informe-{n}"),
            business_name=business_name or f"Emprendimiento {n}",
            category=kw.pop("category", "crafts"),
            department=kw.pop("department", "Cortés"),
            status=kw.pop("status", "verified"),
            **kw,
        )
        db.session.add(vendor)
        db.session.commit()
        return vendor

    def report_booth(self, fair, code="A-01", row=0, col=0):
        booth = Booth(fair_id=fair.id, code=code, row=row, col=col)
        db.session.add(booth)
        db.session.commit()
        return booth

    def report_application(self, fair, vendor):
        application = Application(
            fair_id=fair.id, vendor_id=vendor.id, status=ApplicationStatus.APPROVED.value
        )
        db.session.add(application)
        db.session.commit()
        return application

    def report_sale(self, vendor, unit_price=10000, quantity=1, commit=True, **kw):
        """A sale of `quantity` × `unit_price` centavos; `voided=True` makes it a voided one."""
        n = next(_seq)
        voided = kw.pop("voided", False)
        fair = kw.pop("fair", None)
        booth = kw.pop("booth", None)
        sale = Sale(
            vendor_id=vendor.id,
            description=kw.pop("description", "Café molido"),
            quantity=quantity,
            unit_price=unit_price,
            total=quantity * unit_price,
            payment_method=kw.pop("payment_method", "cash"),
            fair_id=fair.id if fair else None,
            booth_id=booth.id if booth else None,
            client_key=kw.pop("client_key", f"k-{n}"),
            recorded_at=kw.pop("recorded_at", datetime.now(UTC)),
            voided_at=datetime.now(UTC) if voided else None,
            void_reason="Error al registrar" if voided else "",
            **kw,
        )
        db.session.add(sale)
        if commit:
            db.session.commit()
        return sale

    def report_sales(self, vendor, count, **kw):
        for _ in range(count):
            self.report_sale(vendor, commit=False, **kw)
        db.session.commit()
