# 党群一张网 — the two commands of the README, and the pieces they are made of.
#   make run    install everything, migrate, load the demo district, serve on :8000 with the worker
#   make test   quality gates, then the whole suite on SQLite and on PostgreSQL

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
SCALE  ?= 1
PG_URL ?= postgres://postgres@127.0.0.1:5432/dangqun
PYTEST_ARGS ?=

.PHONY: run install migrate demo serve test lint typecheck layers migrations-check test-sqlite test-postgres bench clean

run: install migrate demo serve

install: $(VENV)/.installed node_modules/.package-lock.json

# Front-end libraries (htmx, Leaflet, ECharts) from the npm registry, exactly as package-lock.json says.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "需要 Node.js 和 npm (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $@

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --scale $(SCALE)

serve: install
	scripts/serve.sh $(HOST) $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	DANGQUN_TESTING=1 $(BIN)/mypy dangqun config

layers: install
	$(BIN)/lint-imports

migrations-check: install
	DANGQUN_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

test-sqlite: install
	DANGQUN_TESTING=1 DATABASE_URL= $(PY) -m pytest -n 2 $(PYTEST_ARGS)

test-postgres: install
	scripts/ensure-postgres.sh
	DANGQUN_TESTING=1 DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck layers migrations-check test-sqlite test-postgres

bench: install
	$(PY) bench/geo_lookup.py

clean:
	rm -rf $(VENV) var
