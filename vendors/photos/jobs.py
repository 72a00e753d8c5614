"""Processing photos in a background worker (RQ), when REDIS_URL is set.

The request only checks what can be checked without decoding (the format and the declared
size), stores the bytes under `uploads/<hash>` and adds an `images` row with no variants yet:
pages show a placeholder for it. After the commit a job is queued; the worker
(`flask --app wsgi images worker`) makes the variants and fills the row in. A photo found damaged
only while decoding is then dropped from its product (there is nobody left to tell).
"""

import io
import logging
import warnings

from flask import current_app, has_app_context
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from marketplace.core.database import db
from marketplace.core.storage import get_storage
from vendors.photos.images import (
    FORMATS,
    MAX_BYTES,
    MAX_PIXELS,
    ImageError,
    image_error,
    photo_hash,
    process_image,
    variant_sizes,
)
from vendors.photos.models import Image
from vendors.photos.uploads import PhotoErrors, Prepared, Upload, add_image_row, variants_of
from vendors.products.models import ProductPhoto

log = logging.getLogger(__name__)

UPLOADS_PREFIX = "uploads/"
QUEUE = "photos"


def enabled() -> bool:
    """PHOTO_PROCESSING ("inline" or "background") decides; by default, background with Redis."""
    config = current_app.config
    mode = config.get("PHOTO_PROCESSING") or ("background" if config.get("REDIS_URL") else "")
    return mode == "background"


def upload_key(digest: str) -> str:
    return f"{UPLOADS_PREFIX}{digest}"


def stage_uploads(uploads: list[Upload]) -> Prepared:
    """Check each upload's header, store the bytes and add pending rows; queue jobs after commit."""
    sizes, errors = [], []
    for upload in uploads:
        try:
            sizes.append(_upright_size(upload.data))
        except ImageError as e:
            errors.append(f"{upload.filename}: {e.message}" if upload.filename else e.message)
    if errors:
        raise PhotoErrors(errors)
    storage, rows = get_storage(), []
    for upload, (width, height) in zip(uploads, sizes, strict=True):
        digest = photo_hash(upload.data)
        storage.save(upload_key(digest), upload.data, "application/octet-stream")
        width, height = variant_sizes(width, height)[0]
        rows.append(add_image_row(Image(hash=digest, width=width, height=height, variants=[])))
    pending = [(row, upload.data) for row, upload in zip(rows, uploads, strict=True)]
    return Prepared(
        rows, lambda: _enqueue([(r.id, r.hash, d) for r, d in pending if not r.variants])
    )


def _upright_size(data: bytes) -> tuple[int, int]:
    """The size a photo will have once upright, read from its header; ImageError if refused."""
    if not data:
        raise image_error("empty")
    if len(data) > MAX_BYTES:
        raise image_error("too_large")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            with PILImage.open(io.BytesIO(data), formats=FORMATS) as img:
                width, height = img.size
                turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as e:
            raise image_error("too_many_pixels") from e
        except UnidentifiedImageError as e:
            raise image_error("unreadable") from e
        except (OSError, SyntaxError, ValueError, EOFError) as e:
            raise image_error("damaged") from e
    if width * height > MAX_PIXELS:
        raise image_error("too_many_pixels")
    return (height, width) if turned else (width, height)


def queue():
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def _enqueue(pending: list[tuple[int, str, bytes]]) -> None:
    storage, photos = get_storage(), queue()
    for image_id, digest, data in pending:
        # Put back an upload that `images gc` removed before this request committed its row.
        storage.save(upload_key(digest), data, "application/octet-stream")
        photos.enqueue(process_pending_image, image_id, job_id=f"image-{image_id}")


def process_pending_image(image_id: int) -> str:
    """The job: make the variants of a staged upload and fill its row in."""
    if not has_app_context():
        raise RuntimeError("Photo jobs run inside the app: `flask --app wsgi images worker`.")
    image = db.session.get(Image, image_id)
    if image is None or image.variants:
        return "nothing to do"
    storage = get_storage()
    try:
        processed = process_image(storage.read(upload_key(image.hash)))
    except (ImageError, FileNotFoundError) as e:
        log.warning("Dropping photo %s: %s", image_id, e)
        db.session.execute(db.delete(ProductPhoto).where(ProductPhoto.image_id == image.id))
        db.session.delete(image)
        db.session.commit()
        storage.delete(upload_key(image.hash))
        return "dropped"
    processed.save_to(storage)
    image.width, image.height = processed.width, processed.height
    image.variants = variants_of(processed)
    db.session.commit()
    storage.delete(upload_key(image.hash))
    return "processed"
