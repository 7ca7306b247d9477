"""Dependencies the routes declare by name."""

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.core.db import begin_writing
from app.core.errors import Forbidden, Unauthorized
from app.models import ApiKey
from app.services.keys import Scope, authenticate, scopes_of


def get_session(request: Request) -> Iterator[Session]:
    """One request, one unit of work: committed on success, rolled back on any error."""
    with Session(request.app.state.engine) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session)]


_bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `python -m app keys create`, sent as `Authorization: Bearer KEY`.",
)


def _editor(scope: Scope) -> Callable[..., ApiKey]:
    def authorized_key(
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiKey:
        begin_writing(session)
        if credentials is None:
            raise Unauthorized("Editing needs an API key: send Authorization: Bearer KEY.")
        key = authenticate(session, credentials.credentials)
        if key is None:
            raise Unauthorized("The API key is not valid, or has been revoked.")
        if scope not in scopes_of(key):
            raise Forbidden(f"The key {key.name!r} does not have the {scope.value!r} scope.")
        return key

    return authorized_key


WriterDep = Annotated[ApiKey, Depends(_editor(Scope.write))]
AdminDep = Annotated[ApiKey, Depends(_editor(Scope.admin))]
