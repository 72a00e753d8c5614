"""Read-only fair lookups other pages need."""

from datetime import date

from fairs.models import PUBLIC_STATUSES, Fair, FairStatus
from marketplace.extensions import db


def upcoming_fairs(today: date, limit: int = 6) -> list[Fair]:
    """Published fairs that have not ended yet, soonest first."""
    stmt = (
        db.select(Fair)
        .where(Fair.status.in_(PUBLIC_STATUSES), Fair.status != FairStatus.FINISHED.value)
        .where(Fair.ends_on >= today)
        .order_by(Fair.starts_on, Fair.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
