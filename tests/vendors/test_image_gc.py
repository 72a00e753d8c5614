"""A failed save leaves no product pointing at missing files, and `images gc` clears what is left."""

from datetime import timedelta

import pytest

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from marketplace.core.storage import get_storage
from tests.vendors.test_products import count, jpeg
from vendors.photos import cli as image_cli
from vendors.photos.images import process_image
from vendors.photos.models import Image
from vendors.photos.uploads import store_images
from vendors.products import services as products
from vendors.products.models import Product, ProductPhoto
from vendors.products.services import ProductFields

FIELDS = ProductFields("Jabón de avena", "", "beauty", 8000, 10, True)


@pytest.fixture(autouse=True)
def empty_storage():
    """Other tests' files stay in the shared media folder after their rows are emptied."""
    storage = get_storage()
    for key in list(storage.iter_keys()):
        storage.delete(key)


def files_of(processed) -> list[str]:
    return [v.key for v in processed.variants]


def test_a_save_that_fails_after_storing_leaves_files_that_gc_removes(make, runner):
    vendor = make.product_vendor()
    processed = process_image(jpeg())
    products.create_product(vendor, FIELDS, store_images([processed]))
    db.session.rollback()  # e.g. the database went away just before the commit
    assert count(Product) == 0 and count(Image) == 0
    storage = get_storage()
    assert all(storage.exists(k) for k in files_of(processed))

    dry = runner.invoke(args=["images", "gc", "--dry-run"])
    assert f"Would delete 0 unused image rows and {len(files_of(processed))} files." in dry.output
    assert all(storage.exists(k) for k in files_of(processed))

    result = runner.invoke(args=["images", "gc"])
    assert result.exit_code == 0
    assert f"Deleted 0 unused image rows and {len(files_of(processed))} files." in result.output
    assert not any(storage.exists(k) for k in files_of(processed))


def test_gc_keeps_every_file_a_product_shows(make, runner):
    vendor = make.product_vendor()
    processed = process_image(jpeg())
    products.create_product(vendor, FIELDS, store_images([processed]))
    db.session.commit()
    result = runner.invoke(args=["images", "gc"])
    assert "Deleted 0 unused image rows and 0 files." in result.output
    assert all(get_storage().exists(k) for k in files_of(processed))


def test_gc_removes_photos_nothing_uses_any_more(make, runner):
    vendor = make.product_vendor()
    kept, removed = process_image(jpeg()), process_image(jpeg((10, 20, 200)))
    product = products.create_product(vendor, FIELDS, store_images([kept, removed]))
    db.session.commit()
    products.remove_photo(product, product.photos[1])
    db.session.commit()
    # Young rows are left alone: a save may be about to attach its photo.
    assert image_cli.collect_garbage().rows == []
    db.session.execute(db.update(Image).values(created_at=utcnow() - timedelta(hours=2)))
    db.session.commit()

    garbage = image_cli.collect_garbage()
    assert len(garbage.rows) == 1 and sorted(garbage.keys) == sorted(files_of(removed))
    assert count(Image) == 1 and count(ProductPhoto) == 1
    assert all(get_storage().exists(k) for k in files_of(kept))
    assert not any(get_storage().exists(k) for k in files_of(removed))


def test_deleting_a_product_frees_its_photos(make, runner):
    vendor = make.product_vendor()
    processed = process_image(jpeg((90, 30, 30)))
    product = products.create_product(vendor, FIELDS, store_images([processed]))
    db.session.commit()
    products.delete_product(product)
    db.session.execute(db.update(Image).values(created_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    result = runner.invoke(args=["images", "gc"])
    assert f"Deleted 1 unused image rows and {len(files_of(processed))} files." in result.output


def test_a_photo_shared_by_two_products_stays_while_one_uses_it(make):
    vendor = make.product_vendor()
    processed = process_image(jpeg((5, 5, 5)))
    first = products.create_product(vendor, FIELDS, store_images([processed]))
    products.create_product(vendor, FIELDS, store_images([processed]))
    db.session.commit()
    products.delete_product(first)
    db.session.execute(db.update(Image).values(created_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    assert image_cli.collect_garbage().keys == []


@pytest.mark.postgres
def test_gc_leaves_a_row_that_a_photo_took_meanwhile(make):
    vendor = make.product_vendor()
    [image] = store_images([process_image(jpeg((1, 99, 1)))])
    image.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    ids = image_cli.unused_rows()
    product = products.create_product(vendor, FIELDS, [])
    db.session.add(ProductPhoto(product=product, image_id=image.id))
    db.session.commit()
    image_cli._delete_rows(ids)  # the statement checks again: nothing is deleted
    assert count(Image) == 1
