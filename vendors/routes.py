"""Entrepreneur pages."""

from flask import Blueprint, render_template

from marketplace.auth.access import entrepreneur_required

bp = Blueprint("vendors", __name__)


@bp.get("/me")
@entrepreneur_required
def dashboard():
    return render_template("vendors/dashboard.html")
