"""Clinical codes of a condition, checked against the code list a well-kept package ships:
`simple-icd-10-cm` carries the ICD-10-CM release (its codes and their descriptions), so a code
that does not exist there, or was retired before it, is refused where it is written.

The code list takes about 140 MB once loaded. It is needed only to write codes (each is stored
with its description), so it is loaded on first use, and a server lets it go once the default
knowledge is imported: serving reads the descriptions from the database."""

import importlib
import re
import sys
from functools import cache
from typing import Any

ICD_10_CM = "ICD-10-CM"
# Letter, digit, letter or digit, then an optional dot and up to four more: M76.5, S83.511A.
CODE_SHAPE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")


def normalized(code: str) -> str:
    return code.strip().upper()


def icd_10_cm_problem(code: str) -> str | None:
    """Why a code is not an ICD-10-CM code of the shipped release; None when it is one."""
    code = normalized(code)
    if not CODE_SHAPE.fullmatch(code):
        return f"{code!r} is not shaped like an ICD-10-CM code (such as M76.5)"
    if not _code_list().is_valid_item(code):
        return f"{code!r} is not in the ICD-10-CM code list (a wrong or retired code)"
    return None


def icd_10_cm_display(code: str) -> str:
    """The code list's description of a valid code."""
    return str(_code_list().get_description(normalized(code)))


@cache
def _code_list() -> Any:
    return importlib.import_module("simple_icd_10_cm")


def release_code_list() -> None:
    """Let the code list go (the next code written loads it again)."""
    _code_list.cache_clear()
    for name in [name for name in sys.modules if name.partition(".")[0] == "simple_icd_10_cm"]:
        del sys.modules[name]
