"""The booth map as server-rendered SVG: readable on a phone, printable in black and white.

`render_booth_map` is a pure function of the booths and who occupies them. Each state has a
colour, a fill pattern and a mark, so the map still reads when printed on a grey-scale printer.
Every piece of text is escaped: business names come from the public.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from fairs.layout.models import Booth
from fairs.layout.services import FOOD_ZONE, row_letter

CELL_W, CELL_H, GAP = 120, 80, 10
LEFT, TOP = 34, 10  # room for the row letters
NAME_CHARS = 15
LEGEND_H = 70

FREE, OCCUPIED, CHECKED_IN, UNAVAILABLE = "free", "occupied", "checked_in", "unavailable"
#: state -> (fill colour, pattern id suffix or None, mark)
STYLE = {
    FREE: ("#ffffff", None, "○"),
    OCCUPIED: ("#cfe8dc", "hatch", "●"),
    CHECKED_IN: ("#7fc4a4", "dots", "✓"),
    UNAVAILABLE: ("#c9c9c9", "cross", "✕"),
}


@dataclass(frozen=True)
class Occupant:
    """Who holds a booth, as far as the map needs to know."""

    business_name: str
    slug: str | None = None
    checked_in: bool = False


BoothUrl = Callable[[Booth, Occupant | None], str | None]


def booth_state(booth: Booth, occupant: Occupant | None) -> str:
    if occupant is not None:
        return CHECKED_IN if occupant.checked_in else OCCUPIED
    return UNAVAILABLE if booth.unavailable else FREE


def state_labels() -> dict[str, str]:
    return {
        FREE: _("Free"),
        OCCUPIED: _("Occupied"),
        CHECKED_IN: _("Vendor present"),
        UNAVAILABLE: _("Unavailable"),
    }


def render_booth_map(
    booths: Iterable[Booth],
    occupants: Mapping[int, Occupant],
    booth_url: BoothUrl | None = None,
    *,
    title: str = "",
    id_prefix: str = "bm",
) -> Markup:
    """SVG markup for a layout. `occupants` maps booth id -> Occupant; `booth_url`, when given,
    turns each booth it returns a URL for into a link (e.g. to pick a booth, or a vendor's page)."""
    booths = list(booths)
    rows = max((b.row for b in booths), default=-1) + 1
    cols = max((b.col for b in booths), default=-1) + 1
    width = LEFT + cols * (CELL_W + GAP)
    grid_h = TOP + rows * (CELL_H + GAP)
    parts = [
        # With links inside, the map is a group of links; without, one image.
        f'<svg xmlns="http://www.w3.org/2000/svg" class="booth-map" '
        f'role="{"group" if booth_url else "img"}" '
        f'viewBox="0 0 {max(width, 800)} {grid_h + LEGEND_H}" '
        f'aria-label="{escape(title or _("Booth map"))}" font-family="sans-serif">',
        _defs(id_prefix),
    ]
    parts += [_row_label(r) for r in range(rows)]
    for booth in booths:
        parts.append(_booth(booth, occupants.get(booth.id), booth_url, id_prefix))
    parts.append(_legend(grid_h + 10, id_prefix))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _defs(p: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{p}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="#2f6b55" '
        'stroke-width="1.5"/></pattern>'
        f'<pattern id="{p}-dots" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<circle cx="4" cy="4" r="1.8" fill="#0b3d2e"/></pattern>'
        f'<pattern id="{p}-cross" width="10" height="10" patternUnits="userSpaceOnUse">'
        '<path d="M0 0L10 10M10 0L0 10" stroke="#555" stroke-width="1.2"/></pattern>'
        "</defs>"
    )


def _row_label(row: int) -> str:
    y = TOP + row * (CELL_H + GAP) + CELL_H / 2 + 6
    return f'<text x="4" y="{y:g}" font-size="18" font-weight="bold">{row_letter(row)}</text>'


def _booth(booth: Booth, occupant: Occupant | None, booth_url: BoothUrl | None, p: str) -> str:
    state = booth_state(booth, occupant)
    fill, pattern, mark = STYLE[state]
    x = LEFT + booth.col * (CELL_W + GAP)
    y = TOP + booth.row * (CELL_H + GAP)
    food = booth.zone == FOOD_ZONE
    border = 'stroke-width="3" stroke-dasharray="8 4"' if food else 'stroke-width="1.5"'
    description = _describe(booth, occupant, state)
    shapes = [
        f"<title>{escape(description)}</title>",
        f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" rx="4" fill="{fill}" '
        f'stroke="#222" {border}/>',
    ]
    if pattern:
        shapes.append(
            f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" rx="4" '
            f'fill="url(#{p}-{pattern})" opacity="0.45"/>'
        )
    shapes += [
        _text(x + 8, y + 22, booth.code, size=17, bold=True),
        _text(x + CELL_W - 22, y + 22, mark, size=17),
    ]
    if occupant is not None:
        shapes.append(_text(x + 8, y + 48, _truncate(occupant.business_name), size=13))
    flags = ("⚡" if booth.has_power else "") + ("☂" if booth.shade else "")
    if flags:
        shapes.append(_text(x + 8, y + CELL_H - 9, flags, size=13))
    group = f'<g class="booth booth-{state}" data-code="{escape(booth.code)}">{"".join(shapes)}</g>'
    url = booth_url(booth, occupant) if booth_url else None
    if not url:
        return group
    return f'<a href="{escape(url)}" aria-label="{escape(description)}">{group}</a>'


def _text(x: float, y: float, content: str, *, size: int, bold: bool = False) -> str:
    # A white halo keeps text readable over the patterns, in colour and in grey.
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}"{weight} fill="#111" stroke="#fff" '
        f'stroke-width="3" paint-order="stroke">{escape(content)}</text>'
    )


