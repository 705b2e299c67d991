# Multi-stage build: the dashboard with Node, the service on a slim Python image as a non-root user.
# tests/ops/test_dockerfile.py runs these same steps outside a container (parsed from this file):
# install from the lock, build the dashboard, migrate, start, answer /api/v1/ready.
# docs/deploy.md: settings, PostgreSQL, workers, backups, TLS at the reverse proxy.

FROM node:20-bookworm-slim AS dashboard
WORKDIR /src
COPY openapi.yaml ./
COPY frontend/package.json frontend/package-lock.json frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY frontend/ frontend/
RUN cd frontend && npm run build

FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KH_FRONTEND_DIST=/app/frontend/dist KH_DATABASE_URL=sqlite:////data/khuyenhoc.db KH_WORKERS=2
WORKDIR /app
# postgresql-client: pg_dump/pg_restore/psql for `khuyenhoc backup|restore` (major version 15, as the
# PostgreSQL of compose.yaml; a newer server needs a client of its version: docs/deploy.md).
# Pango and DejaVu (full Vietnamese coverage): WeasyPrint's PDF of the year's report (api/public/report.py).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin khuyenhoc \
    && mkdir -p /data /backups && chown khuyenhoc /data /backups
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml setup.py README.md alembic.ini ./
COPY api/ api/
COPY migrations/ migrations/
RUN pip install --no-deps -e . && python -c "import api.main"
COPY --from=dashboard /src/frontend/dist frontend/dist
USER khuyenhoc
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8000/api/v1/ready', timeout=4).status != 200)"
# Migrations (and the unit lists) before the service starts. With several app servers on one
# database, run them once as a job and set KH_MIGRATE_ON_START=false on the servers.
CMD ["sh", "-c", "if [ \"${KH_MIGRATE_ON_START:-true}\" = true ]; then khuyenhoc migrate && khuyenhoc units load; fi && exec khuyenhoc serve --host 0.0.0.0 --port 8000"]
