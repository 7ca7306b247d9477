"""Reading conditions: one whole, or a page of them with full-text search."""

import base64
import binascii
import json
import math
import re
from typing import Any

from sqlmodel import Session, col, select

from app.cache.knowledge_cache import KnowledgeCache
from app.core.errors import InvalidContent, InvalidCursor
from app.models import BodyRegion, Condition, ConditionRegion
from app.ranking.profiles import load_condition_profiles
from app.schemas.conditions import ConditionPage, ConditionPublic, ConditionSummary
from app.schemas.symptoms import RegionList, RegionPublic
from app.store import search_index
from app.store.conditions import read_condition
from app.store.search_index import SEARCH_WORD
from app.store.vocabulary import region_entries


def get_condition(session: Session, slug: str) -> ConditionPublic:
    """A whole condition, as GET /v1/conditions/{slug} shows it."""
    return read_condition(session, slug)


def list_conditions(
    session: Session,
    *,
    q: str | None,
    limit: int,
    cursor: str | None,
    region: str | None = None,
) -> ConditionPage:
    """Conditions by name, or by relevance to ``q``; keyset pages so no row is seen twice.
    With ``region``, only the conditions that hurt in it or in a region below it."""
    position = _decode_cursor(cursor) if cursor else None
    if q is not None and q.strip() and region is None:
        return _search(session, q, limit, position)
    query = select(Condition.slug, Condition.name, Condition.summary).order_by(col(Condition.slug))
    if region is not None:
        if q is not None and q.strip():
            raise InvalidContent("Search (q) and region are not combined; ask for one of them.")
        query = query.where(
            col(Condition.id).in_(
                select(ConditionRegion.condition_id).where(
                    col(ConditionRegion.region_id).in_(_region_and_below(session, region))
                )
            )
        )
    if position is not None:
        if not isinstance(position.get("slug"), str) or "rank" in position:
            raise InvalidCursor()
        query = query.where(col(Condition.slug) > position["slug"])
    rows = session.exec(query.limit(limit + 1)).all()
    items = [
        ConditionSummary(slug=slug, name=name, summary=summary) for slug, name, summary in rows
    ]
    next_cursor = _encode_cursor({"slug": items[limit - 1].slug}) if len(rows) > limit else None
    return ConditionPage(items=items[:limit], next_cursor=next_cursor)


def _search(session: Session, q: str, limit: int, position: dict[str, Any] | None) -> ConditionPage:
    words = SEARCH_WORD.findall(q)
    if not words:
        return ConditionPage(items=[], next_cursor=None)
    after = None
    if position is not None:
        rank, slug = position.get("rank"), position.get("slug")
        if isinstance(rank, bool) or not isinstance(rank, int | float) or not isinstance(slug, str):
            raise InvalidCursor()
        after = (float(rank), slug)
    statement = search_index.search(
        session.get_bind().dialect.name, words, limit=limit + 1, after=after
    )
    rows = session.connection().execute(statement).all()
    items = [ConditionSummary(slug=row.slug, name=row.name, summary=row.summary) for row in rows]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = _encode_cursor({"rank": float(last.rank), "slug": last.slug})
    return ConditionPage(items=items[:limit], next_cursor=next_cursor)


def _encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


CURSOR_SLUG = re.compile(r"[a-z0-9-]{1,200}")


def _decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor() from error
    if not isinstance(position, dict):
        raise InvalidCursor()
    # A cursor comes back from outside: only a slug as this service makes them and a finite
    # rank get as far as a query (a lone surrogate, a NUL or a 300-digit rank would not).
    slug = position.get("slug")
    if slug is not None and not (isinstance(slug, str) and CURSOR_SLUG.fullmatch(slug)):
        raise InvalidCursor()
    rank = position.get("rank")
    if rank is not None:
        if isinstance(rank, bool) or not isinstance(rank, int | float):
            raise InvalidCursor()
        try:
            if not math.isfinite(float(rank)):
                raise InvalidCursor()
        except OverflowError as error:
            raise InvalidCursor() from error
    return position


def list_regions(session: Session, cache: KnowledgeCache) -> RegionList:
    """Every body region with how many conditions of the base hurt in it."""
    profiles = load_condition_profiles(session, cache)
    words = {entry.slug: entry.words for entry in region_entries(session)}
    return RegionList(
        items=[
            RegionPublic(
                slug=region.slug,
                name=region.name,
                parent=region.parent,
                words=words.get(region.slug, []),
                conditions=len(profiles.covering(region.slug)),
            )
            for region in profiles.regions.regions.values()
        ]
    )


def _region_and_below(session: Session, slug: str) -> list[int]:
    """The ids of a region and of every region below it; an unknown slug is a 422."""
    rows = session.exec(select(BodyRegion.id, BodyRegion.slug, BodyRegion.parent_id)).all()
    by_slug = {row_slug: id_ for id_, row_slug, _ in rows if id_ is not None}
    if slug not in by_slug:
        raise InvalidContent(f"{slug!r} is not a body region (see /v1/regions).")
    children: dict[int, list[int]] = {}
    for id_, _, parent in rows:
        if id_ is not None and parent is not None:
            children.setdefault(parent, []).append(id_)
    found, waiting = [], [by_slug[slug]]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting.extend(children.get(current, []))
    return found
