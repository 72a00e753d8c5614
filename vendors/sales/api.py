"""The JSON endpoints the sales screen's offline queue talks to (session cookie + CSRF header).

POST /api/v1/sales takes one sale (`product_id` or `description`, `quantity`, `unit_price`) or a
ticket of several `lines` under one `client_key`. A ticket is kept as one ledger sale per line,
line n under the key `<client_key>__NN`, all in one transaction: it is recorded whole or not at
all, a repeat answers the same lines, and the key cannot be reused for a different ticket or for
a single sale.
"""

import logging
import re
from datetime import UTC, datetime

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import OperationalError

from marketplace.core.auth.models import Role
from marketplace.core.errors import Refused, error_response
from marketplace.core.extensions import db
from marketplace.core.inputs import (
    FORBIDDEN_MESSAGE,
    MAX_ID,
    has_forbidden_characters,
    json_object,
)
from vendors.profiles.models import VendorProfile
from vendors.profiles.services import find_profile
from vendors.sales.ledger import CLIENT_KEY, SaleInput, find_sale_by_key, record_sale
from vendors.sales.models import Sale
from vendors.sales.queries import product_json, sellable_products

#: A sale is a few hundred bytes and a ticket of MAX_LINES lines a few thousand; anything much
#: bigger is not a sale.
MAX_BODY = 4096
MAX_TICKET_BODY = 16 * 1024
MAX_LINES = 50
#: The ticket's own key leaves room for the line suffix within the ledger's 64 characters.
TICKET_KEY = re.compile(r"[A-Za-z0-9_-]{8,60}")

log = logging.getLogger(__name__)


def _busy(error: OperationalError):
    """The database is locked or unreachable: the phone keeps the sale and sends it again."""
    db.session.rollback()
    log.warning("Sale not recorded, database busy or unreachable: %s", error.orig)
    response = error_response(
        503, _("The server is busy. Your sale is kept and will be sent again."), "busy"
    )
    response[0].headers["Retry-After"] = "5"
    return response


def create_sale():
    vendor = _signed_in_vendor()
    body = _json_object()
    if "lines" in body:
        return _create_ticket(vendor, body)
    data = _sale_from_body(body)
    key = data.client_key
    # Checked only once the key is well formed: the ledger refuses any other with its message.
    if isinstance(key, str) and CLIENT_KEY.fullmatch(key) and _ticket_exists(vendor, key):
        raise _key_reused()
    sale, created = record_sale(vendor, data)
    db.session.commit()
    return jsonify(sale_json(sale)), 201 if created else 200


def _create_ticket(vendor: VendorProfile, body: dict):
    key = body.get("client_key")
    if not isinstance(key, str) or not TICKET_KEY.fullmatch(key):
        raise Refused(
            _("A ticket's key must be 8 to 60 letters, digits, hyphens or underscores."),
            code="invalid_client_key",
            status=400,
        )
    lines = body["lines"]
    if (
        not isinstance(lines, list)
        or not 1 <= len(lines) <= MAX_LINES
        or not all(isinstance(line, dict) for line in lines)
    ):
        raise Refused(
            _("A ticket has from 1 to 50 lines, each with what was sold, quantity and price."),
            code="invalid_lines",
            status=400,
        )
    if find_sale_by_key(vendor, key) or find_sale_by_key(vendor, _line_key(key, len(lines))):
        raise _key_reused()  # a single sale, or a longer ticket, was kept under this key
    shared = {name: body.get(name) for name in ("payment_method", "recorded_at")}
    recorded = []
    for n, line in enumerate(lines):
        data = _sale_from_body({**line, **shared, "client_key": _line_key(key, n)})
        recorded.append(record_sale(vendor, data))
    created = {was_created for _sale, was_created in recorded}
    if len(created) > 1:
        raise _key_reused()  # part of it was there: a shorter ticket was kept under this key
    db.session.commit()
    status = 201 if created == {True} else 200
    return jsonify(ticket_json(key, [sale for sale, _c in recorded])), status


