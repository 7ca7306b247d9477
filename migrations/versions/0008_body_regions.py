"""body regions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New tables only: a batch rebuild of "symptom" or "condition" would cascade its drop to
    # every child row on SQLite (see 0002).
    op.create_table(
        "body_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_body_region_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["body_region.id"],
            name=op.f("fk_body_region_parent_id_body_region"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_region")),
    )
    op.create_index(op.f("ix_body_region_slug"), "body_region", ["slug"], unique=True)
    op.create_table(
        "body_region_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=120), nullable=False),
        sa.Column("normalized", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["body_region.id"],
            name=op.f("fk_body_region_word_region_id_body_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_region_word")),
        sa.UniqueConstraint(
            "region_id", "normalized", name=op.f("uq_body_region_word_region_id_normalized")
        ),
    )
    op.create_table(
        "symptom_region",
        sa.Column("symptom_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["body_region.id"],
            name=op.f("fk_symptom_region_region_id_body_region"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["symptom_id"],
            ["symptom.id"],
            name=op.f("fk_symptom_region_symptom_id_symptom"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("symptom_id", name=op.f("pk_symptom_region")),
    )
    op.create_table(
        "condition_region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("declared", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["condition.id"],
            name=op.f("fk_condition_region_condition_id_condition"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["body_region.id"],
            name=op.f("fk_condition_region_region_id_body_region"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condition_region")),
        sa.UniqueConstraint(
            "condition_id", "region_id", name=op.f("uq_condition_region_condition_id_region_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("condition_region")
    op.drop_table("symptom_region")
    op.drop_table("body_region_word")
    op.drop_index(op.f("ix_body_region_slug"), table_name="body_region")
    op.drop_table("body_region")
