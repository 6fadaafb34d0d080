# spotifyclone: every command a developer or CI needs. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-services services-up services-down services-status serve-services serve-services-start \
	serve-services-stop serve-services-status lint format bench bench-load fuzz e2e-deps clean \
	messages messages-compile messages-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/python manage.py messages_compile
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver_demo $(HOST):$(PORT)

# The embedded default: no service variables, whatever the shell has set. Two
# processes: each has its own in-memory database, cache and media folder.
test: $(VENV)/.installed-dev
	$(BIN)/python manage.py messages_compile
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u STORAGE_BACKEND -u AWS_STORAGE_BUCKET_NAME \
	    -u SEARCH_BACKEND -u OPENSEARCH_URL -u EDGE_URLS -u EDGE_SIGNING_KEY \
	    $(BIN)/pytest -m "not services" -n 2 $(PYTEST_ARGS)

# The same suite against the real services started by `make services-up`, in two processes
# too: each has its own test database, Redis database, search indices and bucket folder
# (tests/conftest.py). A browser test runs once: in the embedded default, or here when it is
# marked services too. The tests marked faults stop a service, which would break the other
# process's tests, so they run after, alone.
test-services: $(VENV)/.installed-dev
	$(BIN)/python manage.py messages_compile
	set -a && . scripts/services.env && set +a && \
	    $(BIN)/pytest -m "not faults and (not e2e or services)" -n 2 $(PYTEST_ARGS) && \
	    $(BIN)/pytest -m faults $(PYTEST_ARGS)

services-up: $(VENV)/.installed-dev
	bash scripts/services.sh up

services-down:
	bash scripts/services.sh down

services-status:
	bash scripts/services.sh status

# The site as production runs it, against the services above (scripts/serve.sh): DEBUG off,
# collectstatic, migrate, the search index, then gunicorn, a Celery worker and beat on
# http://127.0.0.1:58000. In the foreground (Ctrl-C stops all three), or in the background
# with `serve-services-start` (pid file and log in var/serve/) until `serve-services-stop`.
serve-services: $(VENV)/.installed
	bash scripts/serve.sh run

serve-services-start: $(VENV)/.installed
	bash scripts/serve.sh start

serve-services-stop:
	bash scripts/serve.sh stop

serve-services-status:
	bash scripts/serve.sh status

# ruff, mypy, and the import contract of pyproject.toml: every import between apps points down a floor.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-logo

# Translations (docs/i18n.md). `messages`: add the strings marked in the code to locale/*/LC_MESSAGES/*.po
# (GNU gettext's xgettext and msgmerge, through Django's makemessages); translate the new ones, then
# `messages-check`, which fails on any marked string missing, untranslated or fuzzy, in a copy of the tree.
# `messages-compile`: the .mo files Django reads, in Python (no gettext needed); run, test and serve do it.
messages: $(VENV)/.installed
	$(BIN)/python manage.py messages_update

messages-compile: $(VENV)/.installed
	$(BIN)/python manage.py messages_compile

messages-check: $(VENV)/.installed
	$(BIN)/python manage.py messages_check

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark but the load scenario, which has a target of its own (bench-load).
bench: $(VENV)/.installed-dev
	@for bench in bench/bench_*.py; do [ "$$bench" = bench/bench_load.py ] && continue; echo "== $$bench"; $(BIN)/python $$bench || exit 1; done

# 500 listeners for a minute against the site as serve-services runs it, then a minute with Redis
# stopped half-way (bench/bench_load.py; about six minutes). LOAD_ARGS="--scenario healthy" skips that.
LOAD_ARGS ?=
bench-load: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_load.py $(LOAD_ARGS)

# Schemathesis against the API's own schema, on a throwaway embedded server: no server error, no
# answer that breaks the schema. A few minutes; FUZZ_ARGS="--max-time 300" digs deeper.
FUZZ_ARGS ?=
fuzz: $(VENV)/.installed-dev
	$(BIN)/python scripts/fuzz_api.py $(FUZZ_ARGS)

# Debian's Chromium, which the browser tests (tests/e2e) drive: Playwright never downloads one. Installed
# with apt-get when missing (as root, or through sudo). CHROMIUM_PATH names another browser to use instead;
# without one the browser tests skip on a laptop (and fail under CI).
CHROMIUM_PATH ?= /usr/bin/chromium
e2e-deps:
	@if [ -x "$(CHROMIUM_PATH)" ]; then \
	    echo "$(CHROMIUM_PATH) is there: the browser tests will use it."; \
	elif [ "$(CHROMIUM_PATH)" != /usr/bin/chromium ]; then \
	    echo "CHROMIUM_PATH names $(CHROMIUM_PATH), which is not an executable." >&2; exit 1; \
	elif command -v apt-get >/dev/null; then \
	    as_root=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    $$as_root apt-get update -qq && $$as_root apt-get install -y -qq --no-install-recommends chromium; \
	else \
	    echo "No apt-get here: install Chromium your system's way, then run the tests with" \
	        "CHROMIUM_PATH=/path/to/chromium." >&2; exit 1; \
	fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
