"""Small server-rendered SVG bar charts, readable on a phone and without JavaScript.

Each chart is an image for screen readers (role="img" with a <title>); pages show the same
numbers in a table next to it, so nothing is only in the picture.
"""

from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

WIDTH = 320
ROW_HEIGHT = 40
BAR_HEIGHT = 14
VALUE_ROOM = 96  # space kept right of the longest bar for its figure
MAX_LABEL = 38


def bar_chart(
    rows: Iterable[tuple[str, int]], value_format: Callable[[int], str] = str, title: str = ""
) -> Markup:
    """Horizontal bars, one per (label, value) row, longest for the largest value.

    Labels and titles are escaped here: business names are typed by users.
    """
    rows = list(rows)
    if not rows:
        return Markup("")
    peak = max(value for _label, value in rows) or 1
    height = ROW_HEIGHT * len(rows)
    parts = [
        f'<svg class="bar-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        parts.append(_bar(i * ROW_HEIGHT, label, value, peak, value_format))
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar(y: int, label, value: int, peak: int, value_format) -> str:
    length = max(2, round(max(value, 0) / peak * (WIDTH - VALUE_ROOM))) if value else 0
    text = _shorten(str(label))
    return (
        f'<text class="bar-label" x="0" y="{y + 13}">{escape(text)}</text>'
        f'<rect class="bar" x="0" y="{y + 18}" width="{length}" height="{BAR_HEIGHT}" rx="2"/>'
        f'<text class="bar-value" x="{length + 6}" y="{y + 30}">{escape(value_format(value))}</text>'
    )


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
