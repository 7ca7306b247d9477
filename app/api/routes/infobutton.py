import json
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import SessionDep
from app.api.public_url import public_base_url
from app.core.errors import InvalidContent, problem_responses
from app.services.infobutton import (
    ICD_10_CM_OID,
    KnowledgeRequest,
    Recipient,
    ResponseType,
    atom_xml,
    knowledge_response,
    matching_conditions,
)

router = APIRouter(tags=["infobutton"])


@router.get(
    "/infobutton",
    summary="HL7 Infobutton: knowledge for a problem code (URL-based)",
    responses={
        200: {"content": {"application/json": {}, "text/xml": {}}},
        **problem_responses(421, 422),
    },
)
def infobutton(
    session: SessionDep,
    request: Request,
    code: Annotated[
        str | None,
        Query(
            alias="mainSearchCriteria.v.c",
            max_length=20,
            description="The problem's code, such as S76.311A.",
            examples=["S76.311A"],
        ),
    ] = None,
    code_system: Annotated[
        str | None,
        Query(
            alias="mainSearchCriteria.v.cs",
            max_length=64,
            description=f"The code system's OID: ICD-10-CM is {ICD_10_CM_OID}.",
        ),
    ] = None,
    display_name: Annotated[
        str | None,
        Query(
            alias="mainSearchCriteria.v.dn",
            max_length=200,
            description="The problem's display name, searched when no code matches.",
        ),
    ] = None,
    recipient: Annotated[
        Recipient,
        Query(alias="informationRecipient", description="PAT (a patient) or PROV (a clinician)."),
    ] = Recipient.patient,
    response_type: Annotated[
        ResponseType,
        Query(alias="knowledgeResponseType", description="text/xml (Atom) or application/json."),
    ] = ResponseType.atom,
) -> Response:
    """The conditions of this base that a problem's code (or, failing that, its display name)
    names, up to three, each with its summary and links to its card and its JSON: the HL7
    Context-Aware Knowledge Retrieval (Infobutton) URL-based request, answered as MedlinePlus
    Connect answers it (an Atom feed, or its JSON rendering)."""
    if not (code and code.strip()) and not (display_name and display_name.strip()):
        raise InvalidContent("Give mainSearchCriteria.v.c (a code) or mainSearchCriteria.v.dn.")
    knowledge = KnowledgeRequest(
        code, code_system, display_name, recipient, public_base_url(request)
    )
    answer = knowledge_response(matching_conditions(session, knowledge), knowledge)
    if response_type is ResponseType.json:
        return Response(json.dumps(answer), media_type="application/json")
    return Response(atom_xml(answer), media_type="text/xml; charset=utf-8")