def _truncate(name: str) -> str:
    """Cut at a word where possible: the words shown are then words of the booth's name."""
    name = " ".join(name.split())
    if len(name) <= NAME_CHARS:
        return name
    head = name[: NAME_CHARS - 1]
    if name[NAME_CHARS - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + "…"


def _describe(booth: Booth, occupant: Occupant | None, state: str) -> str:
    # Code and name first, in the order drawn: a link's name must contain its visible words
    # (people using speech input say what they see).
    bits = [_("Booth %(code)s", code=booth.code)]
    if occupant is not None:
        bits.append(occupant.business_name)
    bits.append(state_labels()[state])
    if booth.zone == FOOD_ZONE:
        bits.append(_("food area"))
    if booth.has_power:
        bits.append(_("power outlet"))
    if booth.shade:
        bits.append(_("shade"))
    if not booth.step_free:
        bits.append(_("not step-free"))
    return " · ".join(bits)


def _legend(y: int, p: str) -> str:
    items = []
    x = LEFT
    for state, label in state_labels().items():
        fill, pattern, mark = STYLE[state]
        items.append(f'<rect x="{x}" y="{y}" width="34" height="24" fill="{fill}" stroke="#222"/>')
        if pattern:
            items.append(
                f'<rect x="{x}" y="{y}" width="34" height="24" fill="url(#{p}-{pattern})" '
                'opacity="0.45"/>'
            )
        items.append(_text(x + 10, y + 18, mark, size=14))
        items.append(_text(x + 42, y + 18, label, size=14))
        x += 60 + 8 * len(label)
    y2 = y + 38
    items.append(
        f'<rect x="{LEFT}" y="{y2}" width="34" height="22" fill="#fff" stroke="#222" '
        'stroke-width="3" stroke-dasharray="8 4"/>'
    )
    items.append(_text(LEFT + 42, y2 + 17, _("Food area"), size=14))
    items.append(_text(LEFT + 160, y2 + 17, "⚡ " + _("power outlet"), size=14))
    items.append(_text(LEFT + 320, y2 + 17, "☂ " + _("shade"), size=14))
    return f'<g class="legend">{"".join(items)}</g>'
