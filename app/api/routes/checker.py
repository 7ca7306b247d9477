from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.api.checker_options import MAX_PRESET_REGIONS, parse_checker_options
from app.api.frames import framed_page_headers
from app.api.http_cache import FromTheBase, answer_from_base
from app.api.sections import SECTIONS
from app.core.errors import InvalidOption, UnknownLanguage, UnknownRegions, UnknownSections
from app.services.checker import (
    LANGUAGES,
    checker_script_hash,
    render_checker,
    render_checker_error,
)

router = APIRouter(tags=["embedding"])

# Options a site got wrong: the frame shows a page saying which, never a JSON problem.
REFUSED_OPTIONS = (InvalidOption, UnknownLanguage, UnknownRegions, UnknownSections)


@router.get(
    "/embed/checker",
    summary="The symptom checker as an embeddable page",
    response_class=HTMLResponse,
    responses={
        422: {
            "description": "An option the checker cannot take: an HTML page that says which.",
            "content": {"text/html": {}},
        }
    },
)
async def embed_checker(
    request: Request,
    region: Annotated[
        str | None,
        Query(
            description="Body regions the checker is for, comma-separated slugs of "
            f"`/v1/regions` (at most {MAX_PRESET_REGIONS}): chosen from the start, and the "
            "body map and its list offer only them and the regions below them.",
            examples=["knee"],
        ),
    ] = None,
    lang: Annotated[
        str | None,
        Query(
            description="The language of the page and its questions, as a language tag "
            f"(en-GB is en). Available: {', '.join(LANGUAGES)}.",
            examples=["en"],
        ),
    ] = None,
    sections: Annotated[
        str | None,
        Query(
            description="The sections each candidate's card link shows, comma-separated, "
            "from: " + ", ".join(SECTIONS) + ". By default the card's own.",
            examples=["summary,self_help,seek_help"],
        ),
    ] = None,
) -> Response:
    """A symptom checker for an iframe, self-contained (its style and script inline, nothing
    loaded from anywhere else; it asks only this service's `POST /v1/lookup`). A person says
    what is wrong in their own words or chooses where it hurts on a body map (front and back,
    every region reachable by keyboard and offered as a list too), gives an age and sex if
    they like, and answers the next questions one at a time (yes, no or not sure). On top it
    says what to do, in plain words; below, the likely conditions with their chances,
    explanations and a link to each one's card. An emergency stops the questions and says to
    call an ambulance.

    Options it cannot take (an unknown region, language or section) are a 422 HTML page that
    says which. Pages on the origins in the `KB_EMBED_FRAME_ANCESTORS` setting may frame it;
    `GET /oembed` answers for its URL."""
    headers = framed_page_headers(request, script_src=checker_script_hash())
    cache = request.app.state.cache
    attribution = request.app.state.settings.card_attribution
    try:
        options = parse_checker_options(region=region, lang=lang, sections=sections)
        return await answer_from_base(
            request,
            FromTheBase(),
            lambda session: render_checker(
                session, cache, options, attribution=attribution
            ).encode(),
            media_type="text/html; charset=utf-8",
            headers=headers,
        )
    except REFUSED_OPTIONS as refused:
        return HTMLResponse(
            render_checker_error(refused.detail),
            status_code=refused.status,
            headers=headers | {"Cache-Control": "no-store"},
        )
