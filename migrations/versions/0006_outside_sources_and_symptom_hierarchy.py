"""outside sources and symptom hierarchy

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 04:19:22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX, as in 0002: a batch rebuild of "condition" would
    # cascade its drop to every child row on SQLite.
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("release", sa.String(length=60), nullable=False),
        sa.Column("url", sa.String(length=255), nullable=False),
        sa.Column("license", sa.Text(), nullable=False),
        sa.Column("acknowledgement", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_source_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
    )
    op.create_table(
        "symptom_parent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("symptom_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_symptom_parent_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["symptom.id"],
            name=op.f("fk_symptom_parent_parent_id_symptom"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["symptom_id"],
            ["symptom.id"],
            name=op.f("fk_symptom_parent_symptom_id_symptom"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_symptom_parent")),
        sa.UniqueConstraint(
            "symptom_id", "parent_id", name=op.f("uq_symptom_parent_symptom_id_parent_id")
        ),
    )
    op.create_index("ix_symptom_parent_parent_id", "symptom_parent", ["parent_id"])
    op.add_column("condition", sa.Column("source_id", sa.String(length=40), nullable=True))
    op.create_index("ix_condition_source_id", "condition", ["source_id"], unique=True)
    op.add_column("symptom", sa.Column("source_id", sa.String(length=40), nullable=True))
    op.create_index("ix_symptom_source_id", "symptom", ["source_id"], unique=True)
    op.add_column("condition_symptom", sa.Column("frequency_value", sa.Float(), nullable=True))
    # "identifier" is longer than the kinds before it. Nothing refers to a synonym, so the
    # rebuild SQLite needs for this is safe.
    with op.batch_alter_table("symptom_synonym") as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=6),
            type_=sa.String(length=10),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("symptom_synonym") as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=10),
            type_=sa.String(length=6),
            existing_nullable=False,
        )
    op.drop_column("condition_symptom", "frequency_value")
    op.drop_index("ix_symptom_source_id", table_name="symptom")
    op.drop_column("symptom", "source_id")
    op.drop_index("ix_condition_source_id", table_name="condition")
    op.drop_column("condition", "source_id")
    op.drop_index("ix_symptom_parent_parent_id", table_name="symptom_parent")
    op.drop_table("symptom_parent")
    op.drop_table("source")
