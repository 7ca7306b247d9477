"""What every API shape shares: the disclaimer and the limits on what people send."""

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

# Control characters other than tab and line ends are not text (NUL, terminal escapes): every
# way in refuses them, the page reader as a FILE:LINE error and the JSON shapes as a 422.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(text: str) -> str:
    if CONTROL_CHARACTERS.search(text):
        raise ValueError("the text holds control characters")
    return text


Clean = AfterValidator(no_control_characters)

NOT_A_DIAGNOSIS = (
    "Health information, not a diagnosis. If the pain is severe, keeps you awake at night, came "
    "with a pop or sudden weakness, or comes with numbness, fever or loss of bladder or bowel "
    "control, see a doctor or physiotherapist."
)


# A clinician's list of observed or excluded phenotype terms can run to well over a hundred.
MAX_SYMPTOMS = 200
MAX_PHRASE_LENGTH = 200
SymptomPhrase = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_PHRASE_LENGTH, pattern=r"\S"
    ),
    Clean,
]

ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), Clean
]
MAX_TEXT_LENGTH = 20_000
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_LENGTH), Clean
]
MAX_ITEMS = 200
# Versions are 64-bit integers in every database.
MAX_VERSION = 2**63 - 1
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RegionSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=60)]
