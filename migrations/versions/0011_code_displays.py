"""each condition code keeps its description

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.ingest.codes import icd_10_cm_display

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "condition_code", sa.Column("display", sa.Text(), nullable=False, server_default="")
    )
    codes = sa.table(
        "condition_code", sa.column("id", sa.Integer), sa.column("code"), sa.column("display")
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(codes.c.id, codes.c.code)).all()
    for row_id, code in rows:
        connection.execute(
            sa.update(codes).where(codes.c.id == row_id).values(display=icd_10_cm_display(code))
        )


def downgrade() -> None:
    op.drop_column("condition_code", "display")
