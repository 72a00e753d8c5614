"""SQLite search: the FTS5 table `product_search` (diacritics removed by its tokenizer)."""

import difflib

from sqlalchemy import Float, Integer, text

from marketplace.core.extensions import db

# Title weighs most, then category words and the vendor's name, then the description.
_MATCH = text(
    "SELECT rowid AS product_id, -bm25(product_search, 10.0, 1.0, 4.0, 4.0) AS score "
    "FROM product_search WHERE product_search MATCH :search_match"
)
MATCHES = _MATCH.columns(product_id=Integer, score=Float).subquery("search")


def fold_plural(word: str) -> str:
    """A rough Spanish singular: "bolsas" -> "bolsa", "flores" -> "flor", "jabones" -> "jabon"."""
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def match_expression(terms: list[str]) -> str:
    """Every term quoted as an FTS5 string, as a prefix of its singular: "bolsas" -> "bolsa"*.

    Terms hold only letters and digits, but quotes are doubled anyway so that no term can ever
    be read as FTS5 syntax.
    """
    quoted = ('"' + fold_plural(t).replace('"', '""') + '"*' for t in terms)
    return " AND ".join(quoted)


def closest_word(term: str) -> str | None:
    """The indexed word closest in spelling, from FTS5's own vocabulary."""
    if len(term) < 3:
        return None
    rows = db.session.execute(
        text(
            "SELECT term FROM product_search_vocab WHERE term >= :lo AND term < :hi "
            "ORDER BY doc DESC LIMIT 5000"
        ),
        {"lo": term[0], "hi": chr(ord(term[0]) + 1)},
    )
    words = [w for (w,) in rows if not w.isdigit()]
    if term in words or fold_plural(term) in words:
        return None
    close = difflib.get_close_matches(term, words, n=1, cutoff=0.75)
    return close[0] if close else None
