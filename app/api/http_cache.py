"""Conditional GETs: strong ETags, Last-Modified, and 304 Not Modified for a copy that is
still current, so apps that embed the advice revalidate it cheaply."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response as StarletteResponse

from app.api.deps import CacheDep, SessionDep
from app.cache.knowledge_cache import KnowledgeCache
from app.cache.version import ConditionState, KnowledgeState, Snapshot, shown_since
from app.services.editing import ANY_VERSION


class NotModified(Exception):
    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("not modified")
        self.headers = headers


async def not_modified_response(_request: Request, error: Exception) -> StarletteResponse:
    assert isinstance(error, NotModified)
    return StarletteResponse(status_code=304, headers=error.headers)


def condition_etag(state: ConditionState, knowledge: KnowledgeState, variant: str = "") -> str:
    """Names the condition's version, then the base's (links and vocabulary names shown in
    it can change without it), then the representation (which sections)."""
    suffix = f"-{_digest(variant)}" if variant else ""
    return f'"{state.slug}.v{state.version}.k{knowledge.token}{suffix}"'


def version_in_etag(etag: str, slug: str) -> int | None:
    """The condition version an ETag of ours names, for If-Match on edits: the whole tag must
    have the form this service issues (its slug, version, the base's two counters and the
    variant's digest), not merely name a version."""
    found = re.fullmatch(
        rf'"{re.escape(slug)}\.v(\d{{1,18}})\.k(\d{{1,18}})\.(\d{{1,18}})(?:-[0-9a-f]{{16}})?"',
        etag.strip(),
    )
    return int(found.group(1)) if found else None


def knowledge_etag(knowledge: KnowledgeState, request: Request) -> str:
    """For answers computed from the whole base: its version and the exact question."""
    return f'"k{knowledge.token}-{_digest(str(request.url.path) + "?" + str(request.url.query))}"'


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def caching_headers(request: Request, etag: str, last_modified: datetime) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified.replace(microsecond=0), usegmt=True),
        "Cache-Control": request.app.state.settings.cache_control,
    }


def check_fresh(request: Request, *, etag: str, last_modified: datetime) -> dict[str, str]:
    """The validators for the response, or NotModified if the client's copy is current
    (If-None-Match wins over If-Modified-Since, as RFC 9110 says)."""
    headers = caching_headers(request, etag, last_modified)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        offered = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        if "*" in offered or etag in offered:
            raise NotModified(headers)
        return headers
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return headers
        if since.tzinfo is not None and last_modified.replace(microsecond=0) <= since:
            raise NotModified(headers)
    return headers


def knowledge_fresh(
    session: SessionDep, cache: CacheDep, request: Request, response: Response
) -> None:
    """For answers computed from the whole base: validators from its version and the exact
    question, and a 304 while they still hold."""
    knowledge = cache.versions.knowledge(session)
    etag = knowledge_etag(knowledge, request)
    response.headers.update(check_fresh(request, etag=etag, last_modified=knowledge.last_modified))


KnowledgeFresh = Annotated[None, Depends(knowledge_fresh)]


def condition_validators(
    session: Session,
    cache: KnowledgeCache,
    request: Request,
    slug: str,
    variant: str = "",
    *,
    check: bool = True,
) -> dict[str, str]:
    """Validators of one condition's representation (``variant`` names which one), and a
    304 while they still hold unless ``check`` is off (answers to edits)."""
    # An answer to an edit shows what the session has just written, not the moment's copy.
    state = cache.versions.condition(session, slug, fresh=not check)
    knowledge = cache.versions.knowledge(session, fresh=not check)
    etag = condition_etag(state, knowledge, variant)
    last_modified = shown_since(state, knowledge)
    if not check:
        return caching_headers(request, etag, last_modified)
    return check_fresh(request, etag=etag, last_modified=last_modified)


def if_match_version(request: Request, slug: str) -> int | None:
    """The version an editor's If-Match names: None when absent, ANY_VERSION for "*". A weak
    or foreign ETag names version 0, which never matches (If-Match compares strongly)."""
    header = request.headers.get("if-match")
    if header is None:
        return None
    for tag in (part.strip() for part in header.split(",")):
        if tag == "*":
            return ANY_VERSION
        version = None if tag.startswith("W/") else version_in_etag(tag, slug)
        if version is not None:
            return version
    return 0


