"""Input edges, once for the whole app: ids, integers and free text people type.

Every table's primary key is a 32-bit INTEGER on PostgreSQL, and SQLite overflows past 2**63, so
an id outside 1..MAX_ID is answered as "not found" by the URL converter and as bad input by
`to_int`, before any query sees it. Free text refuses NUL (PostgreSQL cannot store it) and the
bidirectional controls that let "Ana\u202egnp.exe" show as something it is not.
"""

import json

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter, ValidationError

from marketplace.core.errors import Refused

MAX_ID = 2**31 - 1

#: NUL, and the bidi embedding/override (U+202A–U+202E) and isolate (U+2066–U+2069) controls.
FORBIDDEN_CHARACTERS = frozenset("\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class IdConverter(BaseConverter):
    """`<id:name>`: a positive database id; anything else (0, 2**63, "01") is a 404."""

    regex = r"[1-9][0-9]{0,9}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def to_int(value, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """An integer from a form field, query string or JSON value, or None when it is not one in
    range. Booleans and floats are not integers here; strings may carry surrounding spaces."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") else text
        if not digits or len(digits) > 12 or not digits.isdigit() or not digits.isascii():
            return None
        number = int(text)
    else:
        return None
    return number if minimum <= number <= maximum else None


def to_id(value) -> int | None:
    return to_int(value, 1, MAX_ID)


#: Far past any real list, and small enough that page × size stays a valid OFFSET.
MAX_PAGE = 100_000


def page_number(strict: bool = True) -> int:
    """The `?page=` of a paginated list, parsed once. A page that is not 1..MAX_PAGE is a
    message, or with `strict=False` (lists whose other filters ignore unknown values) page 1."""
    text = request.args.get("page")
    if text is None or text == "":
        return 1
    page = to_int(text, 1, MAX_PAGE)
    if page is None:
        if not strict:
            return 1
        raise Refused(
            _("The page number must be a whole number from 1 to %(max)s.", max=f"{MAX_PAGE:,}"),
            code="invalid_page",
            status=400,
        )
    return page


def has_forbidden_characters(text: str) -> bool:
    return not FORBIDDEN_CHARACTERS.isdisjoint(text)


FORBIDDEN_MESSAGE = _l(
    "This text contains invisible control characters. Please type it again without them."
)


def json_object(max_bytes: int, too_large: str, invalid: str) -> tuple[dict, bytes]:
    """The request's JSON object and its raw bytes, read at most `max_bytes` (with or without a
    Content-Length); else Refused with `too_large` (413) or `invalid` (400): not JSON, not UTF-8,
    nested past Python's recursion limit, or not an object."""
    if (request.content_length or 0) > max_bytes:
        raise Refused(too_large, code="too_large", status=413)
    request.max_content_length = max_bytes
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise Refused(too_large, code="too_large", status=413) from None
    try:
        body = json.loads(raw) if request.is_json else None
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise Refused(invalid, code="invalid_json", status=400)
    return body, raw
