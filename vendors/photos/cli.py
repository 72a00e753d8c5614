"""`flask --app wsgi images gc`: remove photos that nothing shows any more.

Garbage comes from removed photos, deleted products, and saves that failed after their files
were stored (files are stored before the rows are committed; see vendors/photos/uploads.py). Also here:
`images worker`, which processes photos queued for the background (vendors/photos/jobs.py).
"""

from dataclasses import dataclass, field
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, exists
from sqlalchemy.exc import IntegrityError

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from marketplace.core.storage import get_storage
from vendors.photos.images import key_prefix
from vendors.photos.jobs import UPLOADS_PREFIX, queue
from vendors.photos.models import Image
from vendors.products.models import ProductPhoto
from vendors.profiles.models import VendorProfile

#: Every processed photo is stored under this prefix.
IMAGES_PREFIX = "img/"
#: A new `images` row may be about to get its product photo in a transaction still running.
ROW_GRACE = timedelta(hours=1)
_CHUNK = 500

images_cli = AppGroup("images", help="Stored photos.")


@dataclass
class Garbage:
    rows: list[int] = field(default_factory=list)  # `images` ids
    keys: list[str] = field(default_factory=list)  # storage keys


def unused_rows() -> list[int]:
    """`images` rows that no product photo or vendor logo uses, older than the grace period."""
    stmt = db.select(Image.id).where(
        Image.created_at < utcnow() - ROW_GRACE,
        ~exists().where(ProductPhoto.image_id == Image.id),
        ~exists().where(VendorProfile.logo_id == Image.id),
    )
    return list(db.session.scalars(stmt))


def collect_garbage(dry_run: bool = False) -> Garbage:
    """Delete unused `images` rows, then stored files that no remaining row owns."""
    garbage = Garbage(rows=unused_rows())
    if garbage.rows and not dry_run:
        _delete_rows(garbage.rows)
    doomed = set() if not dry_run else set(_hashes(garbage.rows))
    owners = {key_prefix(h) for h in db.session.scalars(db.select(Image.hash))} - {
        key_prefix(h) for h in doomed
    }
    storage = get_storage()
    candidates = [k for k in storage.iter_keys(IMAGES_PREFIX) if _folder(k) not in owners]
    for keys in _batches(storage, candidates, doomed):
        garbage.keys += keys
        if not dry_run:
            for key in keys:
                storage.delete(key)
    return garbage


def _batches(storage, candidates: list[str], doomed: set[str]):
    """Keys to delete, a batch at a time, each looked at again just before it is deleted."""
    for start in range(0, len(candidates), _CHUNK):
        yield _still_unowned(candidates[start : start + _CHUNK], doomed)
    yield _unclaimed_uploads(storage, doomed)


def _unclaimed_uploads(storage, doomed: set[str]) -> list[str]:
    """Staged uploads (background processing) whose row is gone or already processed."""
    keys = list(storage.iter_keys(UPLOADS_PREFIX))
    digests = [k[len(UPLOADS_PREFIX) :] for k in keys]
    pending = set()
    for start in range(0, len(digests), _CHUNK):
        stmt = db.select(Image.hash, Image.variants).where(
            Image.hash.in_(digests[start : start + _CHUNK])
        )
        pending |= {h for h, variants in db.session.execute(stmt) if not variants} - doomed
    return [k for k, d in zip(keys, digests, strict=True) if d not in pending]


def _delete_rows(ids: list[int]) -> None:
    for start in range(0, len(ids), _CHUNK):
        # Checked again in the statement itself: a photo may have taken one since we looked.
        db.session.execute(
            delete(Image).where(
                Image.id.in_(ids[start : start + _CHUNK]),
                ~exists().where(ProductPhoto.image_id == Image.id),
                ~exists().where(VendorProfile.logo_id == Image.id),
            )
        )
    db.session.commit()


def _hashes(ids: list[int]) -> list[str]:
    return list(db.session.scalars(db.select(Image.hash).where(Image.id.in_(ids))))


def _folder(key: str) -> str:
    return key.rsplit("/", 1)[0]


def _still_unowned(keys: list[str], doomed: set[str]) -> list[str]:
    """Look again just before deleting: a save may have committed its row meanwhile."""
    hashes = {_folder(k).rsplit("/", 1)[-1] for k in keys}
    owned = set(db.session.scalars(db.select(Image.hash).where(Image.hash.in_(hashes)))) - doomed
    return [k for k in keys if _folder(k).rsplit("/", 1)[-1] not in owned]


@images_cli.command("gc")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def gc_command(dry_run: bool):
    """Delete stored photos and `images` rows that nothing uses."""
    try:
        garbage = collect_garbage(dry_run=dry_run)
    except IntegrityError as e:
        db.session.rollback()
        raise click.ClickException("A photo was put to use while cleaning; run again.") from e
    verb = "Would delete" if dry_run else "Deleted"
    for key in garbage.keys:
        click.echo(f"  {key}")
    click.echo(f"{verb} {len(garbage.rows)} unused image rows and {len(garbage.keys)} files.")


@images_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_command(burst: bool):
    """Process queued photos (background processing, needs REDIS_URL)."""
    from rq import SimpleWorker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL: photos are processed inline without it.")
    photos = queue()
    # SimpleWorker: jobs run in this process, inside this app context (no fork with open
    # database connections).
    SimpleWorker([photos], connection=photos.connection).work(burst=burst)


def init_app(app) -> None:
    app.cli.add_command(images_cli)
