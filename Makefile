# One-command entry points. `make run` serves the demo; `make test` sets up and runs the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
# "python -m pip": a copied virtualenv keeps the old path in the pip script's first line.
PIP := $(PY) -m pip
# The newest Python 3.11+ on the machine.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then command -v $$p; break; fi; done)

HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/forum
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: help run test lint format worker beat serve bench bench-deps setup setup-dev system-deps messages migrate clean \
	cluster cluster-stop cluster-deps

help:
	@echo "make run     set up and serve the demo forum on http://$(HOST):$(PORT)/ (SQLite, no servers needed)"
	@echo "make test    set up and run the tests (PostgreSQL and Redis on 127.0.0.1 when reachable)"
	@echo "make lint    ruff check and format check, the import contract (lint-imports)"
	@echo "make worker  Celery worker (needs CELERY_BROKER_URL)   make beat   periodic jobs"
	@echo "make serve   gunicorn, production-like                 make bench  benchmarks"
	@echo "make cluster nginx + 2 web nodes + 2 workers + beat on loopback   make cluster-stop  stop it"

$(VENV)/.created:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	@touch $@

$(VENV)/.runtime: requirements.txt | $(VENV)/.created
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/.created
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev system-deps cluster-deps

# Chromium drives the browser tests and pdftoppm (poppler-utils) renders visa letters to images in
# their tests; installed from Debian when missing and we may.
system-deps:
	@if ! command -v pdftoppm >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing poppler-utils for the visa letter tests"; \
			(apt-get install -y -qq poppler-utils >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null)); \
		else echo "pdftoppm not found: letter rendering tests will be skipped (CI=true fails them)"; fi; \
	fi
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing chromium for browser tests"; \
			(apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
		else echo "chromium not found: browser tests will be skipped (CI=true fails them)"; fi; \
	fi

# nginx fronts the local cluster (make cluster, tests/cluster). Installed from Debian when missing
# and we may, without letting the package start a server of its own on port 80.
cluster-deps:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing nginx for the local cluster"; \
			policy=/usr/sbin/policy-rc.d; own_policy=; \
			if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' > $$policy; chmod +x $$policy; own_policy=1; fi; \
			(apt-get install -y -qq nginx-light >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null)); \
			status=$$?; [ -n "$$own_policy" ] && rm -f $$policy; exit $$status; \
		else echo "nginx not found: cluster tests will be skipped (CI=true fails them)"; fi; \
	fi

migrate: setup
	$(PY) manage.py migrate --noinput

# Links in the demo's emails, calendars and badges point at the address it is served on.
run: setup
	export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py seed_demo && \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Tests use the real PostgreSQL and Redis when reachable; CI=true makes them mandatory.
test: setup-dev
	@set -e; \
	if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		export DATABASE_URL="$${TEST_DATABASE_URL:-$(PG_URL)}"; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is required under CI=true but 127.0.0.1:5432 is unreachable" >&2; exit 1; \
	else echo "PostgreSQL unreachable: running on SQLite, PostgreSQL-only tests skip"; fi; \
	if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 6379), 1)" 2>/dev/null; then \
		export TEST_REDIS_URL="$${TEST_REDIS_URL:-$(REDIS_URL)}"; \
	elif [ "$$CI" = "true" ]; then echo "Redis is required under CI=true but 127.0.0.1:6379 is unreachable" >&2; exit 1; \
	else echo "Redis unreachable: Redis tests skip"; fi; \
	unset CELERY_BROKER_URL CACHE_URL EMAIL_URL DJANGO_ENV; \
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: setup
	$(VENV)/bin/celery -A config worker -Q mail,celery --loglevel=info --concurrency=$${CONCURRENCY:-2}

beat: setup
	$(VENV)/bin/celery -A config beat --loglevel=info

serve: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

# The production shape on loopback: nginx, two gunicorn nodes, two Celery workers, one beat, on the
# machine's PostgreSQL and Redis (deploy/cluster.py; pidfiles and logs under var/cluster/).
cluster: setup cluster-deps
	$(PY) -m deploy.cluster start

cluster-stop:
	$(PY) -m deploy.cluster stop

# wrk measures the scale benchmark; installed from Debian when missing and we may.
bench-deps:
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			(apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)); \
		else echo "wrk not found: the scale benchmark needs it (apt-get install wrk)"; fi; \
	fi

bench: setup-dev bench-deps
	$(PY) -m bench $(BENCH)

messages: setup
	$(PY) manage.py app_messages
	$(PY) manage.py compilemessages

clean:
	rm -rf $(VENV) var
