"""warning signs that hold only together with another symptom

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "symptom_red_flag_partner",
        sa.Column("symptom_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["symptom_id"],
            ["symptom.id"],
            name=op.f("fk_symptom_red_flag_partner_symptom_id_symptom"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["symptom.id"],
            name=op.f("fk_symptom_red_flag_partner_partner_id_symptom"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "symptom_id", "partner_id", name=op.f("pk_symptom_red_flag_partner")
        ),
    )


def downgrade() -> None:
    op.drop_table("symptom_red_flag_partner")
