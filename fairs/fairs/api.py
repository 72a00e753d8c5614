"""Read-only JSON API for fairs: the published fairs, and one fair with its booths."""

import base64
import binascii
from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from fairs.fairs import queries
from fairs.fairs.models import PUBLIC_STATUSES, Fair
from marketplace.core.errors import Refused, error_response
from marketplace.core.extensions import db
from marketplace.core.inputs import has_forbidden_characters, to_id, to_int

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def fairs():
    """Published fairs by first day, then id; `cursor` continues where the last page ended."""
    limit = _limit()
    after = _decode_cursor(request.args.get("cursor"))
    stmt = (
        db.select(Fair).where(Fair.status.in_(PUBLIC_STATUSES)).options(selectinload(Fair.circuit))
    )
    if after:
        starts_on, fair_id = after
        stmt = stmt.where(
            (Fair.starts_on > starts_on) | ((Fair.starts_on == starts_on) & (Fair.id > fair_id))
        )
    page = list(db.session.scalars(stmt.order_by(Fair.starts_on, Fair.id).limit(limit + 1)))
    more = len(page) > limit
    page = page[:limit]
    return jsonify(
        items=[fair_json(f) for f in page],
        next_cursor=_encode_cursor(page[-1]) if more else None,
    )


def fair(slug: str):
    # NUL cannot even be sent to PostgreSQL, and no slug is longer than 80 characters.
    known = len(slug) <= 80 and not has_forbidden_characters(slug)
    fair = db.session.scalar(db.select(Fair).where(Fair.slug == slug)) if known else None
    if fair is None or not fair.is_public:
        return error_response(404, _("There is no published fair with this address."))
    vendors = {
        booth.id: {"slug": vendor.slug, "business_name": vendor.business_name}
        for booth, _app, vendor in queries.occupied_booths(fair.id)
    }
    body = fair_json(fair)
    body["description"] = fair.description
    body["booths"] = [
        {
            "code": b.code,
            "row": b.row,
            "col": b.col,
            "zone": b.zone,
            "has_power": b.has_power,
            "unavailable": b.unavailable,
            "vendor": vendors.get(b.id),
        }
        for b in fair.booths
    ]
    return jsonify(body)


def fair_json(fair: Fair) -> dict:
    return {
        "slug": fair.slug,
        "name": fair.name,
        "city": fair.city,
        "department": fair.department,
        "venue": fair.venue,
        "starts_on": fair.starts_on.isoformat(),
        "ends_on": fair.ends_on.isoformat(),
        "hours": (
            {
                "opens_at": fair.opens_at.strftime("%H:%M"),
                "closes_at": fair.closes_at.strftime("%H:%M"),
            }
            if fair.opens_at and fair.closes_at
            else None
        ),
        "status": fair.status,
        "closing_ceremony": fair.closing_ceremony,
        "circuit": fair.circuit.slug if fair.circuit else None,
    }


def _limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    # Digits only (int() would also take "1_0" or Arabic digits); huge values are capped below.
    limit = to_int(raw, minimum=-(10**12), maximum=10**12)
    if limit is None and raw.strip().isascii() and raw.strip().isdigit():
        limit = MAX_LIMIT
    if limit is None:
        raise Refused(_("limit must be a whole number."), code="bad_query", status=400)
    if limit < 1:
        raise Refused(_("limit must be at least 1."), code="bad_query", status=400)
    return min(limit, MAX_LIMIT)


def _encode_cursor(fair: Fair) -> str:
    raw = f"{fair.starts_on.isoformat()}|{fair.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> tuple[date, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, fair_id = raw.split("|")
        after = date.fromisoformat(day), to_id(fair_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        after = None
    if after is None or after[1] is None:
        raise Refused(
            _("This cursor is not valid. Start again without it."), code="bad_query", status=400
        )
    return after
