# 党群一张网 — the two commands of the README, and the pieces they are made of.
#   make run    install everything, migrate, load the demo district, serve on :8000 with the worker
#               (make run PORT=8080 HOST=0.0.0.0 SCALE=0.1); the demo's last two weeks are loaded first,
#               the rest of its year is played in the background (var/log/seed-history.log)
#   make serve-prod  the production stack on this machine: gunicorn (gthread) + WhiteNoise static files,
#               worker and scheduler, JSON logs (docs/deployment.md); BIND=127.0.0.1:8000
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

.PHONY: run install migrate demo serve serve-prod test lint typecheck layers migrations-check test-sqlite test-postgres bench clean

run: install migrate demo serve

install: $(VENV)/.installed node_modules/.package-lock.json

# Front-end libraries (htmx, Leaflet, ECharts) from the npm registry, exactly as package-lock.json says.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "需要 Node.js 和 npm (apt-get install nodejs npm)"; exit 1; }
	@echo "==> 安装前端库 (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	@echo "==> 安装 Python 依赖到 $(VENV)/"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -c requirements/constraints.txt -e ".[dev]"
	@touch $@

migrate: install
	@echo "==> 迁移数据库"
	@$(PY) manage.py migrate --noinput -v 0

# The demo's last weeks now; the rest of its year in the background once serving (scripts/serve.sh).
demo: migrate
	@echo "==> 生成演示区 (scale=$(SCALE))"
	@$(PY) manage.py seed_demo --scale $(SCALE) --history later

serve: install
	@echo "==> 启动服务 (端口 $(PORT);换端口: make run PORT=8080)"
	@scripts/serve.sh $(HOST) $(PORT)

BIND ?= $(HOST):$(PORT)
serve-prod: install
	@echo "==> 启动生产模式服务 ($(BIND))"
	@scripts/serve-prod.sh $(BIND)

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
