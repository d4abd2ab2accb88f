# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := src/mokatebat/static/vendor

export PYTHONPATH := $(CURDIR)/src
export DJANGO_SETTINGS_MODULE := mokatebat.settings
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test bench lint db db-stop migrate messages vendor browser clean-var

setup: $(VENV)/.installed node_modules/.installed vendor db migrate messages

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

vendor: node_modules/.installed
	@mkdir -p $(VENDOR)/fonts
	@cp node_modules/bootstrap/dist/css/bootstrap.rtl.min.css* node_modules/bootstrap/dist/css/bootstrap.min.css* $(VENDOR)/
	@cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	@cp node_modules/vazirmatn/fonts/webfonts/Vazirmatn\[wght\].woff2 $(VENDOR)/fonts/Vazirmatn-Variable.woff2
	@cp node_modules/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf node_modules/vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf $(VENDOR)/fonts/

messages: $(VENV)/.installed
	@cd src/mokatebat && ../../$(PY) ../../manage.py compilemessages --verbosity 0

db: $(VENV)/.installed
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m mokatebat.embedded_db start >/dev/null; fi

db-stop:
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m mokatebat.embedded_db stop; fi

migrate: db
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py createcachetable

run: setup
	$(PY) manage.py load_demo_data
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Chromium: install Debian's 'chromium' package" >&2; exit 1; fi; }

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src bench
	$(VENV)/bin/ruff format --check src bench
	$(VENV)/bin/mypy src
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0

test: setup browser lint
	MOKATEBAT_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=example.org \
	  SMS_PROVIDER=kavenegar SMS_GATEWAY_API_KEY=check-only SMS_SENDER=40401234 \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest --ds=mokatebat.settings.test

bench: setup
	$(PY) bench/run.py

clean-var: db-stop
	rm -rf var
