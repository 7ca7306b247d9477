# The condition knowledge service on a slim Python base.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KB_HOST=0.0.0.0 \
    KB_PORT=8000 \
    KB_DATABASE_URL=sqlite:////srv/var/kb.sqlite3

WORKDIR /srv

# Dependencies first, from the pins in pyproject.toml alone, so code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY app ./app
COPY migrations ./migrations
COPY data ./data
COPY alembic.ini README.md ./

RUN useradd --system --uid 10001 --home-dir /srv kb \
    && mkdir -p /srv/var && chown kb /srv/var
USER kb

EXPOSE 8000
VOLUME ["/srv/var"]

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"

# Migrations run first, then the server: `serve` upgrades the database to head on start-up.
CMD ["sh", "-c", "alembic upgrade head && exec python -m app serve"]
