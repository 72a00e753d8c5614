"""Conditional GET: an ETag from the data a page shows, and a 304 without rendering."""

import hashlib
from collections.abc import Callable

from flask import current_app, make_response, request
from flask_babel import get_locale
from flask_login import current_user


def data_etag(*parts) -> str:
    """A strong validator for what a response shows: its data, the language and the viewer."""
    viewer = current_user.get_id() if current_user.is_authenticated else None
    seed = repr((str(get_locale()), viewer, request.full_path, parts))
    return hashlib.blake2b(seed.encode(), digest_size=16).hexdigest()


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
