"""one version of the knowledge

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    version = op.create_table(
        "knowledge_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocabulary", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_version")),
    )
    # A base that already holds knowledge starts at version 1.1, changed when it last changed.
    connection = op.get_bind()
    last = connection.execute(
        sa.text(
            "SELECT max(moment) FROM (SELECT max(imported_at) AS moment FROM document "
            "UNION ALL SELECT max(created_at) FROM condition_revision) AS moments"
        )
    ).scalar()
    if isinstance(last, str):  # SQLite hands back its text
        last = datetime.fromisoformat(last)
    op.bulk_insert(
        version,
        [{"id": 1, "vocabulary": 1, "conditions": 1, "changed_at": last or datetime.now(UTC)}],
    )


def downgrade() -> None:
    op.drop_table("knowledge_version")
