"""PostgreSQL search: a Spanish tsvector over unaccented text, and pg_trgm for typos."""

from sqlalchemy import Float, Integer, text

from marketplace.core.extensions import db

_MATCH = text(
    "SELECT s.product_id AS product_id, ts_rank(s.document, q.query)::float8 AS score "
    "FROM product_search AS s, to_tsquery('spanish', immutable_unaccent(:search_match)) AS q(query) "
    "WHERE s.document @@ q.query"
)
MATCHES = _MATCH.columns(product_id=Integer, score=Float).subquery("search")


def match_expression(terms: list[str]) -> str:
    """Every term as a quoted lexeme, all required: 'bolsas' & 'cuero'.

    Terms hold only letters and digits; quotes and backslashes are escaped anyway so that no term
    can ever be read as tsquery syntax.
    """
    quoted = ("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)
    return " & ".join(quoted)


def closest_word(term: str) -> str | None:
    """The known word most similar by trigrams, unless the term is already known."""
    if len(term) < 3:
        return None
    row = db.session.execute(
        text(
            "SELECT word, word = :term AS exact FROM search_words WHERE word % :term "
            "ORDER BY exact DESC, similarity(word, :term) DESC, word LIMIT 1"
        ),
        {"term": term},
    ).first()
    if row is None or row.exact:
        return None
    return row.word
