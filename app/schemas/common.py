"""What every API shape shares: the disclaimer and the limits on what people send."""

from typing import Annotated

from pydantic import StringConstraints

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
]

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
MAX_ITEMS = 200
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RegionSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=60)]
