"""Fixed lists: product categories and Honduras' departments."""

from functools import lru_cache

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

#: Category code -> translated label. Codes are stored; labels are shown.
CATEGORIES = {
    "food": _l("Food"),
    "coffee_cacao": _l("Coffee and cacao"),
    "crafts": _l("Crafts"),
    "textiles": _l("Textiles and clothing"),
    "leather": _l("Leather"),
    "jewellery": _l("Jewellery"),
    "beauty": _l("Beauty and personal care"),
    "wood": _l("Wood and furniture"),
    "services": _l("Services"),
    "other": _l("Other"),
}


def category_labels() -> dict[str, str]:
    """CATEGORIES in the current language, as plain strings. Worked out once per language: the
    catalogues do not change while the app runs, and lazy strings are slow by the dozen."""
    return _labels_in(str(get_locale()))


@lru_cache(maxsize=8)
def _labels_in(_locale: str) -> dict[str, str]:
    return {code: str(label) for code, label in CATEGORIES.items()}


#: Categories that belong in a fair's food zone.
FOOD_CATEGORIES = frozenset({"food", "coffee_cacao"})

#: The 18 departments, stored and shown by their proper names.
DEPARTMENTS = (
    "Atlántida",
    "Choluteca",
    "Colón",
    "Comayagua",
    "Copán",
    "Cortés",
    "El Paraíso",
    "Francisco Morazán",
    "Gracias a Dios",
    "Intibucá",
    "Islas de la Bahía",
    "La Paz",
    "Lempira",
    "Ocotepeque",
    "Olancho",
    "Santa Bárbara",
    "Valle",
    "Yoro",
)
