"""A product's stock as buyers read it."""

from collections.abc import Callable
from functools import lru_cache

from flask_babel import get_locale
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


@lru_cache(maxsize=8)
def _labels_in(_locale: str) -> dict[str, str]:
    """Worked out once per language; the catalogues do not change while the app runs."""
    return {
        "made_to_order": _("Made to order"),
        "out_of_stock": _("Out of stock"),
        "in_stock": _("In stock"),
        "one_left": _("Only one left"),
        # Formatted below, so the placeholder is kept as it is.
        "few_left": _("Only %(num)s left", num="%(num)s"),
    }


def stock_labels() -> Callable[[int | None], str]:
    """The label function in this request's language, for pages that show dozens."""
    labels = _labels_in(str(get_locale()))

    def label(stock: int | None) -> str:
        state = stock_state(stock)
        if state == "few_left":
            return labels["one_left"] if stock == 1 else labels["few_left"] % {"num": stock}
        return labels[state]

    return label


def stock_label(stock: int | None) -> str:
    return stock_labels()(stock)
