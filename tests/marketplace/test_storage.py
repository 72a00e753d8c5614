"""Media storage: the same behaviour from the local folder and from an S3-compatible store."""

import socket
import uuid

import boto3
import pytest
from flask import Flask
from moto.server import ThreadedMotoServer

from marketplace.core import storage as media
from marketplace.core.storage import LocalStorage, S3Storage, StorageError, storage_from_url
from tests import images_factory as factory
from vendors.photos.images import ImageError, process_image

KEY = "img/ab/abcdef0123456789/640.webp"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real HTTP S3 fake on this machine (moto's server mode), for the whole module."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def s3_url(s3_endpoint, aws_env):
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    return f"s3://{bucket}/shared/media?endpoint_url={s3_endpoint}&region=us-east-1"


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return storage_from_url("", str(tmp_path))
    return storage_from_url(request.getfixturevalue("s3_url"), str(tmp_path))


def test_saved_media_can_be_read_listed_and_deleted(store):
    assert not store.exists(KEY)
    assert store.save(KEY, b"photo bytes", "image/webp") is True
    assert store.exists(KEY)
    assert store.read(KEY) == b"photo bytes"
    store.save("img/cd/other/320.jpg", b"other", "image/jpeg")
    assert sorted(store.iter_keys()) == [
        "img/ab/abcdef0123456789/640.webp",
        "img/cd/other/320.jpg",
    ]
    assert list(store.iter_keys("img/cd/")) == ["img/cd/other/320.jpg"]
    store.delete(KEY)
    store.delete(KEY)  # deleting twice is harmless
    assert not store.exists(KEY)
    with pytest.raises(FileNotFoundError):
        store.read(KEY)


def test_a_key_already_stored_is_not_written_again(store):
    assert store.save(KEY, b"first", "image/webp") is True
    assert store.save(KEY, b"second", "image/webp") is False
    assert store.read(KEY) == b"first"


@pytest.mark.parametrize("key", ["../secret", "/etc/passwd", "img/../../x", "img\\x", "", ".env"])
def test_keys_cannot_leave_the_media_area(store, key):
    with pytest.raises(StorageError):
        store.save(key, b"x", "text/plain")


def test_a_processed_photo_is_stored_once(store):
    result = process_image(factory.phone_jpeg())
    result.save_to(store)
    result.save_to(store)
    assert sorted(store.iter_keys()) == sorted(v.key for v in result.variants)


def test_a_refused_upload_stores_nothing(store):
    with pytest.raises(ImageError):
        process_image(b"not a photo").save_to(store)
    assert list(store.iter_keys()) == []


def test_local_files_are_written_whole_under_instance_media(tmp_path):
    store = storage_from_url(None, str(tmp_path))
    assert isinstance(store, LocalStorage)
    store.save(KEY, b"photo", "image/webp")
    assert (tmp_path / "media" / KEY).read_bytes() == b"photo"
    assert [p.name for p in (tmp_path / "media" / KEY).parent.iterdir()] == ["640.webp"]
    assert store.url(KEY) == f"/media/{KEY}"


def test_s3_urls_use_the_public_address(s3_url):
    store = storage_from_url(s3_url + "&public_url=https://cdn.example.hn/m/", "/unused")
    assert isinstance(store, S3Storage)
    assert store.url(KEY) == f"https://cdn.example.hn/m/{KEY}"


def test_s3_objects_carry_content_type_and_immutable_cache(s3_url):
    store = storage_from_url(s3_url, "/unused")
    store.save(KEY, b"photo", "image/webp")
    head = store.client.head_object(Bucket=store.bucket, Key=f"shared/media/{KEY}")
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    # Without a public URL, objects are addressed through the endpoint, path-style.
    assert store.url(KEY).endswith(f"/{store.bucket}/shared/media/{KEY}")


def test_an_unknown_storage_url_is_refused():
    with pytest.raises(StorageError):
        storage_from_url("ftp://example.hn/media", "/unused")


@pytest.fixture
def media_app(tmp_path):
    """A bare Flask app with only the storage extension."""
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config["MEDIA_URL"] = ""
    media.init_app(app)
    return app


def test_local_media_is_served_with_long_lived_immutable_caching(media_app):
    app = media_app
    result = process_image(factory.phone_jpeg())
    with app.app_context():
        result.save_to(media.get_storage())
        url = media.get_storage().url(result.variants[0].key)
    client = app.test_client()
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.data == result.variants[0].data
    with client.get(url.replace(".webp", ".jpg")) as jpeg:
        assert jpeg.mimetype == "image/jpeg"


@pytest.mark.parametrize(
    "path",
    [
        "/media/img/ab/missing/640.webp",
        "/media/../secret.txt",
        "/media/img/%2e%2e/%2e%2e/secret.txt",
        "/media/..%2fsecret.txt",
        "/media/.tmp-half-written",
    ],
)
def test_unknown_or_escaping_media_paths_are_not_found(media_app, tmp_path, path):
    app = media_app
    (tmp_path / "secret.txt").write_text("SECRET_KEY=abc")
    (tmp_path / "media").mkdir(exist_ok=True)
    (tmp_path / "media" / ".tmp-half-written").write_text("partial")
    with app.test_client().get(path) as response:
        assert response.status_code == 404
        assert b"SECRET_KEY" not in response.data
