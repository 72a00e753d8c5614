"""Honduran phone numbers, and the contact links a vendor chose to publish."""

import re
from urllib.parse import quote

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.core.i18n import format_money

# Landlines start with 2, mobiles with 3, 7, 8 or 9; every number has eight digits.
_LOCAL = re.compile(r"[23789]\d{7}")
_SEPARATORS = re.compile(r"[\s\-.()]")


def normalise_phone(text: str | None) -> str | None:
    """`9876-5432`, `+504 9876 5432` or `50498765432` -> `+50498765432`; None if not Honduran."""
    digits = _SEPARATORS.sub("", text or "")
    if digits.startswith("+504"):
        digits = digits[4:]
    elif digits.startswith("504") and len(digits) == 11:
        digits = digits[3:]
    return f"+504{digits}" if _LOCAL.fullmatch(digits) else None


def display_phone(phone: str | None) -> str:
    """`+50498765432` -> `9876-5432`, the way people here write it."""
    if not phone:
        return ""
    local = phone.removeprefix("+504")
    return f"{local[:4]}-{local[4:]}"


def public_phone(vendor) -> str | None:
    """The phone number if the vendor chose to show it, else None."""
    return vendor.phone if vendor.show_phone and vendor.phone else None


def whatsapp_link(vendor, product=None) -> str | None:
    """A wa.me click-to-chat link with a Spanish greeting naming the product and its price.

    None unless the vendor published a WhatsApp number. The message is always Spanish because
    the entrepreneur reads it, whatever language the buyer browses in.
    """
    if not (vendor.show_whatsapp and vendor.whatsapp):
        return None
    with force_locale("es"):
        if product is not None:
            text = _(
                "Hello! I saw %(product)s (%(price)s) on Mercado Retorno. Is it available?",
                product=product.title,
                price=format_money(product.price),
            )
        else:
            text = _(
                "Hello! I found %(business)s on Mercado Retorno and would like to know more.",
                business=vendor.business_name,
            )
    return chat_link(vendor.whatsapp, text)


def chat_link(phone: str, text: str) -> str:
    """A wa.me link to a normalised number with a prefilled message."""
    return f"https://wa.me/{phone.lstrip('+')}?text={quote(text)}"
