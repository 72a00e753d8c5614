"""Which fair and booth a vendor's sale belongs to. `init_app` hands it to the sales ledger
through `app.extensions` (vendors.sales.ledger.FAIR_LOCATOR), so the ledger never imports fairs."""

from datetime import datetime

from sqlalchemy import and_, or_

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import Fair, FairStatus
from marketplace.core.extensions import db
from marketplace.core.timeutil import LOCAL_TZ
from vendors.sales.ledger import FAIR_LOCATOR


def fair_booth_for_sale(vendor_id: int, recorded_at: datetime) -> tuple[int, int] | None:
    """(fair_id, booth_id) of the live fair where the vendor holds a booth. A sale queued on a
    phone at the fair and sent after the organiser closed it still counts for that fair."""
    day = recorded_at.astimezone(LOCAL_TZ).date()
    finished_that_day = and_(
        Fair.status == FairStatus.FINISHED.value, Fair.starts_on <= day, Fair.ends_on >= day
    )
    stmt = (
        db.select(Application.fair_id, Application.booth_id)
        .join(Fair, Fair.id == Application.fair_id)
        .where(
            Application.vendor_id == vendor_id,
            Application.status == ApplicationStatus.APPROVED.value,
            Application.booth_id.is_not(None),
            or_(Fair.status == FairStatus.LIVE.value, finished_that_day),
        )
        # A live fair wins over a finished one; then the most recent.
        .order_by((Fair.status == FairStatus.LIVE.value).desc(), Fair.starts_on.desc())
        .limit(1)
    )
    row = db.session.execute(stmt).first()
    return (row.fair_id, row.booth_id) if row else None


def init_app(app) -> None:
    app.extensions[FAIR_LOCATOR] = fair_booth_for_sale
