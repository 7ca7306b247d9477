"""Full-text search over conditions: FTS5 on SQLite, tsvector and GIN on PostgreSQL.

Both answer the same question the same way: every word must occur (as a word or the start
of one), a match in the name counts most, then the summary, then the rest; ``rank`` is lower
for better matches, so one keyset query pages both."""

import re
from typing import Any

from sqlalchemy import Connection, TextClause, text

SEARCH_WORD = re.compile(r"[^\W_]+")


def write_row(
    connection: Connection, condition_id: int, name: str, summary: str, body: str
) -> None:
    parameters = {"id": condition_id, "name": name, "summary": summary, "body": body}
    if connection.dialect.name == "sqlite":
        remove_row(connection, condition_id)
        connection.execute(
            text(
                "INSERT INTO condition_search (rowid, name, summary, body)"
                " VALUES (:id, :name, :summary, :body)"
            ).bindparams(**parameters)
        )
        return
    connection.execute(
        text(
            "INSERT INTO condition_search (condition_id, document) VALUES (:id,"
            " setweight(to_tsvector('english', :name), 'A')"
            " || setweight(to_tsvector('english', :summary), 'B')"
            " || setweight(to_tsvector('english', :body), 'C'))"
            " ON CONFLICT (condition_id) DO UPDATE SET document = excluded.document"
        ).bindparams(**parameters)
    )


def remove_row(connection: Connection, condition_id: int) -> None:
    key = "rowid" if connection.dialect.name == "sqlite" else "condition_id"
    connection.execute(
        text(f"DELETE FROM condition_search WHERE {key} = :id").bindparams(id=condition_id)
    )


def search(
    dialect: str, words: list[str], *, limit: int, after: tuple[float, str] | None
) -> TextClause:
    """Conditions matching every word, best first, after the keyset position if given."""
    parameters: dict[str, Any] = {"limit": limit}
    if dialect == "sqlite":
        # Quoting keeps FTS5 syntax in the words inert.
        parameters["match"] = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
        matching = (
            "SELECT c.slug AS slug, c.name AS name, c.summary AS summary,"
            " bm25(condition_search, 10.0, 4.0, 1.0) AS rank"
            " FROM condition_search JOIN condition AS c ON c.id = condition_search.rowid"
            " WHERE condition_search MATCH :match"
        )
    else:
        # Words are letters and digits only, so the tsquery syntax cannot be injected.
        parameters["match"] = " & ".join(f"{word}:*" for word in words)
        matching = (
            "SELECT c.slug AS slug, c.name AS name, c.summary AS summary,"
            " -ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', s.document, q)::float8 AS rank"
            " FROM condition_search AS s JOIN condition AS c ON c.id = s.condition_id,"
            " to_tsquery('english', :match) AS q WHERE s.document @@ q"
        )
    keyset = ""
    if after is not None:
        keyset = "WHERE rank > :rank OR (rank = :rank AND slug > :slug)"
        parameters |= {"rank": after[0], "slug": after[1]}
    return text(
        f"SELECT slug, name, summary, rank FROM ({matching}) AS found {keyset}"
        " ORDER BY rank, slug LIMIT :limit"
    ).bindparams(**parameters)
