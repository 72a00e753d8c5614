"""A profile's photo or logo: stored through the image pipeline, removed with the account."""

from marketplace.core import audit
from marketplace.core.auth.models import User
from marketplace.core.extensions import db
from marketplace.core.storage import get_storage
from vendors.photos.images import process_image
from vendors.photos.models import Image
from vendors.products.models import ProductPhoto
from vendors.profiles.models import VendorProfile


def store_image(data: bytes) -> Image:
    """Process an upload (ImageError if refused), store its variants and return its row.

    The same photo uploaded twice is one row and one set of files (content-addressed).
    """
    processed = process_image(data)
    processed.save_to(get_storage())
    image = db.session.scalar(db.select(Image).where(Image.hash == processed.hash))
    if image is None:
        image = Image(
            hash=processed.hash,
            width=processed.width,
            height=processed.height,
            variants=[
                {"width": v.width, "height": v.height, "format": v.format, "key": v.key}
                for v in processed.variants
            ],
        )
        db.session.add(image)
        db.session.flush()
    return image


def set_logo(vendor: VendorProfile, data: bytes, actor: User) -> list[str]:
    """Replace the logo; returns the storage keys of an old logo nothing else uses any more."""
    old = vendor.logo
    vendor.logo = store_image(data)
    audit.record(actor, "vendor.logo_changed", "vendor", vendor.id)
    db.session.flush()
    return release_image(old) if old is not None and old.id != vendor.logo.id else []


def image_url(image: Image | None, width: int = 320, fmt: str = "webp") -> str | None:
    """The URL of the smallest variant at least `width` wide (or the largest there is)."""
    if image is None:
        return None
    variants = [v for v in image.variants if v["format"] == fmt]
    fitting = [v for v in variants if v["width"] >= width] or variants[:1]
    chosen = min(fitting, key=lambda v: v["width"])
    return get_storage().url(chosen["key"])


def release_image(image: Image) -> list[str]:
    """Delete the image row if no profile or product photo still uses it; return its keys.

    The caller removes the files (remove_files) after committing, so a failed transaction never
    leaves rows pointing at deleted files.
    """
    in_use = db.session.scalar(
        db.select(db.func.count())
        .select_from(VendorProfile)
        .where(VendorProfile.logo_id == image.id)
    ) + db.session.scalar(
        db.select(db.func.count())
        .select_from(ProductPhoto)
        .where(ProductPhoto.image_id == image.id)
    )
    if in_use:
        return []
    keys = [v["key"] for v in image.variants]
    db.session.delete(image)
    return keys


def remove_files(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        storage.delete(key)
