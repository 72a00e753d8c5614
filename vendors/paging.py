"""The `?page=` of the vendors' lists, parsed once: a page past any list is a message, not a 500."""

from flask import request
from flask_babel import gettext as _

from marketplace.errors import Refused
from marketplace.inputs import to_int

#: Far past any real list, and small enough that page × size stays a valid OFFSET.
MAX_PAGE = 100_000


def page_number() -> int:
    text = request.args.get("page")
    if text is None or text == "":
        return 1
    page = to_int(text, 1, MAX_PAGE)
    if page is None:
        raise Refused(
            _("The page number must be a whole number from 1 to %(max)s.", max=f"{MAX_PAGE:,}"),
            code="invalid_page",
            status=400,
        )
    return page
