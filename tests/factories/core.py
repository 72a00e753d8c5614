"""Accounts and fairs."""

import itertools
from datetime import date, timedelta

from fairs.fairs.models import Fair, FairStatus
from marketplace.core.auth import services, two_factor
from marketplace.core.auth.models import Role
from marketplace.core.database import db

PASSWORD = "correct-horse-9"
#: The authenticator secret of staff the factories make (tests/signin.py turns it into codes).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_seq = itertools.count(1)


class CoreFactories:
    def user(
        self,
        email=None,
        role=Role.ENTREPRENEUR,
        password=PASSWORD,
        name="Ana Prueba",
        enrolled=True,
    ):
        """An account; organisers and administrators come with their authenticator set up
        (enrolled=False: one who still has to set it up)."""
        n = next(_seq)
        user = services.create_user(email or f"user{n}@example.hn", password, role, name)
        db.session.flush()
        if enrolled and user.is_staff:
            two_factor.enrol_with(user, TOTP_SECRET)
        db.session.commit()
        return user

    def organizer(self, **kw):
        return self.user(role=Role.ORGANIZER, **kw)

    def admin(self, **kw):
        return self.user(role=Role.ADMIN, **kw)

    def fair(self, status=FairStatus.OPEN, starts_on=None, **kw):
        n = next(_seq)
        starts_on = starts_on or date.today() + timedelta(days=30)
        fair = Fair(
            slug=kw.pop("slug", f"feria-{n}"),
            name=kw.pop("name", f"Feria de prueba {n}"),
            city=kw.pop("city", "Tegucigalpa"),
            department=kw.pop("department", "Francisco Morazán"),
            venue=kw.pop("venue", "Parque Central"),
            starts_on=starts_on,
            ends_on=kw.pop("ends_on", starts_on),
            status=status.value,
            **kw,
        )
        db.session.add(fair)
        db.session.commit()
        return fair
