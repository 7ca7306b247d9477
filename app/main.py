"""The application factory: settings in, a ready FastAPI app out."""

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi_offline import FastAPIOffline
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from app.api.http_cache import NotModified, not_modified_response
from app.api.routes import (
    cds_hooks,
    checker,
    conditions,
    embed,
    exchange,
    health,
    infobutton,
    lookup,
    parse,
    regions,
    sources,
    symptoms,
)
from app.cache.knowledge_cache import KnowledgeCache
from app.cache.version import Clock
from app.core.config import Settings, get_settings
from app.core.db import begin_writing, create_db_engine, snapshot_reads, upgrade_to_head
from app.core.errors import install_problem_handlers, problem_responses
from app.core.limits import BodySizeLimit, HeadAsGet, RateLimit, RefuseNulInTarget
from app.core.memory import freeze_long_lived
from app.core.observability import RequestMetrics, RequestObserver
from app.ingest.codes import release_code_list
from app.services.importing import default_knowledge_missing, load_default_knowledge
from app.services.lookup import warm_up

DESCRIPTION = """
Sports-injury conditions with their symptoms, causes, self help, treatment, recovery time and
prevention, and a lookup of the conditions that could explain a set of symptoms.

Every condition says where its content came from and when it was last reviewed. This is health
information, not a diagnosis: red flags mean seeing a professional.

Every error is an RFC 9457 `application/problem+json` document.
"""


def create_app(settings: Settings | None = None, *, clock: Clock = time.monotonic) -> FastAPI:
    """The service; ``clock`` (monotonic seconds) is what its caches tell time by."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_db_engine(
            settings.database_url, writer_wait_seconds=settings.writer_wait_seconds
        )
        upgrade_to_head(engine)
        if settings.load_default_knowledge:
            with Session(engine) as session:
                begin_writing(session)
                if default_knowledge_missing(session, settings.data_dir):
                    load_default_knowledge(session, settings.data_dir)
                    session.commit()
                    # Serving reads each code's description from the base: 140 MB less.
                    release_code_list()
        app.state.engine = engine
        app.state.snapshot_engine = snapshot_reads(engine)
        # Every process-wide memory of the knowledge, made here so each app has its own.
        app.state.cache = cache = KnowledgeCache(
            settings,
            clock=clock,
            on_new_copy=freeze_long_lived if settings.freeze_long_lived else None,
        )
        # What the first lookup needs is built while the service already answers: on a base
        # like HPO's that takes seconds, which no first caller should wait for alone.
        # An in-memory database has one connection, which no two threads may share: it is
        # small, and warmed before the first request instead.
        warming = threading.Thread(
            target=warm_up, args=(engine, cache), name="warm-up", daemon=True
        )
        if isinstance(engine.pool, StaticPool):
            warming.run()
        else:
            warming.start()
        # Kept so that whoever must wait for it (an operator's schema change, a test) can.
        app.state.warming = warming
        try:
            yield
        finally:
            if warming.is_alive():
                warming.join()
            engine.dispose()

    # The docs pages load Swagger UI and ReDoc from this service, never from a CDN, so they
    # work on a closed network too.
    app = FastAPIOffline(
        title="Condition knowledge service",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Any operation can meet these; each route documents its own besides.
        responses=problem_responses(400, 413, 422, 500, 503),
    )
    app.state.settings = settings
    app.state.metrics = RequestMetrics()
    install_problem_handlers(app)
    app.add_exception_handler(NotModified, not_modified_response)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RefuseNulInTarget)
    if settings.rate_limit:
        app.add_middleware(RateLimit, rate=settings.rate_limit)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "If-Match",
            "If-None-Match",
            "If-Modified-Since",
        ],
        expose_headers=["ETag", "Last-Modified", "Location"],
        max_age=600,
    )
    # Outermost, so every answer (a 413, a 304, a problem) is counted and logged.
    app.add_middleware(RequestObserver, metrics=app.state.metrics)
    for module in (
        conditions,
        symptoms,
        regions,
        lookup,
        parse,
        sources,
        embed,
        checker,
        infobutton,
        cds_hooks,
        exchange,
        health,
    ):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """A person who opens the service's address gets its documentation, not a 404."""
        return RedirectResponse("/docs", status_code=307)

    return app
