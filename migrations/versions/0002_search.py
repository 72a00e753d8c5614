"""search: full-text index of products, category search terms, catalogue sort indexes

Revision ID: 0002_search
Revises: 0001_foundation

SQLite gets an FTS5 table (accent-insensitive tokenizer) and its vocabulary; PostgreSQL gets a
Spanish tsvector over unaccented text with a GIN index, and a trigram-indexed word list for
"did you mean". Triggers on products and vendors keep both in step, whoever writes the rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_search"
down_revision = "products_moderation"
branch_labels = None
depends_on = None

#: Category code -> words a buyer may type for it (English and Spanish labels). Frozen here on
#: purpose: a migration must not change meaning when the taxonomy module changes.
CATEGORY_TERMS = {
    "food": "Food Comida alimentos",
    "coffee_cacao": "Coffee and cacao Café y cacao chocolate",
    "crafts": "Crafts Artesanías artesanía",
    "textiles": "Textiles and clothing Textiles y ropa",
    "leather": "Leather Cuero",
    "jewellery": "Jewellery jewelry Joyería y bisutería",
    "beauty": "Beauty and personal care Belleza y cuidado personal",
    "wood": "Wood and furniture Madera y muebles",
    "services": "Services Servicios",
    "other": "Other Otros",
}

SORT_INDEXES = {
    "ix_products_created_id": ("created_at", "id"),
    "ix_products_price_id": ("price", "id"),
    "ix_products_title_id": ("title", "id"),
}

SQLITE_UP = [
    """CREATE VIRTUAL TABLE product_search USING fts5(
        title, description, category_terms, vendor_name,
        tokenize = "unicode61 remove_diacritics 2")""",
    "CREATE VIRTUAL TABLE product_search_vocab USING fts5vocab(product_search, row)",
    """CREATE TRIGGER product_search_insert AFTER INSERT ON products BEGIN
        INSERT INTO product_search (rowid, title, description, category_terms, vendor_name)
        SELECT NEW.id, NEW.title, NEW.description,
               coalesce((SELECT terms FROM search_categories WHERE code = NEW.category), ''),
               coalesce((SELECT business_name FROM vendors WHERE id = NEW.vendor_id), '');
    END""",
    """CREATE TRIGGER product_search_update
    AFTER UPDATE OF title, description, category, vendor_id ON products BEGIN
        DELETE FROM product_search WHERE rowid = OLD.id;
        INSERT INTO product_search (rowid, title, description, category_terms, vendor_name)
        SELECT NEW.id, NEW.title, NEW.description,
               coalesce((SELECT terms FROM search_categories WHERE code = NEW.category), ''),
               coalesce((SELECT business_name FROM vendors WHERE id = NEW.vendor_id), '');
    END""",
    """CREATE TRIGGER product_search_delete AFTER DELETE ON products BEGIN
        DELETE FROM product_search WHERE rowid = OLD.id;
    END""",
    """CREATE TRIGGER vendor_search_update AFTER UPDATE OF business_name ON vendors BEGIN
        UPDATE product_search SET vendor_name = NEW.business_name
        WHERE rowid IN (SELECT id FROM products WHERE vendor_id = NEW.id);
    END""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS vendor_search_update",
    "DROP TRIGGER IF EXISTS product_search_delete",
    "DROP TRIGGER IF EXISTS product_search_update",
    "DROP TRIGGER IF EXISTS product_search_insert",
    "DROP TABLE IF EXISTS product_search_vocab",
    "DROP TABLE IF EXISTS product_search",
]

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is only STABLE (its dictionary could change); indexes need an IMMUTABLE wrapper.
    """CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    """CREATE TABLE product_search (
        product_id integer PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
        document tsvector NOT NULL)""",
    "CREATE INDEX ix_product_search_document ON product_search USING gin (document)",
    "CREATE TABLE search_words (word varchar(60) PRIMARY KEY)",
    "CREATE INDEX ix_search_words_trgm ON search_words USING gin (word gin_trgm_ops)",
    """CREATE FUNCTION product_search_document(p_title text, p_description text,
                                               p_category text, p_vendor_id integer)
        RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('spanish', immutable_unaccent(coalesce(p_title, ''))), 'A')
            || setweight(to_tsvector('spanish', immutable_unaccent(coalesce(
                   (SELECT terms FROM search_categories WHERE code = p_category), ''))), 'B')
            || setweight(to_tsvector('spanish', immutable_unaccent(coalesce(
                   (SELECT business_name FROM vendors WHERE id = p_vendor_id), ''))), 'B')
            || setweight(to_tsvector('spanish', immutable_unaccent(coalesce(p_description, ''))),
                         'C')
        $$""",
    """CREATE FUNCTION product_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO product_search (product_id, document)
        VALUES (NEW.id, product_search_document(NEW.title, NEW.description, NEW.category,
                                                NEW.vendor_id))
        ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document;
        -- Sorted, so two writers add shared new words in the same order and cannot deadlock.
        INSERT INTO search_words (word)
        SELECT DISTINCT w FROM regexp_split_to_table(lower(immutable_unaccent(NEW.title)),
                                                     '[^[:alnum:]]+') AS w
        WHERE length(w) BETWEEN 3 AND 60 ORDER BY w
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER product_search_insert AFTER INSERT ON products
        FOR EACH ROW EXECUTE FUNCTION product_search_refresh()""",
    """CREATE TRIGGER product_search_update
        AFTER UPDATE OF title, description, category, vendor_id ON products
        FOR EACH ROW EXECUTE FUNCTION product_search_refresh()""",
    """CREATE FUNCTION vendor_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE product_search AS s
        SET document = product_search_document(p.title, p.description, p.category, p.vendor_id)
        FROM products AS p WHERE p.vendor_id = NEW.id AND s.product_id = p.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER vendor_search_update AFTER UPDATE OF business_name ON vendors
        FOR EACH ROW WHEN (OLD.business_name IS DISTINCT FROM NEW.business_name)
        EXECUTE FUNCTION vendor_search_refresh()""",
]

POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS vendor_search_update ON vendors",
    "DROP TRIGGER IF EXISTS product_search_update ON products",
    "DROP TRIGGER IF EXISTS product_search_insert ON products",
    "DROP FUNCTION IF EXISTS vendor_search_refresh()",
    "DROP FUNCTION IF EXISTS product_search_refresh()",
    "DROP FUNCTION IF EXISTS product_search_document(text, text, text, integer)",
    "DROP TABLE IF EXISTS search_words",
    "DROP TABLE IF EXISTS product_search",
    "DROP FUNCTION IF EXISTS immutable_unaccent(text)",
]


def upgrade():
    categories = op.create_table(
        "search_categories",
        sa.Column("code", sa.String(30), primary_key=True),
        sa.Column("terms", sa.Text(), nullable=False),
    )
    op.bulk_insert(categories, [{"code": c, "terms": t} for c, t in CATEGORY_TERMS.items()])
    for name, columns in SORT_INDEXES.items():
        op.create_index(name, "products", list(columns))
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_UP if dialect == "postgresql" else SQLITE_UP:
        op.execute(statement)
    # Index whatever products already exist.
    op.execute("UPDATE products SET title = title")


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_DOWN if dialect == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    for name in SORT_INDEXES:
        op.drop_index(name, table_name="products")
    op.drop_table("search_categories")
