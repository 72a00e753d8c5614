"""products: organisers can hide a product with a reason

Revision ID: products_moderation
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "products_moderation"
down_revision = "0002_reports"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("moderated_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("moderation_reason", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("products") as batch:
        batch.drop_column("moderation_reason")
        batch.drop_column("moderated_at")
