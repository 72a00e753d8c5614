"""Booth layouts and the vendors who occupy the booths."""

import itertools

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import FairStatus
from fairs.layout.services import generate_layout
from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from vendors.profiles.models import VendorProfile, VendorStatus

_seq = itertools.count(1)


class FairFactories:
    def booths(self, fair, rows, cols, **features):
        """A rows × cols grid on `fair` (A-01...), every booth with `features` set."""
        booths = generate_layout(None, fair, rows, cols)
        for booth in booths:
            for name, value in features.items():
                setattr(booth, name, value)
        db.session.commit()
        return booths

    def fair_with_layout(self, rows=2, cols=3, status=FairStatus.OPEN, **kw):
        fair = self.fair(status=status, **kw)
        self.booths(fair, rows, cols)
        return fair

    def booth_occupant(
        self,
        fair,
        booth,
        business_name=None,
        category="crafts",
        checked_in=False,
        status=ApplicationStatus.APPROVED,
    ):
        """An approved application of a new verified vendor, holding `booth` (or no booth)."""
        n = next(_seq)
        user = self.user(email=f"occupant{n}@example.hn")
        vendor = VendorProfile(
            user_id=user.id,
            slug=f"emprendimiento-{n}",
            business_name=business_name or f"Emprendimiento {n}",
            category=category,
            department="Francisco Morazán",
            status=VendorStatus.VERIFIED.value,
        )
        db.session.add(vendor)
        db.session.flush()
        application = Application(
            fair_id=fair.id,
            vendor_id=vendor.id,
            status=str(status),
            categories=[category],
            booth_id=booth.id if booth is not None else None,
            checked_in_at=utcnow() if checked_in else None,
        )
        db.session.add(application)
        db.session.commit()
        return application
