"""Opaque, signed cursors for keyset pagination.

A cursor names the sort and the sort-key values of the last row shown; the next page starts
after that row, so page 500 costs what page 1 costs. It is signed with the app's secret, so a
tampered cursor is recognised and refused rather than fed to the database.
"""

from datetime import datetime

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

#: Sort name -> the Python types of its key (the last one is always the product id).
KEY_TYPES = {
    "newest": (str, int),
    "price_asc": (int, int),
    "price_desc": (int, int),
    "name": (str, int),
    "relevance": (float, int),
}


class InvalidCursor(ValueError):
    """The cursor was edited, truncated, or made for another sort."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="catalog-cursor")


def encode_cursor(sort: str, key: tuple) -> str:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in key]
    return _serializer().dumps([sort, values])


def decode_cursor(token: str, sort: str) -> tuple:
    """The sort key the cursor points after; InvalidCursor when it cannot be trusted."""
    try:
        cursor_sort, values = _serializer().loads(token)
    except (BadData, TypeError, ValueError) as e:
        raise InvalidCursor(token) from e
    types = KEY_TYPES.get(sort)
    if cursor_sort != sort or not isinstance(values, list) or len(values) != len(types or ()):
        raise InvalidCursor(token)
    key = []
    for value, kind in zip(values, types, strict=True):
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not kind:
            raise InvalidCursor(token)
        key.append(value)
    if sort == "newest":
        try:
            key[0] = datetime.fromisoformat(key[0])
        except ValueError as e:
            raise InvalidCursor(token) from e
    return tuple(key)
