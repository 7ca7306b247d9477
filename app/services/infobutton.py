"""HL7 Infobutton (the URL-based knowledge request), answered as MedlinePlus Connect answers it:
an electronic health record sends a problem's code (or its display name) and gets the matching
conditions of this base, with a summary and a link each, as Atom XML or as its JSON rendering.

A code matches a condition that carries it, or a broader or narrower code of the same branch
(S76.311A, a strain of the left hamstring, initial encounter, matches a condition coded S76.31);
the closest codes come first. With no code that matches, the display name is searched as text.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from html import escape
from urllib.parse import urlencode
from xml.etree import ElementTree

from sqlmodel import Session, col, select

from app.core.errors import InvalidContent
from app.ingest.codes import ICD_10_CM, normalized
from app.models import Condition, ConditionCode
from app.schemas.conditions import ConditionPublic
from app.services.conditions import get_condition, list_conditions
from app.services.embedding import PROVIDER_NAME

# The OID HL7 gives ICD-10-CM, which an Infobutton request names in mainSearchCriteria.v.cs.
ICD_10_CM_OID = "2.16.840.1.113883.6.90"
MAX_ENTRIES = 3  # as MedlinePlus Connect: up to three pages per problem
ATOM = "http://www.w3.org/2005/Atom"


class Recipient(StrEnum):
    patient = "PAT"
    provider = "PROV"


class ResponseType(StrEnum):
    atom = "text/xml"
    json = "application/json"


@dataclass(frozen=True)
class KnowledgeRequest:
    code: str | None
    code_system: str | None
    display_name: str | None
    recipient: Recipient
    base_url: str


def matching_conditions(session: Session, request: KnowledgeRequest) -> list[ConditionPublic]:
    """The conditions the problem names, closest first: by code, else by its display name."""
    if request.code and request.code_system not in (None, ICD_10_CM_OID):
        raise InvalidContent(
            f"mainSearchCriteria.v.cs {request.code_system!r} is not a code system this service "
            f"knows; it answers ICD-10-CM ({ICD_10_CM_OID})."
        )
    codes = [request.code] if request.code else []
    slugs = conditions_for_problem(
        session, codes, request.display_name, per_code=MAX_ENTRIES, limit=MAX_ENTRIES
    )
    return [get_condition(session, slug) for slug in slugs]


def conditions_for_problem(
    session: Session, codes: list[str], text: str | None, *, per_code: int, limit: int
) -> list[str]:
    """The slugs of the conditions a problem names, closest first: by its ICD-10-CM codes
    (``per_code`` of each), else by its text; at most ``limit``. Infobutton and CDS Hooks
    both ask this."""
    slugs = dict.fromkeys(
        slug for code in codes for slug in conditions_for_code(session, normalized(code))[:per_code]
    )
    if not slugs and text and text.strip():
        page = list_conditions(session, q=text[:200], limit=limit, cursor=None)
        slugs = dict.fromkeys(item.slug for item in page.items)
    return list(slugs)[:limit]


def conditions_for_code(session: Session, code: str) -> list[str]:
    """The slugs of the conditions an ICD-10-CM code names, closest first."""
    branch = code.split(".")[0]  # the category: S76 for S76.311A
    rows = session.exec(
        select(Condition.slug, ConditionCode.code)
        .join(ConditionCode, col(ConditionCode.condition_id) == col(Condition.id))
        .where(ConditionCode.system == ICD_10_CM, col(ConditionCode.code).startswith(branch))
    ).all()
    closeness: dict[str, int] = {}
    for slug, stored in rows:
        if code.startswith(stored) or stored.startswith(code):
            # The longer the shared start, the closer the match.
            closeness[slug] = max(closeness.get(slug, 0), min(len(code), len(stored)))
    return sorted(closeness, key=lambda slug: (-closeness[slug], slug))


def _summary_html(condition: ConditionPublic, recipient: Recipient) -> str:
    parts = [f"<p>{escape(condition.summary or condition.name)}</p>"]
    if recipient is Recipient.patient and condition.seek_help:
        items = "".join(f"<li>{escape(item.text)}</li>" for item in condition.seek_help)
        parts.append(f"<p>When to seek help:</p><ul>{items}</ul>")
    if recipient is Recipient.provider:
        codes = ", ".join(f"{code.code} {code.display}" for code in condition.codes)
        parts.append(f"<p>ICD-10-CM: {escape(codes)}. Care level: {condition.care_level}.</p>")
    reviewed = condition.source.reviewed_on
    parts.append(
        f'<p class="attribution">{escape(PROVIDER_NAME)}'
        + (f", reviewed {reviewed}" if reviewed else "")
        + ". Health information, not a diagnosis.</p>"
    )
    return "".join(parts)


def knowledge_response(
    conditions: list[ConditionPublic], request: KnowledgeRequest
) -> dict[str, object]:
    """The Atom feed of the answer, in the JSON rendering MedlinePlus Connect uses (each
    element an object, its text under ``_value``)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    asked = request.code or request.display_name or ""
    return {
        "feed": {
            "lang": "en",
            "base": request.base_url,
            "title": {"_value": PROVIDER_NAME, "type": "text"},
            "subtitle": {"_value": f"{PROVIDER_NAME} results for {asked}", "type": "text"},
            "updated": {"_value": now},
            "id": {"_value": f"{request.base_url}infobutton?{_asked_query(request)}"},
            "author": {"name": {"_value": PROVIDER_NAME}, "uri": {"_value": request.base_url}},
            "category": [
                {"scheme": "mainSearchCriteria.v.c", "term": request.code or ""},
                {"scheme": "mainSearchCriteria.v.cs", "term": request.code_system or ""},
                {"scheme": "informationRecipient", "term": request.recipient.value},
            ],
            "entry": [
                {
                    "lang": "en",
                    "title": {"_value": condition.name, "type": "text"},
                    "link": [
                        {
                            "href": f"{request.base_url}embed/conditions/{condition.slug}",
                            "rel": "alternate",
                            "type": "text/html",
                        },
                        {
                            "href": f"{request.base_url}v1/conditions/{condition.slug}",
                            "rel": "related",
                            "type": "application/json",
                        },
                    ],
                    "id": {"_value": f"{request.base_url}v1/conditions/{condition.slug}"},
                    "updated": {"_value": condition.updated_at.isoformat(timespec="seconds")},
                    "summary": {
                        "_value": _summary_html(condition, request.recipient),
                        "type": "html",
                    },
                }
                for condition in conditions
            ],
        }
    }


