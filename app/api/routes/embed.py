from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.api.checker_options import checker_options_of_url
from app.api.deps import CacheDep, SessionDep
from app.api.frames import framed_page_headers
from app.api.http_cache import (
    OneCondition,
    answer_from_base,
    condition_validators,
    knowledge_fresh,
)
from app.api.public_url import public_base_url
from app.api.sections import SECTIONS, parse_sections
from app.core.errors import (
    FormatNotImplemented,
    Gone,
    NotFound,
    problem_responses,
)
from app.schemas.embed import OEmbed
from app.services.checker import checker_oembed
from app.services.conditions import get_condition
from app.services.embedding import (
    CARD_HEIGHT,
    CARD_WIDTH,
    render_card,
    render_missing_card,
    rich_embed,
    slug_of_url,
)

router = APIRouter(tags=["embedding"])


@router.get(
    "/embed/conditions/{slug}",
    summary="A condition as an embeddable card",
    response_class=HTMLResponse,
    responses=problem_responses(404, 410, 422),
)
async def embed_condition(
    request: Request,
    slug: Annotated[str, Path(max_length=120, examples=["hamstring-origin-problem"])],
    sections: Annotated[
        str | None,
        Query(
            max_length=300,
            description="Sections to show, comma-separated, from: "
            + ", ".join(SECTIONS)
            + ". By default: summary, symptoms, self_help, seek_help.",
            examples=["self_help,prevention"],
        ),
    ] = None,
) -> Response:
    """A self-contained HTML card (its style inline, nothing loaded from anywhere else),
    readable on a phone, with the chosen sections, the last-reviewed date, where the content
    comes from, and a note that it is not a diagnosis. Pages on the origins in the
    `KB_EMBED_FRAME_ANCESTORS` setting may show it in an iframe."""
    chosen = parse_sections(sections)
    headers = framed_page_headers(request)
    attribution = request.app.state.settings.card_attribution
    try:
        return await answer_from_base(
            request,
            OneCondition(slug, "embed:" + ",".join(sorted(chosen or ()))),
            lambda session: render_card(
                get_condition(session, slug), chosen, attribution=attribution
            ).encode(),
            media_type="text/html; charset=utf-8",
            headers=headers,
        )
    except (NotFound, Gone) as missing:
        # Inside someone's page a frame shows a page, not a JSON problem.
        return HTMLResponse(
            render_missing_card(missing.detail),
            status_code=missing.status,
            headers=headers | {"Cache-Control": "no-store"},
        )


@router.get(
    "/oembed",
    summary="oEmbed for a condition's URL or the symptom checker's",
    responses=problem_responses(404, 421, 422, 501),
)
def oembed(
    session: SessionDep,
    cache: CacheDep,
    request: Request,
    response: Response,
    url: Annotated[
        str,
        Query(
            max_length=2000,
            description="A condition's address on this service (its JSON or its card), or "
            "the symptom checker's (`/embed/checker` with its options).",
            examples=["http://127.0.0.1:8000/v1/conditions/hamstring-origin-problem"],
        ),
    ],
    maxwidth: Annotated[int | None, Query(ge=1, le=4000)] = None,
    maxheight: Annotated[int | None, Query(ge=1, le=4000)] = None,
    format: Annotated[
        str, Query(max_length=10, description="Only json is served (xml is a 501).")
    ] = "json",
) -> OEmbed:
    """What a CMS needs to embed a condition or the symptom checker from its pasted URL
    (oEmbed 1.0, type `rich`): an iframe of the card, or of the checker with the options of
    the URL (`region`, `lang`, `sections`; one it cannot take is a 422), sized within
    `maxwidth` and `maxheight`."""
    if format != "json":
        raise FormatNotImplemented(f"Only the json format is served, not {format!r}.")
    base = public_base_url(request)
    checker = checker_options_of_url(url, base)
    if checker is not None:
        # Its options are checked against the base's regions: the answer is the base's.
        knowledge_fresh(session, cache, request, response)
        return checker_oembed(
            session,
            cache,
            checker,
            base_url=base,
            maxwidth=maxwidth,
            maxheight=maxheight,
            cache_age=request.app.state.settings.cache_max_age,
        )
    slug, card_query = slug_of_url(url, base)
    variant = f"oembed:{url}:{maxwidth}:{maxheight}"
    response.headers.update(condition_validators(session, cache, request, slug, variant))
    condition = get_condition(session, slug)
    return rich_embed(
        title=condition.name,
        src=f"{base}embed/conditions/{slug}" + (f"?{card_query}" if card_query else ""),
        size=(CARD_WIDTH, CARD_HEIGHT),
        maxwidth=maxwidth,
        maxheight=maxheight,
        base_url=base,
        cache_age=request.app.state.settings.cache_max_age,
    )
