"""The JSON endpoints the sales screen's offline queue talks to (session cookie + CSRF header)."""

import json
import logging
from datetime import UTC, datetime

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import RequestEntityTooLarge

from marketplace.auth.models import Role
from marketplace.errors import Refused, error_response
from marketplace.extensions import db
from marketplace.inputs import FORBIDDEN_MESSAGE, MAX_ID, has_forbidden_characters
from vendors.ledger import SaleInput, SaleRefused, record_sale
from vendors.models import Sale, VendorProfile
from vendors.sales_queries import product_json, sellable_products, vendor_of

#: A sale is a few hundred bytes; anything much bigger is not a sale.
MAX_BODY = 4096

log = logging.getLogger(__name__)
bp = Blueprint("sales_api", __name__, url_prefix="/api/v1")


@bp.errorhandler(SaleRefused)
def _refused(refused: SaleRefused):
    db.session.rollback()
    return error_response(refused.status, refused.message, refused.code)


@bp.errorhandler(OperationalError)
def _busy(error: OperationalError):
    """The database is locked or unreachable: the phone keeps the sale and sends it again."""
    db.session.rollback()
    log.warning("Sale not recorded, database busy or unreachable: %s", error.orig)
    response = error_response(
        503, _("The server is busy. Your sale is kept and will be sent again."), "busy"
    )
    response[0].headers["Retry-After"] = "5"
    return response


@bp.post("/sales")
def create_sale():
    vendor = _signed_in_vendor()
    sale, created = record_sale(vendor, _sale_from_body())
    db.session.commit()
    return jsonify(sale_json(sale)), 201 if created else 200


@bp.get("/me/products")
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
    vendor = vendor_of(current_user)
    if vendor is None:
        raise Refused(
            _("Please complete your business profile before recording sales."),
            code="no_profile",
            status=403,
        )
    return vendor


def _sale_from_body() -> SaleInput:
    """The sale in the body, each field of the type it must have; the ledger checks the ranges.
    A wrong type (an object for the description, a string for the product) is a 400 here."""
    body = _json_object()
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
    too_large = Refused(_("This request is too large for one sale."), code="too_large", status=413)
    if (request.content_length or 0) > MAX_BODY:
        raise too_large
    request.max_content_length = MAX_BODY  # also bounds a body sent without a length
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise too_large from None
    try:
        body = json.loads(raw) if request.is_json else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise Refused(_("Send the sale as a JSON object."), code="invalid_json", status=400)
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
