# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# Python 3.11 (see README, "Python version"); the pip that set-up uses is pinned too.
PYTHON ?= python3.11
PIP_VERSION := 26.3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
VENDOR := src/mokatebat/static/vendor

export PYTHONPATH := $(CURDIR)/src
export DJANGO_SETTINGS_MODULE := mokatebat.settings
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run dev static test bench lint lock db db-stop migrate messages vendor browser clamav clean-var

setup: $(VENV)/.installed node_modules/.installed vendor db migrate messages

# Runtime + development tools, every file checked against the lock's hashes. A production install
# takes only requirements.txt (README, "Deploying").
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip==$(PIP_VERSION)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $@

# Regenerate both locks from requirements.in / requirements-dev.in (pins already in the locks are
# kept unless an .in file asks otherwise; `make lock UPGRADE=1` moves everything to the newest).
PIP_COMPILE := $(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/pip-compile || $(PY) -m pip install --quiet pip==$(PIP_VERSION) pip-tools==7.6.2
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-dev.txt requirements-dev.in

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

vendor: node_modules/.installed
	@mkdir -p $(VENDOR)/fonts
	@cp node_modules/bootstrap/dist/css/bootstrap.rtl.min.css* node_modules/bootstrap/dist/css/bootstrap.min.css* $(VENDOR)/
	@cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	@cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map $(VENDOR)/
	@cp node_modules/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.js node_modules/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.css $(VENDOR)/
	@cp node_modules/vazirmatn/fonts/webfonts/Vazirmatn\[wght\].woff2 $(VENDOR)/fonts/Vazirmatn-Variable.woff2
	@cp node_modules/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf node_modules/vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf $(VENDOR)/fonts/

messages: $(VENV)/.installed
	@cd src/mokatebat && ../../$(PY) ../../manage.py compilemessages --verbosity 0

db: $(VENV)/.installed
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m mokatebat.embedded_db start >/dev/null; fi

db-stop:
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m mokatebat.embedded_db stop; fi

# Migrations run as the owner of the tables; `run` serves as the app's role, which owns nothing.
migrate: db
	MOKATEBAT_DB_ROLE=owner $(PY) manage.py migrate --noinput --verbosity 0
	MOKATEBAT_DB_ROLE=owner $(PY) manage.py createcachetable

# `make run`: production-like (gunicorn, DEBUG off, hashed compressed static files) with the demo data.
run: export MOKATEBAT_ENV := local
run: setup static
	$(PY) manage.py load_demo_data
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

# `make dev`: the autoreloading development server with DEBUG on (loopback only).
dev: export MOKATEBAT_ENV := dev
dev: setup
	$(PY) manage.py load_demo_data
	$(PY) manage.py serve --dev --host $(HOST) --port $(PORT)

static: vendor $(VENV)/.installed
	MOKATEBAT_ENV=local $(PY) manage.py collectstatic --noinput --verbosity 0

browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Chromium: install Debian's 'chromium' package" >&2; exit 1; fi; }

# The upload tests scan with a real clamd (their own EICAR signature; no freshclam needed).
clamav:
	@command -v clamd >/dev/null || test -x /usr/sbin/clamd || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's clamav-daemon for the upload tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon >/dev/null; \
	  else echo "WARNING: clamd is missing: the virus-scan tests will be skipped (apt-get install clamav-daemon)" >&2; fi; }

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src bench
	$(VENV)/bin/ruff format --check src bench
	$(VENV)/bin/mypy src
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0

test: setup browser clamav lint
	MOKATEBAT_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=example.org \
	  SMS_PROVIDER=kavenegar SMS_GATEWAY_API_KEY=check-only SMS_SENDER=40401234 \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest --ds=mokatebat.settings.test

bench: setup
	$(PY) bench/run.py

clean-var: db-stop
	rm -rf var
