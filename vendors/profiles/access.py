"""Loaders that fetch a profile AND check that the current person may touch it."""

from flask import abort
from flask_login import current_user

from marketplace.core.extensions import db
from vendors.profiles.models import VendorProfile
from vendors.profiles.services import find_profile


def get_own_profile(required: bool = True) -> VendorProfile | None:
    """The signed-in entrepreneur's own profile; 404 when `required` and there is none yet."""
    if not current_user.is_authenticated:
        abort(401)
    vendor = find_profile(current_user)
    if vendor is None and required:
        abort(404)
    return vendor


def get_vendor_for_staff(vendor_id: int, for_update: bool = False) -> VendorProfile:
    """Any live profile, for organisers only (403 for anyone else, 404 for a deleted one).

    `for_update` locks the row, so two organisers deciding at once take turns.
    """
    if not (current_user.is_authenticated and current_user.is_staff):
        abort(403)
    stmt = db.select(VendorProfile).where(
        VendorProfile.id == vendor_id, VendorProfile.deleted_at.is_(None)
    )
    if for_update:
        stmt = stmt.with_for_update()
    vendor = db.session.scalar(stmt)
    if vendor is None:
        abort(404)
    return vendor
