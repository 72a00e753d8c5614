"""Entrepreneurs with a profile."""

import itertools

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.profiles.services import slugify

_seq = itertools.count(1)


class VendorFactories:
    def vendor(
        self, user=None, status=VendorStatus.VERIFIED, category="crafts", department="Cortés", **kw
    ):
        """A profile (and its owner's account, unless `user` is given), committed."""
        n = next(_seq)
        user = user or self.user(name=kw.pop("owner_name", f"Emprendedora {n}"))
        name = kw.pop("business_name", f"Negocio de prueba {n}")
        vendor = VendorProfile(
            user_id=user.id,
            slug=kw.pop("slug", f"{slugify(name)}-{n}"),
            business_name=name,
            category=category,
            department=department,
            municipality=kw.pop("municipality", "San Pedro Sula"),
            status=VendorStatus(status).value,
            status_changed_at=kw.pop("status_changed_at", utcnow()),
            **kw,
        )
        db.session.add(vendor)
        db.session.commit()
        return vendor
