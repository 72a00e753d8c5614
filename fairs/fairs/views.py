"""Fair pages: public fair pages and the organisers' tools."""

from flask import abort, render_template, request

from fairs.fairs import queries
from fairs.fairs.links import vendor_url
from fairs.fairs.models import Fair
from fairs.layout.booth_map import render_booth_map
from marketplace.core.extensions import db
from vendors.taxonomy import CATEGORIES


def get_public_fair(slug: str) -> Fair:
    fair = db.session.scalar(db.select(Fair).where(Fair.slug == slug))
    if fair is None or not fair.is_public:
        abort(404)
    return fair


def public_fair(slug: str):
    fair = get_public_fair(slug)
    rows = queries.occupied_booths(fair.id)
    occupants = {booth.id: queries.occupant(app, vendor) for booth, app, vendor in rows}
    booth_map = render_booth_map(
        fair.booths,
        occupants,
        lambda _booth, occupant: vendor_url(occupant.slug) if occupant else None,
        title=fair.name,
    )
    q = " ".join(request.args.get("q", "").split())[:80]
    category = request.args.get("category", "")
    category = category if category in CATEGORIES else ""
    found = queries.search_occupied(rows, q, category)
    return render_template(
        "fairs/public_fair.html",
        fair=fair,
        booth_map=booth_map,
        by_category=_by_category(found),
        q=q,
        category=category,
        categories=CATEGORIES,
        vendor_count=len(rows),
        vendor_url=vendor_url,
    )


def _by_category(rows) -> list[tuple[str, list]]:
    """[(category label, [(booth, vendor), ...])] in the taxonomy's order, names A-Z inside."""
    groups: dict[str, list] = {}
    for booth, _application, vendor in rows:
        code = vendor.category if vendor.category in CATEGORIES else "other"
        groups.setdefault(code, []).append((booth, vendor))
    return [
        (CATEGORIES[code], sorted(groups[code], key=lambda bv: bv[1].business_name.casefold()))
        for code in CATEGORIES
        if code in groups
    ]
