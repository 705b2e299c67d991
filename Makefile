# Khuyến học data platform. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export KH_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: help run test test-lane-sqlite test-lane-postgres test-databases browser pdftools test-frontend test-e2e lint openapi-lint format openapi openapi-check install install-dev frontend test-sqlite test-postgres test-fast migrate demo clean lock bench bench-quick

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

$(RUNTIME_STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(RUNTIME_STAMP) ## Create .venv and install the service from the hashed lock

install-dev: $(DEV_STAMP) ## Install the service plus test and lint tools

frontend: ## Build the dashboard (when frontend/ has one)
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; fi

migrate: install ## Migrate the database (KH_DATABASE_URL, default SQLite var/khuyenhoc.db)
	$(BIN)/khuyenhoc migrate

demo: migrate ## Load units and the demo data (idempotent)
	$(BIN)/khuyenhoc demo load

run: install frontend demo ## Set up and serve API + dashboard on http://$(HOST):$(PORT) with demo data
	$(BIN)/khuyenhoc serve --host $(HOST) --port $(PORT)

lint: install-dev openapi-lint ## ruff (lint + format check), mypy, the layers (import-linter) and openapi.yaml (Redocly)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

OPENAPI_LINT := tools/openapi-lint
$(OPENAPI_LINT)/node_modules/.installed: $(OPENAPI_LINT)/package-lock.json
	cd $(OPENAPI_LINT) && npm ci --no-audit --no-fund
	touch $@

# Redocly's recommended ruleset, installed from its lock (no download at lint time, no telemetry): errors fail.
openapi-lint: $(OPENAPI_LINT)/node_modules/.installed ## Lint openapi.yaml with Redocly's recommended rules
	cd $(OPENAPI_LINT) && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		npx --no-install redocly lint ../../openapi.yaml --config redocly.yaml --format=stylish

format: install-dev ## Format and auto-fix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

openapi: install ## Regenerate openapi.yaml from the app, and the dashboard's API types from it
	$(BIN)/khuyenhoc openapi
	@if [ -d frontend/node_modules ]; then cd frontend && npm run --silent gen-types; fi

openapi-check: install ## Fail when openapi.yaml differs from the app
	$(BIN)/khuyenhoc openapi --check

test-databases: install-dev pdftools ## Both halves at once (two cores: each waits on its database and services), each one's output printed when it ends
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: install-dev pdftools ## Run the test suite on SQLite
	KH_TEST_BACKEND=sqlite $(BIN)/pytest --durations=15

test-postgres: install-dev pdftools ## Run the test suite on PostgreSQL (KH_TEST_POSTGRES_URL)
	@if $(BIN)/python -m tests.pg_probe; then \
		KH_TEST_BACKEND=postgresql $(BIN)/pytest --durations=15; \
	elif [ "$$CI" = "true" ]; then \
		echo "ERROR: PostgreSQL at $$KH_TEST_POSTGRES_URL does not answer, and CI=true requires it." >&2; exit 1; \
	else \
		echo; echo "########################################################################"; \
		echo "#  SKIPPED: the PostgreSQL half of the tests. Nothing answers at"; \
		echo "#  $$KH_TEST_POSTGRES_URL (set KH_TEST_POSTGRES_URL)."; \
		echo "########################################################################"; echo; \
	fi

test-fast: install-dev pdftools ## The edit loop: both databases' tests without the slow ones (-m "not slow"), no lint
	KH_TEST_BACKEND=sqlite $(BIN)/pytest -m "not slow"
	@if $(BIN)/python -m tests.pg_probe; then \
		KH_TEST_BACKEND=postgresql $(BIN)/pytest -m "not slow"; \
	else \
		echo "SKIPPED: the PostgreSQL half (nothing answers at $$KH_TEST_POSTGRES_URL)." >&2; \
	fi

browser: ## Install Debian's chromium for the browser tests (when missing)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

pdftools: ## Install Debian's Pango and DejaVu fonts (WeasyPrint's PDF) and poppler-utils (pdftotext, tests) when missing
	@{ command -v pdftotext >/dev/null && ldconfig -p | grep -q libpangoft2-1.0 && [ -d /usr/share/fonts/truetype/dejavu ]; } || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

test-frontend: frontend ## Dashboard unit tests (Vitest) and API types drift check
	@if [ -f frontend/package.json ]; then cd frontend && npm run --silent check-types && npm test; fi

test-e2e: install frontend browser ## End-to-end tests in Chromium against the real service with demo data
	@if [ -f frontend/package.json ]; then cd frontend && npm run e2e; fi

test: install-dev frontend browser lint openapi-check test-frontend ## Lint, then every test: SQLite, PostgreSQL, dashboard, browser, benchmark smoke test
	$(MAKE) --no-print-directory -j2 --output-sync=target test-lane-sqlite test-lane-postgres

# `make test`'s two lanes, one per core, each one's output printed when it ends: the SQLite tests then the
# browser tests (they serve SQLite), and the PostgreSQL tests then the benchmark smoke test (PostgreSQL).
test-lane-sqlite: install-dev pdftools
	@$(MAKE) --no-print-directory test-sqlite
	@if [ -f frontend/package.json ]; then cd frontend && npm run e2e; fi

test-lane-postgres: install-dev pdftools
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory bench-quick

bench: install-dev ## Benchmarks at national scale on PostgreSQL, figures beside baselines (docs/benchmarks.md)
	$(BIN)/python -m bench.run --size national

bench-quick: install-dev ## The same scenarios on a small data set, a smoke test (no timing asserted, ~1 min)
	$(BIN)/python -m bench.run --size quick

UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 --no-emit-index-url --no-emit-find-links --quiet

lock: ## Re-resolve requirements*.lock from pyproject.toml (dependencies and the dev extra), hashed
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "uv>=0.5"
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock

clean: ## Remove the virtual environment, builds and the local database
	rm -rf $(VENV) var frontend/dist frontend/node_modules tools/openapi-lint/node_modules
