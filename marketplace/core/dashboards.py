"""The dashboards' panels: each package adds its own, a dashboard view shows them in order.

A panel is a template and a `collect(subject)` that gathers everything the template shows, so
the view does the queries and the template only displays them. The subject is what the board is
about: the entrepreneur's profile on the "vendor" board (loaded once by its view), the signed-in
organiser on the "admin" one. Packages add their panels from their
blueprint.py, where the app is known, and the list lives in `app.extensions`: this layer never
imports the packages above it.

    bp.record_once(dashboards.panel("vendor", "vendors/_dash_sales.html", sales_panel, order=30))

    panels = dashboards.collect("vendor", vendor)   # [(template, data), ...]
    {% for template, panel in panels %}{% include template %}{% endfor %}
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

EXTENSION = "mercado.dashboard_panels"
#: The boards there are: the entrepreneur's (/me) and the organisers' (/admin/).
BOARDS = ("vendor", "admin")


def _nothing(subject) -> dict:
    return {}


@dataclass(frozen=True)
class Panel:
    board: str
    template: str
    #: The data for the template from the board's subject, or None to leave the panel out.
    collect: Callable[[Any], Any]
    #: Panels are shown by ascending order.
    order: int


def register(
    app: Flask, board: str, template: str, collect: Callable[[Any], Any] = _nothing, order: int = 0
) -> None:
    if board not in BOARDS:
        raise ValueError(f"unknown dashboard {board!r}")
    app.extensions.setdefault(EXTENSION, []).append(Panel(board, template, collect, order))


def panel(board: str, template: str, collect: Callable[[Any], Any] = _nothing, order: int = 0):
    """`register` as a blueprint's record_once callback: the panel joins the app the blueprint
    is registered on."""
    return lambda state: register(state.app, board, template, collect, order)


def panels_of(board: str) -> list[Panel]:
    """The board's panels in the order they are shown."""
    registered = current_app.extensions.get(EXTENSION, [])
    return sorted((p for p in registered if p.board == board), key=lambda p: p.order)


def collect(board: str, subject) -> list[tuple[str, Any]]:
    """(template, data) of every panel shown for `subject`, in order; None from collect hides one."""
    shown = []
    for p in panels_of(board):
        data = p.collect(subject)
        if data is not None:
            shown.append((p.template, data))
    return shown
