"""Links from fair pages to vendors' public catalogue pages, and their QR codes."""

from urllib.parse import quote

import segno
from flask import request, url_for
from markupsafe import Markup
from werkzeug.routing import BuildError


def vendor_url(slug: str, external: bool = False) -> str:
    """The public page of a vendor (catalog.vendor), also before the catalogue is installed."""
    try:
        return url_for("catalog.vendor", slug=slug, _external=external)
    except BuildError:
        path = f"/vendors/{quote(slug)}"
        return request.url_root.rstrip("/") + path if external else request.script_root + path


def qr_svg(url: str, scale: int = 4) -> Markup:
    """An inline SVG QR code; medium error correction survives a little rain and tape."""
    return Markup(segno.make(url, error="m").svg_inline(scale=scale, omitsize=True))
