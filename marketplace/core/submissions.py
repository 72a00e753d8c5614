"""One-time submission keys: a form sent twice (a double tap, a retry on a weak signal) acts once.

Each create form or action button carries a key made when the page was rendered
(`submission_key()` in templates, or `OnceForm`). The view claims the key before it does
anything; the claim is a row with a unique (kind, key) inserted in the view's own transaction, so
a second request with the same key waits for the first to commit and then finds its outcome:
it answers with the same redirect and message instead of doing the work again. A request that
fails (validation, a refusal) rolls its claim back with everything else, so the corrected form
can be sent again with the same key.

    claim = submissions.claim("checkout")          # raises Repeated for a key already used
    ... do the work ...
    response = submissions.done(claim, url, _("Order placed."))
    db.session.commit()
    return response
"""

import re
import secrets
from datetime import datetime, timedelta

import click
from flask import flash, redirect, request
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.core.forms import Form

FIELD = "submission_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_key() -> str:
    return secrets.token_urlsafe(18)


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What was sent, e.g. "checkout", "refund", "application".
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: What the first request answered: {"url": ..., "message": ..., "category": ...}.
    outcome: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Repeated(Exception):
    """The key was used before: answer with the first request's outcome."""

    def __init__(self, outcome: dict):
        super().__init__(outcome.get("url"))
        self.outcome = outcome


class OnceForm(Form):
    """A form whose submission acts once; render `form.submission_key` inside it."""

    submission_key = HiddenField(default=new_key)


def claim(kind: str, key: str | None = None) -> Submission | None:
    """Reserve the request's submission key for this write, in the current transaction.

    Returns the claim to pass to `done`, or None when the request carries no key (an old page
    or an outside client: the write then has only its own guards). Raises Repeated when the key
    already has an outcome, and Refused when it is malformed or belongs to someone else."""
    key = request.form.get(FIELD, "") if key is None else key
    if not key:
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise Refused(
            _("This form is damaged. Please reload the page."), code="bad_key", status=400
        )
    user_id = current_user.id if current_user.is_authenticated else None
    row = _find(kind, key)
    if row is None:
        try:
            with db.session.begin_nested():
                row = Submission(kind=kind, key=key, user_id=user_id)
                db.session.add(row)
        except IntegrityError:
            # Another request with this key got there first; it has committed by now.
            row = _find(kind, key)
    if row.user_id != user_id:
        raise Refused(_("This form was sent from another account. Please reload the page."))
    if row.outcome:
        raise Repeated(row.outcome)
    return row


def done(claim: Submission | None, url: str, message: str | None = None, category="success"):
    """Record the outcome with the claim (the caller commits), flash it and redirect there."""
    if claim is not None:
        claim.outcome = {"url": url, "message": message, "category": category}
        db.session.flush()
    if message:
        flash(message, category)
    return redirect(url, 303)


def _find(kind: str, key: str) -> Submission | None:
    return db.session.scalar(
        db.select(Submission)
        .where(Submission.kind == kind, Submission.key == key)
        .execution_options(populate_existing=True)
    )


def repeated_response(e: Repeated):
    db.session.rollback()
    outcome = e.outcome
    if outcome.get("message"):
        flash(outcome["message"], outcome.get("category") or "success")
    return redirect(outcome["url"], 303)


submissions_cli = AppGroup("submissions", help="One-time keys of forms and buttons.")


@submissions_cli.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True)
def prune_command(days: int):
    """Forget keys older than DAYS: a page that old is not sent again by a double tap."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(db.delete(Submission).where(Submission.created_at < cutoff))
    db.session.commit()
    click.echo(f"Removed {result.rowcount} submission key(s).")


def init_app(app) -> None:
    app.register_error_handler(Repeated, repeated_response)
    app.jinja_env.globals["submission_key"] = new_key
    app.cli.add_command(submissions_cli)
