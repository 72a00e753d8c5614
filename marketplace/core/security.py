"""Security headers, private-page caching rules and safe redirects."""

from urllib.parse import urlsplit

from flask import current_app, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob: https:",
        "connect-src 'self'",
        "form-action 'self' https://checkout.stripe.com",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
#: A year, and for every subdomain: browsers then never try plain HTTP for the site again.
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app) -> None:
    app.after_request(_add_headers)


def _add_headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    h.setdefault("X-Frame-Options", "DENY")
    if current_app.config["HSTS"]:
        h.setdefault("Strict-Transport-Security", HSTS)
    # Pages for a signed-in person, and anything sent back from a form, must never be kept by a
    # shared phone's browser or a proxy.
    if _is_private():
        h["Cache-Control"] = "no-store"
        h.add("Vary", "Cookie")
    return response


def _is_private() -> bool:
    if request.endpoint in ("static", "storage.media"):
        return False
    return current_user.is_authenticated or request.method not in ("GET", "HEAD")


def safe_next_url(target: str | None) -> str | None:
    """A redirect target only if it stays on this site: a path, not another host or scheme."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
