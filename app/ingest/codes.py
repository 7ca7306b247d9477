"""Clinical codes of a condition, checked against the code list a well-kept package ships:
`simple-icd-10-cm` carries the ICD-10-CM release (its codes and their descriptions), so a code
that does not exist there, or was retired before it, is refused where it is written."""

import re

import simple_icd_10_cm as icd10cm

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
    if not icd10cm.is_valid_item(code):
        return f"{code!r} is not in the ICD-10-CM code list (a wrong or retired code)"
    return None


def icd_10_cm_display(code: str) -> str:
    """The code list's description of a valid code."""
    return str(icd10cm.get_description(normalized(code)))
