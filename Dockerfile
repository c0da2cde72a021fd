# syntax=docker/dockerfile:1
# sgoodie for production: gunicorn (web), Celery worker and beat all run from this one image.
#   docker build -t sgoodie .
#   docker run -p 8000:8000 --env-file .env sgoodie                              # web
#   docker run --env-file .env sgoodie celery -A celery_worker worker             # image jobs
#   docker run --env-file .env sgoodie celery -A celery_worker beat               # sweeper

# -- build: wheels for sgoodie and every dependency (all ship binary wheels; no compiler) --------
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY sgoodie ./sgoodie
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[sentry]"

# -- runtime: no build tools, no source tree, a non-root user --------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SGOODIE_BACKEND=aws \
    SGOODIE_LOG_FORMAT=json \
    SGOODIE_INSTANCE_PATH=/app/instance \
    SGOODIE_BIND=0.0.0.0:8000
RUN groupadd --system --gid 10001 sgoodie \
 && useradd --system --uid 10001 --gid sgoodie --home-dir /app --shell /usr/sbin/nologin sgoodie
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels "sgoodie[sentry]" \
 && rm -rf /wheels \
 && python -c "from PIL import features; assert features.check('avif') and features.check('webp') and features.check('littlecms2'), 'Pillow lacks AVIF/WebP/LCMS'"
WORKDIR /app
COPY gunicorn.conf.py celery_worker.py ./
RUN mkdir -p /app/instance && chown -R sgoodie:sgoodie /app
USER sgoodie
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "sgoodie:create_app()"]
