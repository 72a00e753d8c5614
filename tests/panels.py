"""Rendering one dashboard panel on its own, as its dashboard would."""

from flask import render_template

from marketplace.core import dashboards


def render_panel(template: str, user) -> str:
    """The panel's template with the data its own collect gathers for `user`."""
    [panel] = [
        p
        for board in dashboards.BOARDS
        for p in dashboards.panels_of(board)
        if p.template == template
    ]
    return render_template(template, panel=panel.collect(user))
