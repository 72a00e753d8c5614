"""profiles: one-time account claim codes for assisted registration

Revision ID: 0002_profiles
Revises: 0001_foundation
Create Date: 2026-11-28 12:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0002_profiles"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("vendors") as batch_op:
        batch_op.add_column(sa.Column("claim_code_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("claim_code_expires_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("vendors") as batch_op:
        batch_op.drop_column("claim_code_expires_at")
        batch_op.drop_column("claim_code_hash")
