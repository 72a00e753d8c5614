"""Product search: one interface, a backend per database dialect.

    terms = parse_query(request.args.get("q"))
    matches = matching_products()        # a subquery of (product_id, score) ...
    params = match_parameters(terms)     # ... run with these bind parameters
    suggestion = suggest(terms)          # "did you mean" text for a query that found nothing

Whatever a buyer types is treated as words: it is normalised and tokenised here, in Python, and
each backend quotes every token, so search operators, quotes and SQL never reach the database.
"""

import re
import unicodedata

from sqlalchemy import Subquery

from marketplace.core.extensions import db

#: Tables the search migration keeps up to date with triggers, outside the ORM's metadata
#: (FTS5's shadow tables on SQLite included); autogenerate must leave them alone.
SEARCH_TABLE_PREFIXES = ("product_search", "search_words", "search_categories")

MAX_QUERY_CHARS = 100
MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+")

#: Words too common to help ranking and (on SQLite) would require every match to contain them.
STOPWORDS = frozenset(
    [
        "a",
        "al",
        "and",
        "con",
        "de",
        "del",
        "el",
        "en",
        "for",
        "la",
        "las",
        "lo",
        "los",
        "of",
        "or",
        "para",
        "por",
        "the",
        "to",
        "un",
        "una",
        "unos",
        "unas",
        "y",
        "o",
    ]
)


def normalise(text: str) -> str:
    """Lower case without accents: "Artesanía" -> "artesania"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_query(raw: str | None) -> list[str]:
    """The words of a search box entry, normalised, without stopwords; at most MAX_TERMS."""
    if not raw:
        return []
    text = normalise(raw.replace("\x00", " ")[:MAX_QUERY_CHARS])
    words = [w for w in _WORD.findall(text) if w not in STOPWORDS]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _backend():
    if db.engine.dialect.name == "postgresql":
        from marketplace.catalog.search import postgres as backend
    else:
        from marketplace.catalog.search import sqlite as backend
    return backend


def matching_products() -> Subquery:
    """Products whose text matches every term, with a relevance `score` (higher is better).
    The same object for every query, so statements using it can be built once and reused."""
    return _backend().MATCHES


def match_parameters(terms: list[str]) -> dict:
    """The bind parameters that make `matching_products()` search for `terms`."""
    return {"search_match": _backend().match_expression(terms)}


def suggest(terms: list[str]) -> str | None:
    """A corrected query built from known words, or None when nothing close is known."""
    if not terms:
        return None
    corrected = [_backend().closest_word(term) or term for term in terms]
    return " ".join(corrected) if corrected != terms else None
