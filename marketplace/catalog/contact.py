"""Published contact links for a vendor's public page."""

from urllib.parse import quote


def whatsapp_link(number: str | None, text: str = "") -> str | None:
    """A wa.me link for a normalised +504XXXXXXXX number, with an optional prefilled message."""
    digits = "".join(c for c in number or "" if c.isdigit())
    if not digits:
        return None
    return f"https://wa.me/{digits}" + (f"?text={quote(text)}" if text else "")


def public_contact(vendor) -> dict:
    """Only what the vendor chose to publish."""
    return {
        "phone": vendor.phone if vendor.show_phone and vendor.phone else None,
        "whatsapp": vendor.whatsapp if vendor.show_whatsapp and vendor.whatsapp else None,
    }
