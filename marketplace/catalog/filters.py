"""Reading the catalogue's filters from a query string, forgiving on pages, strict in the API.

Each problem is reported as a `Problem` (a code and a message in the buyer's language) and the
offending filter is dropped, so a page can show a notice and carry on, and the API can answer 400.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from fairs.fairs.models import PUBLIC_STATUSES, Fair
from marketplace.catalog.search import MAX_QUERY_CHARS
from marketplace.core.extensions import db
from marketplace.core.inputs import MAX_ID, has_forbidden_characters, to_int
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.taxonomy import CATEGORIES, DEPARTMENTS

SORTS = ("newest", "price_asc", "price_desc", "name")
DEFAULT_LIMIT = 24
MAX_LIMIT = 100
#: Centavos; far above anything sold (L 1,000,000.00 at most), and what a 32-bit INTEGER column
#: holds: a bound beyond it would make PostgreSQL refuse the whole query.
MAX_PRICE = MAX_ID


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass
class CatalogFilters:
    q: str = ""
    category: str | None = None
    department: str | None = None
    fair: Fair | None = None
    vendor: VendorProfile | None = None
    min_price: int | None = None  # centavos
    max_price: int | None = None
    sort: str = "newest"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT
    problems: list[Problem] = field(default_factory=list)

    def effective_sort(self, searching: bool) -> str:
        """A search is ranked by relevance unless the buyer chose another order."""
        return "relevance" if searching and self.sort == "newest" else self.sort

    def url_args(self, money_in_lempiras: bool = True) -> dict:
        """The filters as query arguments, to keep them in links (without the cursor)."""
        divisor = 100 if money_in_lempiras else 1
        args = {
            "q": self.q,
            "category": self.category,
            "department": self.department,
            "fair": self.fair.slug if self.fair else None,
            "vendor": self.vendor.slug if self.vendor else None,
            "min_price": _amount(self.min_price, divisor),
            "max_price": _amount(self.max_price, divisor),
            "sort": self.sort if self.sort != "newest" else None,
            "limit": self.limit if self.limit != DEFAULT_LIMIT else None,
        }
        return {k: v for k, v in args.items() if v}

    def without_cursor(self) -> "CatalogFilters":
        return replace(self, cursor=None)


def _amount(centavos: int | None, divisor: int) -> str | None:
    if centavos is None:
        return None
    if divisor == 1 or centavos % 100 == 0:
        return str(centavos // divisor)
    return f"{centavos / 100:.2f}"


def parse_filters(args, money_in_lempiras: bool = True) -> CatalogFilters:
    """Filters from request args. Prices are lempiras on pages and centavos in the API."""
    f = CatalogFilters(q=(args.get("q") or "").replace("\x00", "").strip()[:MAX_QUERY_CHARS])
    f.category = _choice(f, args.get("category"), CATEGORIES, "unknown_category")
    f.department = _choice(f, args.get("department"), DEPARTMENTS, "unknown_department")
    f.fair = _fair(f, args.get("fair"))
    f.vendor = _vendor(f, args.get("vendor"))
    _prices(f, args.get("min_price"), args.get("max_price"), money_in_lempiras)
    sort = args.get("sort") or "newest"
    if sort not in SORTS:
        f.problems.append(
            Problem("unknown_sort", _("We do not know that order, so we show the newest first."))
        )
        sort = "newest"
    f.sort = sort
    f.cursor = args.get("cursor") or None
    f.limit = _limit(f, args.get("limit"))
    return f


def _choice(f: CatalogFilters, value, allowed, code: str) -> str | None:
    if not value:
        return None
    if value in allowed:
        return value
    f.problems.append(
        Problem(
            code, _("We do not know the filter “%(value)s”, so we left it out.", value=value[:40])
        )
    )
    return None


def _fair(f: CatalogFilters, slug) -> Fair | None:
    if not slug:
        return None
    # NUL cannot reach PostgreSQL at all; no slug holds it or a bidi control anyway.
    fair = (
        None
        if has_forbidden_characters(slug)
        else db.session.scalar(
            db.select(Fair).where(Fair.slug == slug[:80], Fair.status.in_(PUBLIC_STATUSES))
        )
    )
    if fair is None:
        f.problems.append(
            Problem(
                "unknown_fair",
                _("We could not find that fair, so we show products from every fair."),
            )
        )
    return fair


def _vendor(f: CatalogFilters, slug) -> VendorProfile | None:
    if not slug:
        return None
    vendor = (
        None
        if has_forbidden_characters(slug)
        else db.session.scalar(
            db.select(VendorProfile).where(
                VendorProfile.slug == slug[:80],
                VendorProfile.status == VendorStatus.VERIFIED.value,
                VendorProfile.deleted_at.is_(None),
            )
        )
    )
    if vendor is None:
        f.problems.append(
            Problem(
                "unknown_vendor",
                _("We could not find that business, so we show products from every business."),
            )
        )
    return vendor


def _prices(f: CatalogFilters, low, high, in_lempiras: bool) -> None:
    low_c, high_c = _price(f, low, in_lempiras), _price(f, high, in_lempiras)
    if low_c is not None and high_c is not None and low_c > high_c:
        f.problems.append(
            Problem(
                "reversed_price_range",
                _("The lowest price was above the highest, so we swapped them."),
            )
        )
        low_c, high_c = high_c, low_c
    f.min_price, f.max_price = low_c, high_c


def _price(f: CatalogFilters, value, in_lempiras: bool) -> int | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().replace(",", "")[:20]
    try:
        amount = Decimal(text) * (100 if in_lempiras else 1)
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise InvalidOperation
    except InvalidOperation:
        f.problems.append(
            Problem(
                "invalid_price", _("A price must be a number, like 250 or 250.50. We left it out.")
            )
        )
        return None
    if amount < 0:
        f.problems.append(
            Problem("negative_price", _("A price cannot be negative, so we left it out."))
        )
        return None
    if amount > MAX_PRICE:
        f.problems.append(
            Problem("price_too_high", _("That price is too high, so we left it out."))
        )
        return None
    return int(amount)


def _limit(f: CatalogFilters, value) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    text = str(value).strip()
    # Digits only (int() would also take "1_0" or Arabic digits); any size is brought into range.
    limit = to_int(text, minimum=-(10**12), maximum=10**12)
    if limit is None and text.isascii() and text.lstrip("-").isdigit():
        limit = MAX_LIMIT if not text.startswith("-") else 1
    if limit is None:
        f.problems.append(
            Problem("invalid_limit", _("The number of results must be a whole number."))
        )
        return DEFAULT_LIMIT
    return max(1, min(limit, MAX_LIMIT))
