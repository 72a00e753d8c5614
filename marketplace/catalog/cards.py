"""Product cards: the catalogue's most repeated piece of HTML, built here rather than in a macro.

A catalogue page shows 24 of them. Through a Jinja macro each card cost about 25 µs of the
page's ~3 ms; here about a quarter of that, and the catalogue's throughput is a product target
(bench/catalog.py). The markup follows the templates' conventions and escapes every value;
what entrepreneurs wrote is in Spanish whatever the interface language, and marked lang="es"
for screen readers and translation tools.
"""

import json
from functools import lru_cache
from urllib.parse import quote

from flask import url_for
from markupsafe import Markup, escape

from marketplace.catalog.images import picture
from marketplace.catalog.stock import stock_labels, stock_state
from marketplace.core.i18n import format_money
from marketplace.core.storage import Storage, get_storage

#: Cards are half the screen on a phone and 15rem from tablet width up (catalog.css).
SIZES = "(min-width: 48rem) 15rem, 50vw"


NO_PHOTO = '<span class="no-photo" aria-hidden="true"></span>'


@lru_cache(maxsize=4096)
def _photo(storage: Storage, variants_json: str | None, alt: str) -> str:
    """A card's <picture>. A photo's variants never change (a new photo is a new image) and
    the same cards come back on page after page, so each is decoded and laid out once per
    storage backend and product title."""
    pic = picture(json.loads(variants_json)) if variants_json else None
    return pic.html(SIZES, alt) if pic else NO_PHOTO


def product_cards(rows) -> Markup:
    """A <ul> of cards for listing rows (queries.CARD_COLUMNS plus `photo`)."""
    # Links are built from prefixes: url_for per card is a noticeable share of a page.
    product_prefix = url_for("catalog.product", product_id=0)[:-1]
    vendor_prefix = url_for("catalog.vendor", slug="-")[:-1]
    storage = get_storage()
    labels = stock_labels()
    cards = []
    for p in rows:
        title = escape(p.title)
        photo = _photo(storage, p.photo, p.title)
        state = stock_state(p.stock)
        stock = (
            f'<p class="stock stock-{state}">{escape(labels(p.stock))}</p>'
            if state != "in_stock"
            else ""
        )
        cards.append(
            f'<li class="card product-card">'
            f'<a href="{product_prefix}{p.id}" class="product-link" lang="es">{photo}<h3>{title}</h3></a>'
            f'<p class="price">{format_money(p.price)}</p>{stock}'
            f'<p class="muted vendor-line"><a href="{vendor_prefix}{quote(p.vendor_slug)}" lang="es">'
            f"{escape(p.vendor_name)}</a> · {escape(p.department)}</p></li>"
        )
    return Markup(f'<ul class="cards product-cards">{"".join(cards)}</ul>')