@dataclass(frozen=True)
class FromTheBase:
    """A question answered from the whole base (a search, a lookup, the sources). A GET's
    question is its URL, and its answer carries validators and 304s; a POST's question is its
    ``body``, and it only shares the rendering."""

    body: str | None = None

    def from_snapshot(self, request: Request, snapshot: Snapshot) -> tuple[str, dict[str, str]]:
        return self._key(request, snapshot.knowledge)

    def from_session(
        self, request: Request, session: Session, cache: KnowledgeCache
    ) -> tuple[str, dict[str, str]]:
        return self._key(request, cache.versions.knowledge(session))

    def _key(self, request: Request, knowledge: KnowledgeState) -> tuple[str, dict[str, str]]:
        if self.body is None:
            etag = knowledge_etag(knowledge, request)
            return etag, check_fresh(request, etag=etag, last_modified=knowledge.last_modified)
        return f'"k{knowledge.token}-{_digest(request.url.path + self.body)}"', {}


@dataclass(frozen=True)
class OneCondition:
    """A representation of one condition (``variant`` names which: the sections, the card)."""

    slug: str
    variant: str = ""

    def from_snapshot(
        self, request: Request, snapshot: Snapshot
    ) -> tuple[str, dict[str, str]] | None:
        row = snapshot.conditions.get(self.slug)
        if row is None:
            return None  # not read under this version yet: the database must answer
        state = ConditionState(self.slug, row[0], row[1])
        etag = condition_etag(state, snapshot.knowledge, self.variant)
        last_modified = shown_since(state, snapshot.knowledge)
        return etag, check_fresh(request, etag=etag, last_modified=last_modified)

    def from_session(
        self, request: Request, session: Session, cache: KnowledgeCache
    ) -> tuple[str, dict[str, str]]:
        headers = condition_validators(session, cache, request, self.slug, self.variant)
        return headers["ETag"], headers


Question = FromTheBase | OneCondition


async def answer_from_base(
    request: Request,
    question: Question,
    render: Callable[[Session], bytes],
    *,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
    from_memory: Callable[[KnowledgeState], bytes | None] | None = None,
) -> StarletteResponse:
    """An answer rendered once per version of the base and question: served from memory on
    the event loop while the version is current (nothing to wait for: no thread, no database
    session), computed in a thread otherwise.

    ``from_memory`` renders a new answer from copies in memory at least as new as the version
    it is given (None when one is missing), for answers so quick to compute that handing them
    to a thread would cost more than the work: it runs on the event loop."""
    try:
        return await _answer(request, question, render, media_type, headers or {}, from_memory)
    except NotModified as not_modified:
        # A 304 says what the answer would: a personal answer stays private on it too.
        not_modified.headers |= headers or {}
        raise


async def _answer(
    request: Request,
    question: Question,
    render: Callable[[Session], bytes],
    media_type: str,
    headers: dict[str, str],
    from_memory: Callable[[KnowledgeState], bytes | None] | None,
) -> StarletteResponse:
    cache: KnowledgeCache = request.app.state.cache
    snapshot = cache.versions.current()
    if snapshot is not None:
        known = question.from_snapshot(request, snapshot)
        if known is not None:
            key, validators = known
            cached = cache.answers.peek(key)
            if cached is None and from_memory is not None:
                # The copies it reads are at least as new as the version in the key.
                cached = from_memory(snapshot.knowledge)
                if cached is not None:
                    cache.answers.put(key, cached)
            if cached is not None:
                return StarletteResponse(
                    cached, media_type=media_type, headers=validators | headers
                )
    key, validators, body = await run_in_threadpool(_render_answer, request, question, render)
    return StarletteResponse(body, media_type=media_type, headers=validators | headers)


def _render_answer(
    request: Request, question: Question, render: Callable[[Session], bytes]
) -> tuple[str, dict[str, str], bytes]:
    cache: KnowledgeCache = request.app.state.cache
    with Session(request.app.state.snapshot_engine) as session:
        key, validators = question.from_session(request, session, cache)
        # The copies a rendering reads are at least as new as the version its transaction
        # sees, and that is at least the version in the key: nothing older is kept under it.
        body = cache.answers.get_or_render(key, lambda: render(session))
    return key, validators, body
