"""A product's stock as buyers read it."""

from flask import g
from flask_babel import gettext as _

#: At or below this many units a product shows how many are left.
FEW_LEFT = 5


def stock_state(stock: int | None) -> str:
    """A stable code: made_to_order, out_of_stock, few_left or in_stock."""
    if stock is None:
        return "made_to_order"
    if stock <= 0:
        return "out_of_stock"
    return "few_left" if stock <= FEW_LEFT else "in_stock"


def _labels() -> dict[str, str]:
    """The labels in this request's language, looked up once: a catalogue page shows dozens."""
    labels = g.get("_stock_labels")
    if labels is None:
        labels = g._stock_labels = {
            "made_to_order": _("Made to order"),
            "out_of_stock": _("Out of stock"),
            "in_stock": _("In stock"),
            "one_left": _("Only one left"),
            # Formatted below, so the placeholder is kept as it is.
            "few_left": _("Only %(num)s left", num="%(num)s"),
        }
    return labels


def stock_label(stock: int | None) -> str:
    state = stock_state(stock)
    if state == "few_left":
        return _labels()["one_left"] if stock == 1 else _labels()["few_left"] % {"num": stock}
    return _labels()[state]
