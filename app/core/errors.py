"""Domain errors and the one error shape the API speaks: RFC 9457 problem details."""

import logging
from collections.abc import Iterable, Iterator, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    InternalError,
    OperationalError,
)
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from app.core.db import WritersBusy

logger = logging.getLogger("app.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(description="Where the bad value is, e.g. `body.symptoms.0`.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem detail: every error of this API has this shape."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    status: HTTPStatus = HTTPStatus.BAD_REQUEST
    headers: Mapping[str, str] | None = None

    def __init__(self, detail: str, *, errors: list["FieldError"] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class Unauthorized(ProblemError):
    status = HTTPStatus.UNAUTHORIZED
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(ProblemError):
    status = HTTPStatus.FORBIDDEN


class Conflict(ProblemError):
    status = HTTPStatus.CONFLICT


class Gone(ProblemError):
    status = HTTPStatus.GONE


class ConditionDeleted(Gone):
    def __init__(self, slug: str) -> None:
        super().__init__(f"{slug!r} was deleted; its revisions can restore it.")


class MisdirectedRequest(ProblemError):
    status = HTTPStatus.MISDIRECTED_REQUEST


class FormatNotImplemented(ProblemError):
    """oEmbed answers 501 for a format it does not serve."""

    status = HTTPStatus.NOT_IMPLEMENTED


class ServiceUnavailable(ProblemError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    headers = {"Retry-After": "5"}


class CommitFailed(ServiceUnavailable):
    """The unit of work could not be made durable (a full disk, a lost connection, a check
    the database makes only at commit): nothing of it was kept, and the client is told so."""

    headers = {"Retry-After": "1"}

    def __init__(self) -> None:
        super().__init__("The change could not be saved, and nothing of it was kept; try again.")


class PreconditionFailed(ProblemError):
    status = HTTPStatus.PRECONDITION_FAILED


class PreconditionRequired(ProblemError):
    status = HTTPStatus.PRECONDITION_REQUIRED


class UnsupportedMediaType(ProblemError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class InvalidContent(ProblemError):
    """Content that is well-formed but cannot be stored: a bad page, an unknown symptom."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY


class NotFound(ProblemError):
    status = HTTPStatus.NOT_FOUND


class ConditionNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No condition has the slug {slug!r}.")


class UnknownSections(ProblemError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, unknown: list[str], known: list[str]) -> None:
        super().__init__(
            f"Unknown sections: {', '.join(unknown)}. Choose from: {', '.join(known)}.",
            errors=[FieldError(field="query.sections", message=f"unknown: {', '.join(unknown)}")],
        )


class UnknownRegions(ProblemError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, unknown: list[str], known: list[str], *, field: str) -> None:
        super().__init__(
            f"Unknown body regions: {', '.join(unknown)}. Choose from: {', '.join(known)}.",
            errors=[FieldError(field=field, message=f"unknown: {', '.join(unknown)}")],
        )


class UnknownLanguage(ProblemError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, asked: str, available: dict[str, str], *, field: str) -> None:
        offered = ", ".join(f"{tag} ({name})" for tag, name in available.items())
        super().__init__(
            f"The questions are not available in {asked!r}. Available: {offered}.",
            errors=[FieldError(field=field, message=f"not available: {asked}")],
        )


class InvalidOption(ProblemError):
    """A query option of an embeddable page that is not of the form it takes."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, detail: str, *, field: str) -> None:
        super().__init__(detail, errors=[FieldError(field=field, message=detail)])


class InvalidCursor(ProblemError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self) -> None:
        super().__init__("The cursor is not one this service issued; start again without it.")


def problem_response(
    request: Request | None,
    status: int,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path if request is not None else None,
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers) if headers else None,
    )


def _field_name(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def _field_error(item: dict[str, Any]) -> FieldError:
    location = tuple(item["loc"])
    if item.get("type") == "json_invalid":
        # Pydantic puts the character position where a field name would be.
        position = location[1] if len(location) > 1 else 0
        return FieldError(
            field="body", message=f"The body is not valid JSON (at character {position})."
        )
    return FieldError(field=_field_name(location), message=item["msg"])


async def _on_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return problem_response(
        request, error.status, error.detail, errors=error.errors, headers=error.headers
    )


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [_field_error(item) for item in error.errors()]
    fields = ", ".join(dict.fromkeys(e.field for e in errors))
    return problem_response(request, 422, f"Invalid request: check {fields}.", errors=errors)


async def _on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    detail = str(error.detail)
    headers = dict(error.headers or {})
    if error.status_code == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"Nothing is served at {request.url.path}."
    if error.status_code == 405:
        # Starlette names only the first route's methods; a path can have several routes.
        allowed = _allowed_methods(request)
        headers["Allow"] = ", ".join(allowed)
        detail = f"{request.method} is not served at {request.url.path}; use {headers['Allow']}."
    return problem_response(request, error.status_code, detail, headers=headers)


def _leaf_routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too (FastAPI keeps an included router as one
    entry that holds its own routes)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _leaf_routes(included.routes)
        else:
            yield route


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in _leaf_routes(request.app.routes):
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    if "GET" in methods:
        methods.add("HEAD")  # answered by the HEAD-as-GET middleware
    return sorted(methods)


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    # Starlette still logs the traceback; the client gets the one error shape, no internals.
    return problem_response(request, 500, "The service failed to answer; the error is logged.")


# PostgreSQL's classes of an unusable database: connection (08), a read-only transaction
# (25006), insufficient resources such as a full disk (53), operator intervention (57), system
# error (58).
UNAVAILABLE_SQLSTATES = ("08", "25006", "53", "57", "58")


def _database_unavailable(error: DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return sqlstate.startswith(UNAVAILABLE_SQLSTATES)


async def _on_busy(request: Request, error: Exception) -> JSONResponse:
    # A database busy with other writers is a moment's wait, not a failure of the service.
    # SQLite says "database is locked"; PostgreSQL's lock_timeout is SQLSTATE 55P03.
    if isinstance(error, InternalError) and not _database_unavailable(error):
        raise error  # a bug (an aborted transaction used again): a 500, traceback logged
    if isinstance(error, DBAPIError) and not (
        "locked" in str(error.orig) or getattr(error.orig, "sqlstate", None) == "55P03"
    ):
        # A read-only file, a full disk, a dropped database or a lost connection: the service
        # cannot answer now, and may soon. The driver's cause is logged (never the statement
        # or its parameters, which can hold what people typed).
        cause = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else ""
        logger.error("database unavailable: %s: %s", type(error.orig).__name__, cause)
        return problem_response(
            request,
            503,
            "The knowledge base's database cannot be used just now; try again later.",
            headers={"Retry-After": "5"},
        )
    return problem_response(
        request,
        503,
        "The knowledge base is busy with other changes; try again in a moment.",
        headers={"Retry-After": "1"},
    )


async def _on_conflict(request: Request, error: Exception) -> JSONResponse:
    # Two writers raced for the same new row (a slug, a version): the loser tries again.
    orig = getattr(error, "orig", error)
    logger.warning("write conflict: %s", type(orig).__name__)
    return problem_response(
        request, 409, "Someone else changed this at the same moment; read it again and retry."
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _on_unexpected)
    app.add_exception_handler(WritersBusy, _on_busy)
    # Any other refusal of the database (a read-only or dropped database, a full disk, a lost
    # connection) is the service being unavailable for now, not a bug: 503, cause logged.
    # (A bug, such as a ProgrammingError, stays a 500.)
    for unavailable in (OperationalError, InternalError, InterfaceError):
        app.add_exception_handler(unavailable, _on_busy)
    app.add_exception_handler(IntegrityError, _on_conflict)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry that documents an endpoint's problem statuses in OpenAPI."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
