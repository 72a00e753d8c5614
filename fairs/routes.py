"""Fair pages: public fair pages and the organisers' tools."""

from flask import Blueprint, abort, render_template

from fairs.models import Fair
from marketplace.extensions import db

bp = Blueprint("fairs", __name__)


def get_public_fair(slug: str) -> Fair:
    fair = db.session.scalar(db.select(Fair).where(Fair.slug == slug))
    if fair is None or not fair.is_public:
        abort(404)
    return fair


@bp.get("/fairs/<slug>")
def public_fair(slug: str):
    return render_template("fairs/public_fair.html", fair=get_public_fair(slug))
