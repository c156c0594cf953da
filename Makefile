# Hetao Virtual Park — one task runner. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/hetao
SCALE ?= 10

export PYTHONPATH := $(CURDIR)/src

.PHONY: help setup run serve test test-pg test-browser bench lint format messages makemessages demo migrate clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check 'uv>=0.5'
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

locale/.compiled: $(VENV)/.installed $(wildcard locale/*/LC_MESSAGES/django.po)
	$(MANAGE) compilemessages --ignore .venv --ignore node_modules --ignore var --verbosity 0
	touch $@

setup: $(VENV)/.installed node_modules/.installed locale/.compiled ## Install Python and npm packages, compile translations
	@mkdir -p var/static

migrate: setup ## Create or update the database (SQLite under var/ unless DATABASE_URL is set) and OIDC keys
	$(MANAGE) migrate --verbosity 0
	$(MANAGE) oidc_keys --ensure --verbosity 0 > /dev/null
	$(MANAGE) pass_keys --ensure --verbosity 0 > /dev/null

demo: migrate ## Load the demo park once (skipped when already loaded)
	$(MANAGE) load_demo_park

run: demo ## Set everything up and serve the demo park at http://127.0.0.1:8000 (with the task worker)
	@echo "Serving Hetao Virtual Park at http://$(HOST):$(PORT)/ (demo accounts: see README.md)"
	@$(MANAGE) db_worker --interval 1 > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

serve: setup ## Run as in production on PostgreSQL and Redis: gunicorn workers, task worker, scheduler (docs/deploy.md)
	$(PY) -m hetao.ops.serve

lint: setup ## ruff, mypy (pyproject.toml [tool.mypy]), the import boundaries ([tool.importlinter]) and the migrations check
	$(VENV)/bin/ruff check src tests examples tools bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(MANAGE) makemigrations --check --dry-run --verbosity 1

format: setup ## Format and fix what ruff can
	$(VENV)/bin/ruff check --fix src tests

test: lint ## Lint, migrations check and the whole suite (SQLite; DATABASE_URL=postgres://… for PostgreSQL)
	$(VENV)/bin/pytest -m "not browser" -q

test-pg: setup ## The whole suite on PostgreSQL (PG_URL, default the local server)
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -m "not browser" -q

test-browser: setup ## Browser tests in headless Chromium (/usr/bin/chromium)
	$(VENV)/bin/pytest -m browser -q

bench: setup ## Time each page beside a trivial view: SQLite and PostgreSQL, scale 1 and SCALE=10, throughput (BENCH_ARGS=--help)
	$(PY) bench/run.py --scale $(SCALE) $(BENCH_ARGS)

makemessages: setup ## Extract translatable strings into locale/*/LC_MESSAGES/django.po
	$(MANAGE) makemessages --locale zh_Hans --locale zh_Hant --no-obsolete --no-location --ignore .venv --ignore node_modules --ignore var

clean: ## Remove the virtualenv, npm packages and local data
	rm -rf $(VENV) node_modules var locale/.compiled
