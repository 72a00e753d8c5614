"""The booth map: every state readable in colour and in black and white, and no HTML gets in."""

from xml.etree import ElementTree

from fairs.layout.booth_map import Occupant, render_booth_map
from fairs.layout.models import Booth

SVG = "{http://www.w3.org/2000/svg}"


def booth(id, row, col, **kw):
    code = f"{'ABC'[row]}-{col + 1:02d}"
    defaults = {"has_power": False, "shade": False, "step_free": True, "zone": None}
    return Booth(
        id=id,
        row=row,
        col=col,
        code=code,
        unavailable=kw.pop("unavailable", False),
        **{**defaults, **kw},
    )


def groups(svg: str) -> dict[str, ElementTree.Element]:
    root = ElementTree.fromstring(str(svg))
    return {g.get("data-code"): g for g in root.iter(f"{SVG}g") if g.get("data-code")}


def test_each_state_has_its_own_class_pattern_and_mark(app):
    booths = [booth(1, 0, 0), booth(2, 0, 1), booth(3, 0, 2), booth(4, 1, 0, unavailable=True)]
    occupants = {2: Occupant("Café Cerro Azul", "cafe"), 3: Occupant("Tejidos", "t", True)}
    with app.test_request_context():
        svg = render_booth_map(booths, occupants)
    found = groups(svg)
    assert [found[c].get("class") for c in ("A-01", "A-02", "A-03", "B-01")] == [
        "booth booth-free",
        "booth booth-occupied",
        "booth booth-checked_in",
        "booth booth-unavailable",
    ]
    texts = {code: [t.text for t in g.iter(f"{SVG}text")] for code, g in found.items()}
    assert texts["A-01"] == ["A-01", "○"]
    assert texts["A-02"] == ["A-02", "●", "Café Cerro Azul"]
    assert texts["A-03"][1] == "✓"
    assert texts["B-01"][1] == "✕"
    # Patterns, not only colours, tell the states apart on a grey-scale printer.
    assert "url(#bm-hatch)" in svg and "url(#bm-dots)" in svg and "url(#bm-cross)" in svg
    # The legend names every state.
    assert all(word in svg for word in ("Libre", "Ocupado", "No disponible", "Zona de comida"))


def test_names_and_codes_are_escaped(app):
    nasty = '<script>alert("x")</script> & Hijos'
    with app.test_request_context():
        svg = render_booth_map(
            [booth(1, 0, 0, notes="")], {1: Occupant(nasty, "x")}, lambda b, o: '/x?a=1&b="2"'
        )
    assert "<script>" not in svg
    root = ElementTree.fromstring(str(svg))  # still well-formed XML
    title = next(root.iter(f"{SVG}title")).text
    assert nasty in title
    assert "&amp;b=&#34;2&#34;" in svg


def test_long_names_are_cut_short(app):
    with app.test_request_context():
        svg = render_booth_map(
            [booth(1, 0, 0)], {1: Occupant("Artesanías de Madera del Valle", "a")}
        )
    texts = [t.text for t in groups(svg)["A-01"].iter(f"{SVG}text")]
    assert texts[2] == "Artesanías de…"


def test_a_booth_link_is_named_with_the_words_it_shows(app):
    """Label in name (WCAG 2.5.3): the code and the shortened name, whole words, in order."""
    with app.test_request_context():
        svg = render_booth_map(
            [booth(1, 0, 0)], {1: Occupant("Cinchos de Cuero Elsa", "c")}, lambda b, o: "/v/c"
        )
    link = next(ElementTree.fromstring(str(svg)).iter(f"{SVG}a"))
    assert [t.text for t in link.iter(f"{SVG}text")] == ["A-01", "●", "Cinchos de…"]
    assert link.get("aria-label") == "Puesto A-01 · Cinchos de Cuero Elsa · Ocupado"


def test_booths_become_links_only_where_a_url_is_given(app):
    booths = [booth(1, 0, 0), booth(2, 0, 1)]
    with app.test_request_context():
        svg = render_booth_map(booths, {}, lambda b, o: f"/pick/{b.id}" if b.id == 2 else None)
    root = ElementTree.fromstring(str(svg))
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == ["/pick/2"]


def test_food_zone_power_and_shade_are_drawn(app):
    with app.test_request_context():
        svg = render_booth_map([booth(1, 0, 0, zone="food", has_power=True, shade=True)], {})
    group = groups(svg)["A-01"]
    assert next(group.iter(f"{SVG}rect")).get("stroke-dasharray")
    assert "⚡☂" in [t.text for t in group.iter(f"{SVG}text")]
    assert "zona de comida" in next(group.iter(f"{SVG}title")).text


def test_empty_layout_still_renders(app):
    with app.test_request_context():
        svg = render_booth_map([], {})
    ElementTree.fromstring(str(svg))
