"""Dependencies the routes declare by name."""

import logging
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.cache.knowledge_cache import KnowledgeCache
from app.core.db import is_writing
from app.core.errors import CommitFailed, Forbidden, Unauthorized
from app.services.keys import Editor, Scope, authenticate

logger = logging.getLogger(__name__)


def get_cache(request: Request) -> KnowledgeCache:
    """The process's one holder of in-memory copies, made in the lifespan."""
    cache: KnowledgeCache = request.app.state.cache
    return cache


CacheDep = Annotated[KnowledgeCache, Depends(get_cache)]


def get_session(request: Request) -> Iterator[Session]:
    """One request, one unit of work: committed when the route returns and before the
    response is sent (so a 2xx means the change is durable), rolled back on any error. A
    commit that fails is the route's failure: the client hears of it, as a 503."""
    with Session(request.app.state.engine) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        commit(session, request.app.state.cache)


def commit(session: Session, cache: KnowledgeCache) -> None:
    """Commit the unit of work; after a write, this process trusts no version snapshot taken
    before it (another process's readers learn of it within the moment they trust theirs)."""
    wrote = is_writing(session)
    try:
        session.commit()
    except Exception as error:
        session.rollback()
        # The driver's own words say why; the statement's parameters (health content) stay out.
        cause = getattr(error, "orig", None) or error
        logger.error("commit failed: %s: %s", type(cause).__name__, cause)
        raise CommitFailed from error
    if wrote:
        cache.committed_write()


# scope="function": the exit (the commit) runs before the response goes out, not after.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


_bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `python -m app keys create`, sent as `Authorization: Bearer KEY`.",
)


def _editor(scope: Scope) -> Callable[..., Editor]:
    def authorized_key(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Editor:
        if credentials is None:
            raise Unauthorized("Editing needs an API key: send Authorization: Bearer KEY.")
        # A session of its own that only reads: checking a key never waits for the writers.
        with Session(request.app.state.engine) as session:
            editor = authenticate(session, credentials.credentials)
        if editor is None:
            raise Unauthorized("The API key is not valid, or has been revoked.")
        if scope not in editor.scopes:
            raise Forbidden(f"The key {editor.name!r} does not have the {scope.value!r} scope.")
        return editor

    return authorized_key


WriterDep = Annotated[Editor, Depends(_editor(Scope.write))]
AdminDep = Annotated[Editor, Depends(_editor(Scope.admin))]
