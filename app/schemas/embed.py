"""The oEmbed answer that points a CMS at a condition's card."""

from pydantic import (
    BaseModel,
    Field,
)


class OEmbed(BaseModel):
    """An oEmbed 1.0 answer of type `rich`: the card in an iframe, ready to paste."""

    version: str = "1.0"
    type: str = "rich"
    title: str = Field(examples=["Hamstring origin problem"])
    provider_name: str
    provider_url: str
    cache_age: int = Field(description="Seconds the answer may be cached.")
    html: str
    width: int
    height: int
