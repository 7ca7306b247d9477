"""Request bodies the editing API accepts: JSON, or a whole page as text/plain."""

import json
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.core.errors import InvalidContent, UnsupportedMediaType
from app.ingest.document import DocumentError, decode_document
from app.schemas.editing import ConditionInput
from app.services.editing import Content, PageInput

JSON_TYPES = ("application/json", "application/merge-patch+json")
PAGE_TYPES = ("text/plain", "text/markdown")


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def condition_content(
    request: Request, *, name: str | None, provenance: str | None, reviewed_on: date | None
) -> Content:
    media_type = _media_type(request)
    body = await request.body()
    if media_type in PAGE_TYPES:
        try:
            text = decode_document("page", body)
        except DocumentError as error:
            raise InvalidContent(f"The page cannot be read: {error.message}.") from error
        return PageInput(text, name, provenance, reviewed_on)
    if media_type == "application/json":
        try:
            # Strict: JSON says what it means (false is not 0, 5 is not a date).
            return ConditionInput.model_validate_json(body, strict=True)
        except ValidationError as error:
            raise RequestValidationError(_located(error)) from error
    raise UnsupportedMediaType(
        "Send the condition as application/json, or a whole page as text/plain."
    )


async def merge_patch(request: Request) -> dict[str, Any]:
    if _media_type(request) not in JSON_TYPES:
        raise UnsupportedMediaType("Send a JSON merge patch as application/merge-patch+json.")
    try:
        patch = json.loads(await request.body())
    except RecursionError as error:
        raise InvalidContent(
            f"The merge patch nests deeper than {MAX_PATCH_DEPTH} levels."
        ) from error
    except ValueError as error:
        raise InvalidContent("The body is not valid JSON.") from error
    if not isinstance(patch, dict):
        raise InvalidContent("A merge patch is a JSON object.")
    if _depth(patch) > MAX_PATCH_DEPTH:
        raise InvalidContent(f"The merge patch nests deeper than {MAX_PATCH_DEPTH} levels.")
    return patch


# A condition nests a few levels (a list of objects); applying a patch recurses once a level.
MAX_PATCH_DEPTH = 16


def _depth(value: Any) -> int:
    """How deep a parsed JSON value nests, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, dict):
            stack.extend((inner, level + 1) for inner in current.values())
        elif isinstance(current, list):
            stack.extend((inner, level + 1) for inner in current)
    return deepest


def _located(error: ValidationError) -> list[dict[str, Any]]:
    return [{**item, "loc": ("body", *item["loc"])} for item in error.errors()]


CONDITION_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ConditionInput"}},
            "text/plain": {
                "schema": {"type": "string"},
                "example": "# Ischial bursitis\nSymptoms\n1. Pain when sitting on hard "
                "surfaces\nSelf help\n1. Use a cushion\n",
            },
        },
    }
}
PATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/merge-patch+json": {
                "schema": {"type": "object"},
                "example": {"summary": "A new summary.", "cant_miss": False},
            }
        },
    }
}
