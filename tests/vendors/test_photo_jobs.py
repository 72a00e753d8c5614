"""Background photo processing with a real Redis and an RQ worker; skipped without redis-server."""

import shutil
import socket
import subprocess
import time

import pytest
from rq import SimpleWorker

from marketplace.core.database import db
from marketplace.core.storage import get_storage
from tests.vendors.test_products import count, form, jpeg
from vendors.photos import jobs as photo_jobs
from vendors.photos.cli import collect_garbage
from vendors.photos.models import Image
from vendors.products.models import Product, ProductPhoto

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.skipif(not REDIS_SERVER, reason="redis-server is not installed"),
    pytest.mark.usefixtures("english"),
]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    from redis import Redis

    for _ in range(100):
        try:
            Redis.from_url(url).ping()
            break
        except Exception:
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait()


@pytest.fixture
def background(app, redis_url, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "PHOTO_PROCESSING", "background")
    yield
    photo_jobs.queue().connection.flushdb()


@pytest.fixture
def seller(make, auth):
    vendor = make.product_vendor()
    auth.login(vendor.user.email)
    return vendor


def run_worker():
    queue = photo_jobs.queue()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_the_product_shows_a_placeholder_until_the_worker_made_the_photo(
    client, seller, background
):
    response = client.post("/me/products/new", data=form([("bolsa.jpg", jpeg(size=(300, 200)))]))
    assert response.status_code == 303
    product = db.session.scalars(db.select(Product)).one()
    image = product.cover
    assert image.variants == [] and (image.width, image.height) == (300, 200)
    assert get_storage().exists(f"uploads/{image.hash}")
    assert "picture-placeholder" in client.get("/me/products").get_data(as_text=True)

    run_worker()
    db.session.expire_all()
    assert {v["format"] for v in image.variants} == {"webp", "jpg"}
    assert all(get_storage().exists(v["key"]) for v in image.variants)
    assert not get_storage().exists(f"uploads/{image.hash}")
    page = client.get("/me/products").get_data(as_text=True)
    assert "picture-placeholder" not in page and ".webp 300w" in page


def test_refusals_that_need_no_decoding_are_still_immediate(client, seller, background):
    response = client.post("/me/products/new", data=form([("notas.jpg", b"queso, 80 lempiras")]))
    assert response.status_code == 422
    assert "notas.jpg: This file is not a photo we can read." in response.get_data(as_text=True)
    assert count(Product) == 0 and list(get_storage().iter_keys("uploads/")) == []


def test_a_photo_found_damaged_by_the_worker_is_dropped(client, seller, background):
    whole = jpeg(size=(800, 600))
    client.post("/me/products/new", data=form([("cortada.jpg", whole[: len(whole) // 2])]))
    assert count(ProductPhoto) == 1
    run_worker()
    db.session.expire_all()
    assert count(Product) == 1 and count(ProductPhoto) == 0 and count(Image) == 0
    assert list(get_storage().iter_keys("uploads/")) == []


def test_gc_keeps_pending_uploads_and_removes_orphaned_ones(client, seller, background):
    client.post("/me/products/new", data=form([("a.jpg", jpeg())]))
    get_storage().save("uploads/" + "0" * 32, b"left over", "application/octet-stream")
    garbage = collect_garbage()
    assert "uploads/" + "0" * 32 in garbage.keys
    [pending] = db.session.scalars(db.select(Image)).all()
    assert get_storage().exists(f"uploads/{pending.hash}")
