"""The cart, kept in the session as {product id: quantity} only; prices always come from the
database, so a price change between adding and paying can never be charged by surprise."""

from dataclasses import dataclass

from flask import session
from flask_babel import gettext as _

from marketplace.core.database import db
from vendors.products.models import Product
from vendors.profiles.models import VendorProfile, VendorStatus

KEY = "cart"
MAX_PER_LINE = 99


@dataclass
class CartLine:
    product: Product
    quantity: int

    @property
    def total(self) -> int:
        return self.product.price * self.quantity


def raw() -> dict[str, int]:
    value = session.get(KEY)
    return dict(value) if isinstance(value, dict) else {}


def count() -> int:
    return sum(q for q in raw().values() if isinstance(q, int))


def available_product(product_id: int) -> Product | None:
    """A product a buyer may order: visible, not deleted, from a verified vendor."""
    return db.session.scalar(
        db.select(Product)
        .join(VendorProfile)
        .where(
            Product.id == product_id,
            Product.visible.is_(True),
            Product.deleted_at.is_(None),
            VendorProfile.status == VendorStatus.VERIFIED.value,
            VendorProfile.deleted_at.is_(None),
        )
    )


def set_quantity(product: Product, quantity: int) -> tuple[int, str | None]:
    """Put `quantity` in the cart (0 removes); limited by stock. Returns (kept, notice)."""
    cart = raw()
    notice = None
    limit = MAX_PER_LINE if product.stock is None else min(product.stock, MAX_PER_LINE)
    if quantity > limit:
        quantity = limit
        notice = _("Only %(n)d of “%(title)s” available.", n=limit, title=product.title)
    if quantity <= 0:
        cart.pop(str(product.id), None)
    else:
        cart[str(product.id)] = quantity
    session[KEY] = cart
    return quantity, notice


def add(product: Product, quantity: int) -> tuple[int, str | None]:
    return set_quantity(product, raw().get(str(product.id), 0) + quantity)


def lines() -> tuple[list[CartLine], list[str]]:
    """The cart's lines read fresh from the database, and notices about what changed.

    Products hidden or deleted since they were added are taken out; quantities above what is
    left are lowered."""
    cart = raw()
    result, notices = [], []
    for key, quantity in list(cart.items()):
        product = available_product(int(key)) if key.isdigit() else None
        if product is None or not isinstance(quantity, int):
            cart.pop(key)
            notices.append(_("A product in your cart is no longer available and was removed."))
            continue
        if product.stock is not None and quantity > product.stock:
            if product.stock == 0:
                cart.pop(key)
                notices.append(_("“%(title)s” is sold out and was removed.", title=product.title))
                continue
            quantity = cart[key] = product.stock
            notices.append(
                _("Only %(n)d of “%(title)s” available.", n=quantity, title=product.title)
            )
        result.append(CartLine(product, quantity))
    if cart != raw():
        session[KEY] = cart
    return result, notices


def quote(cart_lines: list[CartLine]) -> str:
    """The prices the buyer is looking at, sent back with the checkout form."""
    return ",".join(f"{line.product.id}:{line.product.price}" for line in cart_lines)


def changed_prices(cart_lines: list[CartLine], seen: str) -> list[CartLine]:
    """Lines whose price differs from the quote the buyer saw."""
    before = dict(part.split(":", 1) for part in seen.split(",") if ":" in part)
    return [
        line for line in cart_lines if before.get(str(line.product.id)) != str(line.product.price)
    ]


def clear() -> None:
    session.pop(KEY, None)
