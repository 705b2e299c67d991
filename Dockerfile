# Multi-stage build: the dashboard with Node, the service on a slim Python image as a non-root user.
# The same steps run outside a container in the tests (install from the lock, build, migrate, /ready).

FROM node:20-bookworm-slim AS dashboard
WORKDIR /src
COPY openapi.yaml ./
COPY frontend/ frontend/
RUN if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; \
    else mkdir -p frontend/dist; fi

FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    KH_FRONTEND_DIST=/app/frontend/dist KH_DATABASE_URL=sqlite:////data/khuyenhoc.db
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app khuyenhoc && mkdir -p /data && chown khuyenhoc /data
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY api/ api/
COPY migrations/ migrations/
RUN pip install --no-deps -e . && python -c "import api.main"
COPY --from=dashboard /src/frontend/dist frontend/dist
USER khuyenhoc
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD curl -fsS http://127.0.0.1:8000/api/v1/ready || exit 1
# Migrations run before the service starts; KH_WORKERS sets the number of worker processes.
CMD ["sh", "-c", "khuyenhoc migrate && khuyenhoc units load && exec khuyenhoc serve --host 0.0.0.0 --port 8000"]
