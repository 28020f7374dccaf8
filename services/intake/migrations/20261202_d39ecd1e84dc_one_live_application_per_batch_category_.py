"""one live application per batch, category and credit code

Revision ID: d39ecd1e84dc
Revises: e12e059eebb1
Create Date: 2026-12-02 16:12:14.749702
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d39ecd1e84dc"
down_revision: str | None = "e12e059eebb1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "stage <> 'rejected'"


def upgrade() -> None:
    # Duplicates made before this revision cannot be resolved here (which one the unit meant
    # to keep is the authority's call): name them instead of failing on the index.
    duplicates = op.get_bind().execute(sa.text(
        "SELECT batch, category, credit_code, COUNT(*) FROM applications "
        f"WHERE {LIVE} GROUP BY batch, category, credit_code HAVING COUNT(*) > 1"
    )).fetchall()
    if duplicates:
        listed = "; ".join(f"{b} {c} {code} ×{n}" for b, c, code, n in duplicates)
        raise RuntimeError(
            "live applications repeat a (batch, category, credit code); reject all but one of "
            f"each before upgrading: {listed}"
        )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            "uq_applications_live", ["batch", "category", "credit_code"], unique=True,
            postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE),
        )


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("uq_applications_live")
