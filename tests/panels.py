"""Rendering one dashboard panel on its own, as its dashboard would."""

from flask import render_template

from marketplace.core import dashboards
from vendors.profiles.services import find_profile


def render_panel(template: str, user) -> str:
    """The panel's template with the data its own collect gathers for `user`'s board: their
    business profile on the entrepreneur's board (no data without one), themselves on the
    organisers'."""
    [(board, panel)] = [
        (board, p)
        for board in dashboards.BOARDS
        for p in dashboards.panels_of(board)
        if p.template == template
    ]
    subject = find_profile(user) if board == "vendor" else user
    return render_template(template, panel=panel.collect(subject) if subject else None)
