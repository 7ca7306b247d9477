"""condition codes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "condition_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["condition.id"],
            name=op.f("fk_condition_code_condition_id_condition"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condition_code")),
        sa.UniqueConstraint(
            "condition_id",
            "system",
            "code",
            name=op.f("uq_condition_code_condition_id_system_code"),
        ),
    )
    op.create_index(op.f("ix_condition_code_code"), "condition_code", ["code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_condition_code_code"), table_name="condition_code")
    op.drop_table("condition_code")
