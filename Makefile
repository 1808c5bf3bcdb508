# Circlewise — `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/circlewise
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and on pages point where `make run` serves, unless SITE_URL says otherwise
# (a listening address like 0.0.0.0 is no place to send a browser: those links use 127.0.0.1).
SITE_HOST := $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST))
SITE_URL ?= http://$(SITE_HOST):$(PORT)
# Packages that import no Django: type-checked strictly, doctests run (each one that exists).
PURE := $(wildcard $(addprefix src/circlewise/,matching mdgp rotation rotation.py scheduling \
	insights/privacy.py insights/charts.py))

# The first Python >= 3.12 that really runs (pyenv shims exist but fail unless selected).
PYTHON ?= $(shell for p in python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[3-9]*/bin/python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 2>/dev/null | sort -r) \
	python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; \
	done)

.PHONY: help venv messages catalogues gettext run serve serve-prod demo migrate test lint typecheck format e2e test-postgres bench chromium clean

help:
	@echo "make run            set up everything and serve $(SITE_URL) with demo data"
	@echo "make serve-prod     production: gunicorn + task workers, DEBUG=0, PostgreSQL (README: Deployment)"
	@echo "make test           lint + the whole test suite (SQLite)"
	@echo "make test-postgres  the suite against PostgreSQL ($(PG_URL))"
	@echo "make e2e            browser tests (installs Debian's chromium if missing)"
	@echo "make bench          benchmarks; results in bench/results/"
	@echo "make catalogues     refresh the translation catalogues after changing marked strings"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Circlewise needs Python 3.12 or newer: install python3.13 or python3.12 (or with pyenv: 'pyenv install 3.13'), or pass PYTHON=/path/to/python3.12." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m circlewise.matching.warmup
	$(BIN)/python -m circlewise.mdgp.warmup
	@touch $@

venv: $(STAMP)

# Translations: each offered language's catalogue, compiled (with Babel, so no system gettext is
# needed) on install and before tests; nothing to do while English is the only language.
CATALOGUES := $(wildcard src/circlewise/locale/*/LC_MESSAGES/django.po)
messages: $(STAMP) gettext
	$(if $(CATALOGUES),$(BIN)/pybabel compile --domain django --directory src/circlewise/locale,@true)

# Settings default to production (DEBUG off); the local targets ask for the laptop defaults.
migrate demo run serve: export DEBUG ?= 1

migrate: $(STAMP) messages
	SITE_URL='$(SITE_URL)' $(BIN)/python manage.py migrate --no-input

demo: migrate
	SITE_URL='$(SITE_URL)' $(BIN)/python manage.py load_demo

run: demo
	@$(MAKE) --no-print-directory serve

# The development server and a background task worker, restarted if it dies; Ctrl-C stops both.
serve: $(STAMP)
	@echo "Serving $(SITE_URL) (links in emails point there too)"
	SITE_URL='$(SITE_URL)' $(BIN)/python manage.py start_notices
	SITE_URL='$(SITE_URL)' $(BIN)/python -m circlewise.core.supervisor --workers 1 --interval 0.5 \
	  --web "$(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload"

# Production: refuses without SECRET_KEY, ALLOWED_HOSTS or a reachable PostgreSQL; then migrates,
# collects static files and runs gunicorn (WEB_CONCURRENCY processes) beside WORKERS task workers.
WORKERS ?= 2
serve-prod: $(STAMP)
	DEBUG=0 DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" \
	  $(BIN)/python manage.py serve_prod --host $(HOST) --port $(PORT) --workers $(WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# The whole package: the Django apps in mypy's normal mode, PURE strictly (pyproject.toml). The
# django-stubs plugin loads the settings, which want DEBUG=1 outside production (as the tests).
typecheck: $(STAMP)
	DEBUG=1 $(BIN)/mypy src/circlewise

# Doctests apart: collecting tests/ with --doctest-modules would import each conftest.py twice.
test: lint typecheck messages
	$(BIN)/pytest -q --doctest-modules $(PURE)
	$(BIN)/pytest -m "not e2e" -n auto

test-postgres: $(STAMP) messages
	@$(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0] + '/postgres', connect_timeout=5).close()" \
	  || { echo "PostgreSQL is not reachable at $(PG_URL): start it or set PG_URL=postgres://user@host:port/db" >&2; exit 1; }
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e" -n auto

# After changing marked strings: refresh every catalogue (new strings empty, no guessed "fuzzy"
# ones, removed ones dropped); then translate the empty entries. The translation test names them.
catalogues: $(STAMP) gettext
	cd src/circlewise && mkdir -p locale && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/django-admin \
	  makemessages $(foreach l,$(notdir $(wildcard src/circlewise/locale/*)),-l $(l)) \
	  --no-obsolete --add-location file --ignore static
	@# A new catalogue (its header still fuzzy) has no guesses yet; it is left as makemessages made it.
	for po in src/circlewise/locale/*/LC_MESSAGES/django.po; do \
	  head -n 12 $$po | grep -q '^#, fuzzy' || \
	  msgattrib --clear-fuzzy --empty --clear-previous --output-file $$po $$po; done

# The translation tests extract the product's strings with makemessages, which runs xgettext.
gettext:
	@command -v xgettext >/dev/null || { \
	  echo "Installing Debian's gettext for the translation tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

chromium:
	@command -v /usr/bin/chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

e2e: $(STAMP) chromium messages
	$(BIN)/pytest -m e2e

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	@command -v valgrind >/dev/null || { \
	  echo "Installing Debian's valgrind for bench/instructions.py"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
