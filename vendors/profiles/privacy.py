"""An entrepreneur's own data: download all of it, or delete the account.

Deleting keeps the anonymous sales figures that reports add up (the vendors row stays,
anonymised, so sales still point somewhere) and removes everything that says who the person is.
"""

import json
import secrets
import tempfile
import zipfile
from collections.abc import Callable

from flask_babel import gettext as _

from marketplace.core import audit
from marketplace.core.auth import services as accounts
from marketplace.core.auth import sessions
from marketplace.core.auth.models import User, utcnow
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.storage import get_storage
from vendors.products.models import Product, ProductPhoto
from vendors.profiles.logo import release_image
from vendors.profiles.models import VendorProfile
from vendors.profiles.services import PROFILE_FIELDS
from vendors.sales.models import Sale

#: Other packages (fairs: applications) add their part of the export here: name -> fn(vendor).
EXPORT_SECTIONS: dict[str, Callable[[VendorProfile], object]] = {}


def _iso(value):
    return value.isoformat() if value is not None else None


def _profile(vendor: VendorProfile) -> dict:
    data = {name: getattr(vendor, name) for name in PROFILE_FIELDS}
    data.update(
        slug=vendor.slug,
        status=vendor.status,
        status_reason=vendor.status_reason,
        created_at=_iso(vendor.created_at),
        registered_at_ministry_desk=vendor.assisted_by_id is not None,
        consent_at=_iso(vendor.consent_at),
    )
    return data


def _products(vendor: VendorProfile) -> list[dict]:
    stmt = db.select(Product).where(Product.vendor_id == vendor.id).order_by(Product.id)
    return [
        {
            "id": p.id,
            "title": p.title,
            "description": p.description,
            "category": p.category,
            "price_centavos": p.price,
            "stock": p.stock,
            "visible": p.visible,
            "created_at": _iso(p.created_at),
            "deleted_at": _iso(p.deleted_at),
            "photos": [f"files/{_photo_name(p.id, ph)}" for ph in p.photos],
        }
        for p in db.session.scalars(stmt)
    ]


def _sales(vendor: VendorProfile) -> list[dict]:
    stmt = db.select(Sale).where(Sale.vendor_id == vendor.id).order_by(Sale.recorded_at, Sale.id)
    return [
        {
            "recorded_at": _iso(s.recorded_at),
            "description": s.description,
            "quantity": s.quantity,
            "unit_price_centavos": s.unit_price,
            "total_centavos": s.total,
            "payment_method": s.payment_method,
            "voided_at": _iso(s.voided_at),
            "void_reason": s.void_reason,
        }
        for s in db.session.scalars(stmt.execution_options(yield_per=500))
    ]


def _largest(image) -> dict:
    return max(image.variants, key=lambda v: (v["width"], v["format"] == "jpg"))


def _photo_name(product_id: int, photo: ProductPhoto) -> str:
    return f"product-{product_id}-{photo.position + 1}.{_largest(photo.image)['format']}"


def _files(vendor: VendorProfile):
    """(name in the zip, storage key) for the logo and every product photo."""
    if vendor.logo is not None:
        yield f"logo.{_largest(vendor.logo)['format']}", _largest(vendor.logo)["key"]
    for product in vendor.products:
        for photo in product.photos:
            yield _photo_name(product.id, photo), _largest(photo.image)["key"]


def export_data(user: User, vendor: VendorProfile | None):
    """Everything we hold about this person, as a zip in a temporary file (rewound)."""
    document = {
        "exported_at": _iso(utcnow()),
        "account": {
            "name": user.name,
            "email": user.email,
            "language": user.locale,
            "created_at": _iso(user.created_at),
        },
    }
    if vendor is not None:
        document["profile"] = _profile(vendor)
        document["products"] = _products(vendor)
        document["sales"] = _sales(vendor)
        for name, section in EXPORT_SECTIONS.items():
            document[name] = section(vendor)
    # Handed to send_file, which closes it when the download ends.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mercado-retorno.json", json.dumps(document, ensure_ascii=False, indent=2))
        if vendor is not None:
            storage = get_storage()
            for name, key in _files(vendor):
                try:
                    zf.writestr(f"files/{name}", storage.read(key), zipfile.ZIP_STORED)
                except FileNotFoundError:
                    continue  # a file lost from storage should not block the rest
    out.seek(0)
    return out


def delete_account(user: User, password: str, vendor: VendorProfile | None) -> list[str]:
    """Anonymise the account and profile; returns storage keys to remove after the commit."""
    if not accounts.check_password(user, password):
        raise Refused(_("The password is not correct. Nothing was deleted."), field="password")
    keys = _anonymise_vendor(vendor) if vendor is not None else []
    audit.record(user, "account.deleted", "user", user.id)
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.name = ""
    user.password_hash = None
    user.locale = None
    user.active = False
    sessions.end_all(user)
    db.session.flush()
    return keys


def _anonymise_vendor(vendor: VendorProfile) -> list[str]:
    images = []
    if vendor.logo is not None:
        images.append(vendor.logo)
        vendor.logo = None
    now = utcnow()
    for product in vendor.products:
        images += [photo.image for photo in product.photos]
        product.photos.clear()
        product.description = ""
        product.visible = False
        product.deleted_at = product.deleted_at or now
    # Category and department stay: they are what anonymous reports group sales by.
    vendor.business_name = "—"
    vendor.slug = f"eliminado-{secrets.token_hex(8)}"
    vendor.story = ""
    vendor.municipality = ""
    vendor.phone = vendor.whatsapp = None
    vendor.show_phone = vendor.show_whatsapp = False
    vendor.returned_from = vendor.returned_year = None
    vendor.gender = vendor.age_range = None
    vendor.status_reason = ""
    vendor.claim_code_hash = vendor.claim_code_expires_at = None
    vendor.user = None
    vendor.deleted_at = now
    audit.record(None, "vendor.deleted", "vendor", vendor.id)
    db.session.flush()
    keys = []
    for image in {image.id: image for image in images}.values():
        keys += release_image(image)
    return keys