def atom_xml(response: dict[str, object]) -> bytes:
    """The same feed as Atom XML."""
    feed_data = response["feed"]
    assert isinstance(feed_data, dict)
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    for name in ("title", "subtitle", "updated", "id"):
        element = ElementTree.SubElement(feed, f"{{{ATOM}}}{name}")
        element.text = feed_data[name]["_value"]
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    ElementTree.SubElement(author, f"{{{ATOM}}}name").text = PROVIDER_NAME
    for category in feed_data["category"]:
        ElementTree.SubElement(feed, f"{{{ATOM}}}category", category)
    for entry_data in feed_data["entry"]:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        ElementTree.SubElement(entry, f"{{{ATOM}}}title").text = entry_data["title"]["_value"]
        for link in entry_data["link"]:
            ElementTree.SubElement(entry, f"{{{ATOM}}}link", link)
        ElementTree.SubElement(entry, f"{{{ATOM}}}id").text = entry_data["id"]["_value"]
        ElementTree.SubElement(entry, f"{{{ATOM}}}updated").text = entry_data["updated"]["_value"]
        summary = ElementTree.SubElement(entry, f"{{{ATOM}}}summary", {"type": "html"})
        summary.text = entry_data["summary"]["_value"]
    return bytes(ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True))


def _asked_query(request: KnowledgeRequest) -> str:
    return urlencode({"mainSearchCriteria.v.c": request.code or ""})
