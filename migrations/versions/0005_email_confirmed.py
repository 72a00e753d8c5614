"""email_confirmed: a self-registered account signs in only after opening its confirmation link

Every account that exists already counts as confirmed: its owner has been signing in with it.

Revision ID: 0005_email_confirmed
Revises: 0004_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_email_confirmed"
down_revision = "0004_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")


def downgrade():
    # In place, never by copying the table: on SQLite, dropping the old `users` while foreign
    # keys are on would empty or null every reference to it (see 0004_sessions).
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("email_confirmed_at")
