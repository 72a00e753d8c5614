"""The development mail backend's folder (instance/mail/) read the way a person reads their
inbox: the messages sent to one address, and the links in them."""

import email
import email.policy
import re
from pathlib import Path


def clear(app) -> None:
    for old in Path(app.instance_path, "mail").glob("*.eml"):
        old.unlink()


def messages(app, address: str) -> list[tuple[str, str]]:
    """(subject, body) of each message to `address`, oldest first."""
    found = []
    paths = sorted(
        Path(app.instance_path, "mail").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns
    )
    for path in paths:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if msg["To"] == address:
            found.append((str(msg["Subject"]), msg.get_content()))
    return found


def link(body: str, path: str) -> str:
    """The site-relative link in `body` that starts with `path` (e.g. "/register/confirm/")."""
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S*)", body).group(1)
