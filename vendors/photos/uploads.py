"""Product photos: turn uploads into stored variants and `images` rows, in a safe order.

Every photo of a request is processed in memory first, so one bad file refuses the whole save
before anything is stored. Then the variants are stored (content-addressed: storing them again
is harmless) and only then are rows added, in the caller's transaction. If that transaction
fails, the stored files point nowhere, and `flask --app wsgi images gc` removes them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from marketplace.core.database import db
from marketplace.core.storage import get_storage
from vendors.photos.images import ImageError, ProcessedImage, process_image
from vendors.photos.models import Image

#: Photos a product can have.
MAX_PHOTOS = 8


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass
class Prepared:
    """Photos ready to attach: their `images` rows (flushed), and what to do after the commit."""

    images: list[Image]
    after_commit: Callable[[], None] = field(default=lambda: None)


class PhotoErrors(Exception):
    """One or more uploads refused; `messages` are ready to show next to the photo field."""

    def __init__(self, messages: list):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = messages


def check_photo_count(existing: int, adding: int) -> None:
    """Refuse an upload that would take a product past MAX_PHOTOS."""
    if existing + adding <= MAX_PHOTOS:
        return
    if existing:
        message = _l(
            "A product can have up to %(max)s photos. It has %(have)s, so you can add %(left)s more.",
            max=MAX_PHOTOS,
            have=existing,
            left=max(0, MAX_PHOTOS - existing),
        )
    else:
        message = _l("A product can have up to %(max)s photos.", max=MAX_PHOTOS)
    raise PhotoErrors([message])


def process_uploads(uploads: list[Upload]) -> list[ProcessedImage]:
    """Process every upload, or raise PhotoErrors naming each file that was refused."""
    processed, errors = [], []
    for upload in uploads:
        try:
            processed.append(process_image(upload.data))
        except ImageError as e:
            errors.append(f"{upload.filename}: {e.message}" if upload.filename else e.message)
    if errors:
        raise PhotoErrors(errors)
    return processed


def prepare_inline(uploads: list[Upload]) -> Prepared:
    """Process every upload now, then store the files and add the rows."""
    processed = process_uploads(uploads)
    return Prepared(store_images(processed), lambda: restore_files(processed))


def store_images(processed: list[ProcessedImage]) -> list[Image]:
    """Store the variants, then return an `images` row for each (found or added, flushed)."""
    storage = get_storage()
    for image in processed:
        image.save_to(storage)
    return [image_row(image) for image in processed]


def restore_files(processed: list[ProcessedImage]) -> None:
    """Call after the commit: puts back any file that `images gc` removed while the request was
    between storing and committing (it only skips files that are there)."""
    storage = get_storage()
    for image in processed:
        image.save_to(storage)


def variants_of(image: ProcessedImage) -> list[dict]:
    return [
        {"width": v.width, "height": v.height, "format": v.format, "key": v.key}
        for v in image.variants
    ]


def image_row(image: ProcessedImage) -> Image:
    """The `images` row for a processed photo: the one already there, or a new one (flushed)."""
    return add_image_row(
        Image(hash=image.hash, width=image.width, height=image.height, variants=variants_of(image))
    )


def add_image_row(row: Image) -> Image:
    """Add `row` unless a row with its hash exists; return whichever is in the database."""
    existing = db.session.scalar(db.select(Image).where(Image.hash == row.hash))
    if existing is not None:
        return existing
    try:
        # Two people may send the same photo at once: the hash is unique, so take theirs.
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return db.session.scalars(db.select(Image).where(Image.hash == row.hash)).one()
    return row
