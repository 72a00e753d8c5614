"""Conditional GET: an ETag from the data a page shows, and a 304 without rendering."""

import hashlib
from collections.abc import Callable

from flask import current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from marketplace.orders.cart import KEY as CART_KEY

#: What the page layout shows from the session: the cart badge, messages waiting to be shown, and
#: the forms' token (a page kept from before signing in or out carries a token that fails).
LAYOUT_SESSION_KEYS = (CART_KEY, "_flashes", "csrf_token")


def data_etag(*parts) -> str:
    """A strong validator for what a response shows: its data, the language and the viewer."""
    viewer = current_user.get_id() if current_user.is_authenticated else None
    seed = repr((str(get_locale()), viewer, request.full_path, parts))
    return hashlib.blake2b(seed.encode(), digest_size=16).hexdigest()


def page_etag(*parts, with_form: bool = False) -> str:
    """data_etag for an HTML page, which also shows the session's part of the layout. A page
    `with_form` makes its form token now if new, so that the first visit's tag counts it; other
    pages leave the session alone, and visitors who only read get no cookie."""
    if with_form:
        generate_csrf()
    return data_etag([session.get(key) for key in LAYOUT_SESSION_KEYS], *parts)


def conditional(etag: str, render: Callable[[], object]):
    """304 when the client already has this version; otherwise render and tag the response."""
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = make_response(render())
    response.set_etag(etag)
    response.make_conditional(request)
    response.cache_control.no_cache = True
    response.vary.update(("Accept-Language", "Cookie"))
    return response
