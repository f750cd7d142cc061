# Two commands: `make run` serves the demo on SQLite, `make test` runs the whole suite.
SHELL := /bin/bash
PORT ?= 8000
HOST ?= 127.0.0.1
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PROJECT_ENVIRONMENT := .venv
# Python keeps compiled modules (__pycache__, ignored by git) even where the shell says not to:
# without them every process compiles ~1,400 modules again — half of a 5 s `manage.py check`,
# paid by each worker, server and check the tests start.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run serve test browser-deps lint messages bench load

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

install: .venv/.synced

# Browser tests drive Debian's Chromium; report tests open every XLSX and DOCX in LibreOffice.
# Install them when missing and we may (CI runs as root).
SYSTEM_PACKAGES := chromium libreoffice-calc libreoffice-writer
browser-deps:
	@{ command -v chromium && command -v libreoffice; } >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $(SYSTEM_PACKAGES) >/dev/null || { apt-get update -qq && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      $(SYSTEM_PACKAGES); }; \
	  else echo "Missing: sudo apt-get install -y $(SYSTEM_PACKAGES)"; exit 1; fi; }

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	@# The background worker (recomputations, imports, reports) lives as long as the server;
	@# run_worker starts it again if it dies, and marks the imports it was running failed.
	$(PY) manage.py run_worker --interval 1 & trap 'kill $$!' EXIT; \
	$(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

# Production (docs/deployment.md): PostgreSQL, gunicorn with several workers, collected static
# files, the background worker. Settings come from the environment (DATABASE_URL, SECRET_KEY,
# ALLOWED_HOSTS, ...); unsafe or missing values stop it before anything starts.
serve: export PRODUCTION := 1
serve: install
	@out=$$($(PY) manage.py check --deploy --fail-level WARNING 2>&1) || { \
	  echo "$$out" | grep -E '^[A-Za-z_.]*(ImproperlyConfigured|ValueError): ' | sed 's/^[A-Za-z_.]*: //' \
	    | grep . >&2 || echo "$$out" >&2; \
	  echo "make serve: unsafe or missing production settings (above); nothing was started." >&2; \
	  exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@workers=$${WEB_CONCURRENCY:-$$((2 * $$(nproc) + 1))}; \
	echo "Serving on http://$(HOST):$(PORT)/ with $$workers workers and the background worker (Ctrl+C to stop)"; \
	$(PY) manage.py run_worker --interval 1 & worker=$$!; \
	.venv/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers $$workers \
	  --threads $${GUNICORN_THREADS:-1} --timeout $${GUNICORN_TIMEOUT:-120} \
	  --access-logfile - --error-logfile - --no-control-socket & web=$$!; \
	trap 'kill $$worker $$web 2>/dev/null; wait' EXIT INT TERM; \
	wait -n $$worker $$web; status=$$?; \
	echo "make serve: the web server or the worker's supervisor stopped (status $$status); stopping both."; \
	exit $$status

test: install browser-deps
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) -m pytest

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# After editing translatable strings: refresh the catalogue, translate, compile.
messages: install
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=.tools \
	  --ignore=imports --ignore=reports --ignore=planning --ignore=cadrework --ignore=elearning \
	  --ignore=audit --ignore=privacy --ignore=notifications --ignore=calendars --ignore=schedule
	@# Apps with a catalogue of their own (locale/ inside the app) keep their strings there.
	@# training and units keep their older strings in locale/ and their newer ones in their own.
	for app in imports reports planning cadrework elearning audit privacy notifications calendars schedule training units; do (cd $$app && ../$(PY) ../manage.py makemessages -l vi --no-obsolete); done
	$(PY) manage.py compilemessages -l vi --ignore=.venv --ignore=.tools

bench: install
	$(PY) bench/run_bench.py
	$(PY) bench/targets_bench.py
	$(PY) bench/import_bench.py
	$(PY) bench/reports_bench.py
	$(PY) bench/sweep_bench.py
	$(PY) bench/growth_bench.py

# Load test (bench/README.md): 50 officers through `make serve` on the national data set, on
# loopback; about 10 minutes (the first run also generates the data). Not part of `make test`.
load: install
	$(PY) bench/load_bench.py

# Screenshots of the main pages at 1280 × 800 and 390 × 844 on a fresh demo in its own SQLite
# file (docs/screenshots.md lists them); fails when a page is wider than the screen or a menu
# item wraps. About two minutes.
.PHONY: screenshots
screenshots: install browser-deps
	$(PY) bench/screenshots.py
