"""Prices as people type them on a phone: `250`, `250.50`, `1,250.50` lempiras -> centavos."""

import re

from flask_babel import lazy_gettext as _l

#: The highest price we accept, in centavos: anything above is almost surely a typing slip.
MAX_PRICE = 1_000_000 * 100

# Digits with optional thousands commas (all groups of three) or none, then up to any decimals
# (checked separately, so "2.505" gets its own message rather than "not a number").
_NUMBER = re.compile(r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<cents>\d*))?")


class PriceError(ValueError):
    """A price we refuse; `message` is shown next to the field."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_lempiras(text: str) -> int:
    """`"1,250.50"` -> 125050. Accepts an optional leading `L`/`L.`/`Lps` and spaces."""
    cleaned = re.sub(r"^\s*(?:lps\.?|l\.?)\s*", "", (text or "").strip(), flags=re.I).strip()
    if not cleaned:
        raise PriceError(_l("Please enter a price."))
    if cleaned.startswith("-"):
        raise PriceError(_l("The price cannot be negative."))
    match = _NUMBER.fullmatch(cleaned)
    if not match:
        raise PriceError(
            _l("Please write the price with numbers only, for example 250 or 1,250.50.")
        )
    cents = match["cents"] or ""
    if len(match["whole"]) > 20:  # far past the maximum, and int() refuses thousands of digits
        raise PriceError(_l("That price looks too high. The most we accept is L 1,000,000.00."))
    if len(cents) > 2:
        raise PriceError(_l("A price can have at most two decimals (centavos)."))
    value = int(match["whole"].replace(",", "")) * 100 + int(cents.ljust(2, "0") or 0)
    if value == 0:
        raise PriceError(_l("The price must be more than zero."))
    if value > MAX_PRICE:
        raise PriceError(_l("That price looks too high. The most we accept is L 1,000,000.00."))
    return value


def format_lempiras(centavos: int | None) -> str:
    """Centavos back to what the form shows: 125050 -> "1250.50", 25000 -> "250"."""
    if centavos is None:
        return ""
    whole, cents = divmod(centavos, 100)
    return f"{whole}.{cents:02d}" if cents else str(whole)
