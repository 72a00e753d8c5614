"""Where uploaded media lives: a local folder (default) or an S3-compatible object store.

Chosen by `MEDIA_URL`:
- empty: files under `<instance>/media/`, served by this app at `/media/<key>`;
- `file:///srv/media?base_url=https://media.example.hn`: another folder, optionally served
  elsewhere;
- `s3://bucket/prefix?endpoint_url=http://127.0.0.1:9000&region=us-east-1&public_url=https://cdn.example/prefix`:
  any S3-compatible store, credentials from the usual AWS environment variables. Several web
  hosts can share it.

Keys are relative paths such as `img/ab/abcdef…/640.webp`. They are content-addressed, so a
saved key never changes: `save` skips a key that exists and everything is served as immutable.
"""

import mimetypes
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, Flask, abort, current_app, send_from_directory

CACHE_CONTROL = "public, max-age=31536000, immutable"
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")


class StorageError(ValueError):
    """A bad MEDIA_URL or an invalid key."""


def check_key(key: str) -> str:
    """A key is a relative path of plain names: no `..`, no leading `/`, no backslash."""
    if not _KEY.fullmatch(key) or ".." in key.split("/"):
        raise StorageError(f"invalid storage key: {key!r}")
    return key


class Storage:
    """What every backend offers. Keys are checked by check_key."""

    def save(self, key: str, data: bytes, content_type: str) -> bool:
        """Store `data` under `key` unless it is there already; True if it was written."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def read(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError if there are none."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Remove `key`; nothing happens if it is not there."""
        raise NotImplementedError

    def iter_keys(self, prefix: str = ""):
        """Every stored key that starts with `prefix`, in no particular order."""
        raise NotImplementedError

    def url(self, key: str) -> str:
        """Where a browser fetches `key`: root-relative or absolute."""
        raise NotImplementedError


class LocalStorage(Storage):
    def __init__(self, root: str | os.PathLike, base_url: str = "/media"):
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def save(self, key: str, data: bytes, content_type: str) -> bool:
        path = self._path(key)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write aside, then rename: a reader never sees half a file, and two workers saving
        # the same key both end with the same complete file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def iter_keys(self, prefix: str = ""):
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and not path.name.startswith(".tmp-") and key.startswith(prefix):
                yield key

    def url(self, key: str) -> str:
        return f"{self.base_url}/{check_key(key)}"


class S3Storage(Storage):
    def __init__(self, bucket, prefix="", endpoint_url=None, region=None, public_url=None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
        )
        if public_url:
            self.public_url = public_url.rstrip("/")
        else:
            base = endpoint_url or f"https://{bucket}.s3.{region or 'us-east-1'}.amazonaws.com"
            bucket_path = f"/{bucket}" if endpoint_url else ""
            self.public_url = "/".join(
                p for p in (base.rstrip("/") + bucket_path, self.prefix) if p
            )

    def _name(self, key: str) -> str:
        return f"{self.prefix}/{check_key(key)}" if self.prefix else check_key(key)

    def save(self, key: str, data: bytes, content_type: str) -> bool:
        if self.exists(key):
            return False
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._name(key),
            Body=data,
            ContentType=content_type,
            CacheControl=CACHE_CONTROL,
        )
        return True

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in (
                "404",
                "NoSuchKey",
                "NotFound",
            ):
                return False
            raise
        return True

    def read(self, key: str) -> bytes:
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc
        return obj["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def iter_keys(self, prefix: str = ""):
        start = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=start + prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(start) :]

    def url(self, key: str) -> str:
        return f"{self.public_url}/{check_key(key)}"


def _local_from_url(parts, options, instance_path) -> Storage:
    root = parts.path or os.path.join(instance_path, "media")
    return LocalStorage(root, options.get("base_url", "/media"))


def _s3_from_url(parts, options, instance_path) -> Storage:
    if not parts.netloc:
        raise StorageError("MEDIA_URL needs a bucket: s3://bucket/prefix")
    return S3Storage(
        parts.netloc,
        parts.path,
        endpoint_url=options.get("endpoint_url"),
        region=options.get("region"),
        public_url=options.get("public_url"),
    )


BACKENDS = {"file": _local_from_url, "s3": _s3_from_url}


def storage_from_url(url: str | None, instance_path: str) -> Storage:
    """The backend that MEDIA_URL names; an empty URL means `<instance>/media/`."""
    parts = urlsplit(url or "file://")
    if parts.scheme not in BACKENDS:
        raise StorageError(f"MEDIA_URL: unknown storage {parts.scheme!r}; use file:// or s3://")
    options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    return BACKENDS[parts.scheme](parts, options, instance_path)


def init_app(app: Flask) -> None:
    storage = storage_from_url(app.config.get("MEDIA_URL"), app.instance_path)
    app.extensions["storage"] = storage
    if isinstance(storage, LocalStorage) and storage.base_url.startswith("/"):
        app.register_blueprint(_media_blueprint(storage))


def get_storage() -> Storage:
    """The current app's storage backend."""
    return current_app.extensions["storage"]


def _media_blueprint(storage: LocalStorage) -> Blueprint:
    bp = Blueprint("storage", __name__)

    @bp.get(f"{storage.base_url}/<path:key>")
    def media(key: str):
        try:
            check_key(key)
        except StorageError:
            abort(404)
        response = send_from_directory(
            storage.root.resolve(), key, mimetype=_content_type(key), conditional=True
        )
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return bp


def _content_type(key: str) -> str:
    return mimetypes.guess_type(key)[0] or "application/octet-stream"
