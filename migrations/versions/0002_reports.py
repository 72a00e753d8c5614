"""reports: a partial covering index for fair sales reports

Revision ID: 0002_reports
Revises: 0001_foundation
Create Date: 2026-11-28 12:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_reports'
down_revision = "0002_profiles"
branch_labels = None
depends_on = None


def upgrade():
    # Counted (not voided) sales of a fair, with every column its report adds up.
    op.create_index(
        'ix_sales_fair_report',
        'sales',
        ['fair_id', 'vendor_id', 'payment_method', 'recorded_at', 'total'],
        unique=False,
        sqlite_where=sa.text('voided_at IS NULL'),
        postgresql_where=sa.text('voided_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_sales_fair_report', table_name='sales')
