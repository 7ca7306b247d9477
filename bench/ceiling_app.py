"""The ceiling for this stack on this machine: a bare FastAPI app that answers with the
same condition JSON, held in memory, no database, no middleware.

    KB_CEILING_BODY=/path/to/condition.json uvicorn bench.ceiling_app:app
"""

import os
from pathlib import Path

from fastapi import FastAPI, Response

app = FastAPI()
_body = Path(os.environ["KB_CEILING_BODY"]).read_bytes()


@app.get("/v1/conditions/{slug}")
def condition(slug: str) -> Response:
    return Response(_body, media_type="application/json")
