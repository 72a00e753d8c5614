# Mercado Retorno. `make run` serves the demo; `make test` runs the suite. Both set up .venv.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run serve test test-pg e2e bench lint format translations extract-translations \
	missing-translations clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# axe-core for the browser tests; skipped quietly where npm is missing (those tests then skip).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi

# Babel's keywords and these (the same as KEYWORDS in marketplace/core/translations.py).
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_pgettext:1c,2

## Compile i18n/<lang>/LC_MESSAGES/messages.po into the .mo files the app reads
translations: $(STAMP)
	$(BIN)/pybabel compile -d i18n

## Collect the strings of the code and templates into i18n/messages.pot and update the catalogues
extract-translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --project "Mercado Retorno" \
		--copyright-holder "Mercado Retorno" -o i18n/messages.pot .
	$(BIN)/pybabel update -i i18n/messages.pot -d i18n

## Strings in the code without a Spanish translation (fails while there are any)
missing-translations: $(STAMP)
	$(BIN)/python -m marketplace.core.translations

## Development server with demo data at http://127.0.0.1:5000
run: translations
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host 127.0.0.1 --port 5000

## Production-style server (gunicorn.conf.py); configure with environment variables
serve: translations
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# pytest-xdist workers, each with its own database and servers; `make test XDIST=` runs in one
# process. Past four, starting every worker's browser and servers costs more than it saves;
# idle workers take tests from busy ones (worksteal), so a long journey left last waits for no one.
XDIST ?= -n auto --maxprocesses=4 --dist worksteal

## The test suite on SQLite, or on TEST_DATABASE_URL when set
test: translations node_modules/.installed
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

## Only the end-to-end browser journeys (installs Debian's chromium when missing and root)
e2e: translations node_modules/.installed
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq chromium; } || true
	$(BIN)/python -m pytest $(XDIST) tests/e2e $(PYTEST_ARGS)

## The test suite on the local PostgreSQL
test-pg: translations node_modules/.installed
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

## Every benchmark in bench/ (BENCH_ARGS=--quick for a short run)
bench: translations
	@set -e; for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script $(BENCH_ARGS); done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
