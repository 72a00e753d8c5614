"""email_confirmed: a self-registered account signs in only after opening its confirmation link

Every account that exists already counts as confirmed: its owner has been signing in with it.

Revision ID: 0007_email_confirmed
Revises: 0003_submissions
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_email_confirmed"
down_revision = "0003_submissions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")
