"""Outgoing e-mail: written to instance/mail/ and the log by default, SMTP when MAIL_URL is set.

MAIL_URL looks like smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465.
"""

import logging
import smtplib
import ssl
import time
import uuid
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

log = logging.getLogger(__name__)


def init_app(app) -> None:
    app.extensions["mail_dir"] = Path(app.instance_path) / "mail"


def send_mail(to: str, subject: str, template: str, **context) -> None:
    """Render templates/<template>.txt and send it; never raises for a delivery failure."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(render_template(f"{template}.txt", **context))
    url = current_app.config.get("MAIL_URL")
    try:
        if url:
            _send_smtp(url, msg)
        else:
            _write_file(msg)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send mail %r to %s", subject, to)


def _write_file(msg: EmailMessage) -> None:
    folder = current_app.extensions["mail_dir"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(msg))
    log.info("Mail to %s, %r, written to %s", msg["To"], msg["Subject"], path)


def _send_smtp(url: str, msg: EmailMessage) -> None:
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    cls = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with cls(parts.hostname, parts.port or (465 if secure else 587), timeout=15) as smtp:
        if not secure:
            smtp.starttls(context=ssl.create_default_context())
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(msg)
