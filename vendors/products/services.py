"""Products: the loaders that check who may touch one, and what can be done to it.

Services flush; the route that called them commits once.
"""

from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from marketplace.core import audit
from marketplace.core.auth.models import User, utcnow
from marketplace.core.database import db
from vendors.photos import jobs as photo_jobs
from vendors.photos.models import Image
from vendors.photos.uploads import Prepared, Upload, check_photo_count, prepare_inline
from vendors.products.models import Product, ProductPhoto
from vendors.profiles.models import VendorProfile


@dataclass
class ProductFields:
    """What the product form edits, already parsed (price in centavos, stock None = to order)."""

    title: str
    description: str
    category: str
    price: int
    stock: int | None
    visible: bool


def get_own_product(product_id: int) -> Product:
    """The signed-in entrepreneur's product, or 404: someone else's looks like a missing one."""
    product = db.session.get(Product, product_id)
    if (
        product is None
        or product.deleted_at is not None
        or product.vendor.user_id is None
        or product.vendor.user_id != current_user.id
    ):
        abort(404)
    return product


def get_own_photo(product: Product, photo_id: int) -> ProductPhoto:
    """A photo of a product already checked by get_own_product, or 404."""
    photo = db.session.get(ProductPhoto, photo_id)
    if photo is None or photo.product_id != product.id:
        abort(404)
    return photo


def get_product_for_moderation(product_id: int) -> Product:
    """Any product that is not deleted; the route checks the staff role."""
    product = db.session.get(Product, product_id)
    if product is None or product.deleted_at is not None:
        abort(404)
    return product


def list_products(vendor: VendorProfile):
    """The entrepreneur's products, newest first (a select to paginate)."""
    return (
        db.select(Product)
        .where(Product.vendor_id == vendor.id, Product.deleted_at.is_(None))
        .order_by(Product.created_at.desc(), Product.id.desc())
        .options(selectinload(Product.photos).selectinload(ProductPhoto.image))
    )


def prepare_photos(uploads: list[Upload]) -> Prepared:
    """Check and store the uploads, inline or for the background worker (when configured).
    Raises PhotoErrors before anything is stored if any upload is refused."""
    if photo_jobs.enabled():
        return photo_jobs.stage_uploads(uploads)
    return prepare_inline(uploads)


def create_product(vendor: VendorProfile, fields: ProductFields, photos: list[Image]) -> Product:
    product = Product(vendor=vendor)
    _apply(product, fields)
    db.session.add(product)
    add_photos(product, photos, default_alt=fields.title)
    return product


def update_product(product: Product, fields: ProductFields, photos: list[Image]) -> None:
    _apply(product, fields)
    add_photos(product, photos, default_alt=fields.title)


def _apply(product: Product, fields: ProductFields) -> None:
    product.title = fields.title
    product.description = fields.description
    product.category = fields.category
    product.price = fields.price
    if fields.stock != product.stock:
        product.needs_stock_check = False  # the entrepreneur just counted
    product.stock = fields.stock
    product.visible = fields.visible


def add_photos(product: Product, images: list[Image], default_alt: str = "") -> None:
    """Add stored photos after the product's current ones."""
    if not images:
        return
    check_photo_count(len(product.photos), len(images))
    start = max((p.position for p in product.photos), default=-1) + 1
    for offset, image in enumerate(images):
        product.photos.append(
            ProductPhoto(image=image, position=start + offset, alt_text=default_alt[:200])
        )
    db.session.flush()


def move_photo(product: Product, photo: ProductPhoto, step: int) -> None:
    """Swap a photo with its neighbour (step -1: earlier, +1: later); the first is the cover."""
    photos = list(product.photos)
    index = photos.index(photo)
    other = index + step
    if not 0 <= other < len(photos):
        return
    photos[index], photos[other] = photos[other], photos[index]
    _renumber(photos)


def remove_photo(product: Product, photo: ProductPhoto) -> None:
    """Drop the photo from the product; `images gc` frees its files if nothing else shows it."""
    product.photos.remove(photo)
    db.session.flush()
    _renumber(list(product.photos))


def _renumber(photos: list[ProductPhoto]) -> None:
    # Positions are unique per product: move everything out of the way first.
    for i, photo in enumerate(photos):
        photo.position = -1 - i
    db.session.flush()
    for i, photo in enumerate(photos):
        photo.position = i
    db.session.flush()


def set_alt_text(photo: ProductPhoto, text: str) -> None:
    photo.alt_text = text
    db.session.flush()


def set_visible(product: Product, visible: bool) -> None:
    """The entrepreneur shows or hides the product (a product hidden by organisers stays hidden)."""
    product.visible = visible
    db.session.flush()


def delete_product(product: Product) -> None:
    """Soft delete: sales keep pointing at it, but its photos go (their files with `images gc`)."""
    product.deleted_at = utcnow()
    product.visible = False
    product.photos.clear()
    db.session.flush()


def hide_by_organiser(product: Product, organiser: User, reason: str) -> None:
    product.moderated_at = utcnow()
    product.moderation_reason = reason
    audit.record(organiser, "product.hidden", "product", product.id, reason=reason)
    db.session.flush()


def restore_by_organiser(product: Product, organiser: User) -> None:
    product.moderated_at = None
    product.moderation_reason = ""
    audit.record(organiser, "product.restored", "product", product.id)
    db.session.flush()


def product_panel(vendor: VendorProfile) -> dict:
    """Figures for the dashboard panel."""
    live = (Product.vendor_id == vendor.id, Product.deleted_at.is_(None))
    count, out_of_stock, to_check = db.session.execute(
        db.select(
            func.count(Product.id),
            func.count(Product.id).filter(Product.stock == 0),
            func.count(Product.id).filter(Product.needs_stock_check.is_(True)),
        ).where(*live)
    ).one()
    return {
        "vendor": vendor,
        "count": count,
        "out_of_stock": out_of_stock,
        "to_check": to_check,
    }
