"""listed units: unit_id (one unit, several listings; legacy units without a credit code)

Revision ID: 4c7e1d2a9b60
Revises: e009fbb04b79
Create Date: 2026-12-02 16:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4c7e1d2a9b60'
down_revision: str | None = 'e009fbb04b79'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('listed_units', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('unit_id', sa.String(length=64), server_default='', nullable=False)
        )
        batch_op.create_index('ix_listed_units_unit', ['unit_id'], unique=False)
    # Every listing so far has its credit code: that is its unit.
    op.execute("UPDATE listed_units SET unit_id = credit_code")


def downgrade() -> None:
    with op.batch_alter_table('listed_units', schema=None) as batch_op:
        batch_op.drop_index('ix_listed_units_unit')
        batch_op.drop_column('unit_id')
