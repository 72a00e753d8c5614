"""The home page: what is coming up, and where to start."""

from flask import Blueprint, render_template

from fairs.queries import upcoming_fairs
from marketplace.timeutil import local_today

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home.html", fairs=upcoming_fairs(local_today()))