def _ticket_exists(vendor: VendorProfile, key: str) -> bool:
    """A ticket was kept under this key (a single sale sent with it would be a different one)."""
    return find_sale_by_key(vendor, _line_key(key, 0)) is not None


def _line_key(ticket_key: str, index: int) -> str:
    return f"{ticket_key}__{index + 1:02d}"


def _key_reused() -> Refused:
    return Refused(
        _("This sale's key was already used for a different sale. The first sale was kept."),
        code="client_key_reused",
        status=409,
    )


def ticket_json(key: str, sales: list[Sale]) -> dict:
    first = sales[0]
    return {
        "client_key": key,
        "lines": [sale_json(sale) for sale in sales],
        "total": sum(sale.total for sale in sales),
        "currency": "HNL",
        "payment_method": first.payment_method,
        "fair_id": first.fair_id,
        "booth_id": first.booth_id,
        "recorded_at": first.recorded_at.isoformat(),
    }


def my_products():
    """The seller's products for the screen, and a fresh CSRF token for the queue."""
    vendor = _signed_in_vendor()
    items = [product_json(p) for p in sellable_products(vendor)]
    return jsonify(items=items, csrf_token=generate_csrf())


def sale_json(sale: Sale) -> dict:
    return {
        "id": sale.id,
        "client_key": sale.client_key,
        "product_id": sale.product_id,
        "description": sale.description,
        "quantity": sale.quantity,
        "unit_price": sale.unit_price,
        "total": sale.total,
        "currency": "HNL",
        "payment_method": sale.payment_method,
        "fair_id": sale.fair_id,
        "booth_id": sale.booth_id,
        "recorded_at": sale.recorded_at.isoformat(),
        "voided": sale.is_void,
    }


def _signed_in_vendor() -> VendorProfile:
    if not current_user.is_authenticated:
        raise Refused(
            _("Please sign in again to send your sales."), code="sign_in_required", status=401
        )
    if not current_user.has_role(Role.ENTREPRENEUR):
        raise Refused(_("Only entrepreneurs can record sales."), code="forbidden", status=403)
    vendor = find_profile(current_user)
    if vendor is None:
        raise Refused(
            _("Please complete your business profile before recording sales."),
            code="no_profile",
            status=403,
        )
    return vendor


def _sale_from_body(body: dict) -> SaleInput:
    """The sale in the body, each field of the type it must have; the ledger checks the ranges.
    A wrong type (an object for the description, a string for the product) is a 400 here."""
    description = body.get("description") or ""
    if not isinstance(description, str):
        raise Refused(
            _("Choose a product or write what you sold (up to 120 characters)."),
            code="invalid_description",
            status=400,
        )
    if has_forbidden_characters(description):
        raise Refused(str(FORBIDDEN_MESSAGE), code="forbidden_characters", status=422)
    product_id = body.get("product_id")
    if product_id is not None and not _whole(product_id):
        raise Refused(
            _("The product must be given by its number."), code="invalid_product_id", status=400
        )
    if product_id is not None and not 1 <= product_id <= MAX_ID:
        raise Refused(
            _("We could not find this product among yours."), code="product_not_found", status=404
        )
    return SaleInput(
        client_key=body.get("client_key"),
        product_id=product_id,
        description=description,
        quantity=body.get("quantity"),
        unit_price=body.get("unit_price"),
        payment_method=body.get("payment_method"),
        recorded_at=_parse_time(body.get("recorded_at")),
    )


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_object() -> dict:
    body, raw = json_object(
        MAX_TICKET_BODY,
        _("This request is too large for one sale."),
        _("Send the sale as a JSON object."),
    )
    if "lines" not in body and len(raw) > MAX_BODY:
        raise Refused(_("This request is too large for one sale."), code="too_large", status=413)
    return body


def _parse_time(value) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
        # A time without a zone is taken as UTC, which is what the phone's script sends.
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except (TypeError, ValueError, OverflowError):
        raise Refused(
            _("The sale's time is not a valid date and time."),
            code="invalid_recorded_at",
            status=400,
        ) from None
