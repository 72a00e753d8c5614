"""A product's stock as buyers read it."""

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


def stock_label(stock: int | None) -> str:
    state = stock_state(stock)
    if state == "made_to_order":
        return _("Made to order")
    if state == "out_of_stock":
        return _("Out of stock")
    if state == "few_left":
        return _("Only one left") if stock == 1 else _("Only %(num)s left", num=stock)
    return _("In stock")
