"""full-text search on PostgreSQL

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 02:12:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite has had its FTS5 table since 0001; PostgreSQL gets a tsvector per condition.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE condition_search ("
            " condition_id integer PRIMARY KEY REFERENCES condition (id) ON DELETE CASCADE,"
            " document tsvector NOT NULL)"
        )
        op.execute(
            "CREATE INDEX ix_condition_search_document ON condition_search USING gin (document)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE condition_search")
