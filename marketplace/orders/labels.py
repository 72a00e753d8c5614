"""Words shown for order and line states, in the user's language."""

from flask_babel import lazy_gettext as _l

ORDER_STATUS = {
    "reserved": _l("Reserved, pay at pickup"),
    "awaiting_payment": _l("Waiting for online payment"),
    "paid": _l("Paid online"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
}

LINE_STATUS = {
    "pending": _l("New"),
    "confirmed": _l("Confirmed"),
    "ready": _l("Ready for pickup"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
}


def order_status_label(status: str) -> str:
    return str(ORDER_STATUS.get(status, status))


def line_status_label(status: str) -> str:
    return str(LINE_STATUS.get(status, status))
