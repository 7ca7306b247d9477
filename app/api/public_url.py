"""The address links in an answer point at, as others reach the service."""

from fastapi import Request

from app.core.errors import MisdirectedRequest

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def public_base_url(request: Request) -> str:
    """The address the links of an answer point at. Without KB_PUBLIC_URL it is the one the
    request came to, on loopback only: elsewhere the Host header is the client's to choose,
    and links built from it would point wherever the client likes (421)."""
    public: str | None = request.app.state.settings.public_url
    if public:
        return public.rstrip("/") + "/"
    if request.url.hostname not in LOOPBACK_HOSTS:
        raise MisdirectedRequest(
            "This service does not know its public address: set KB_PUBLIC_URL to the address "
            "others reach it at."
        )
    return str(request.base_url).rstrip("/") + "/"
