"""The headers of a page other sites show in an iframe (the card, the symptom checker)."""

from fastapi import Request


def framed_page_headers(request: Request, *, script_src: str | None = None) -> dict[str, str]:
    """Nothing but the page's own inline style may load (and its one script, by its hash,
    which may talk to this service alone), no form goes anywhere, and only the origins in
    ``KB_EMBED_FRAME_ANCESTORS`` may frame it."""
    ancestors = " ".join(request.app.state.settings.embed_frame_ancestors)
    script = f"script-src {script_src}; connect-src 'self'; " if script_src else ""
    return {
        "Content-Security-Policy": f"default-src 'none'; {script}style-src 'unsafe-inline'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
