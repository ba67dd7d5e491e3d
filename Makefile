# jixiao — run `make help` for the list of targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLES := ../shared/spec/examples
MANAGE := $(BIN)/python manage.py
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/jixiao
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/jixiao_bench
BENCH_WEB_URL ?= postgres://postgres@127.0.0.1:5432/jixiao_bench_web
EMPLOYEES ?= 10000
HOST_PORT ?= 127.0.0.1:8000

.DEFAULT_GOAL := help

help: ## show this list
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install jixiao with its development tools

demo: $(STAMP) ## load the demo company into var/jixiao.sqlite3 and serve it on http://127.0.0.1:8000
	$(BIN)/jixiao demo --address $(HOST_PORT)

demo-engine: $(STAMP) ## score the specification's examples with the engine, printed as tables
	@for name in fin-manager warehouse-3pl staff-360 staff-monthly; do \
	  echo; echo "== $$name"; \
	  $(BIN)/jixiao score $(EXAMPLES)/$$name.scheme.yaml $(EXAMPLES)/$$name.facts.yaml --format table || exit $$?; \
	done
	@echo; echo "== ahp-2x2"; $(BIN)/jixiao ahp $(EXAMPLES)/ahp-2x2.yaml

test: $(STAMP) ## run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)
	$(BIN)/pytest

test-postgres: $(STAMP) ## run the whole test suite on PostgreSQL (POSTGRES_URL, default the local jixiao)
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

e2e: $(STAMP) ## run the browser journeys only (needs /usr/bin/chromium: apt-get install chromium)
	$(BIN)/pytest tests/e2e

screenshots: $(STAMP) ## retake the user guides' screenshots into docs/guide/img (needs a CJK font: apt-get install fonts-noto-cjk)
	JIXIAO_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/test_guide_screenshots.py tests/e2e/test_cycle_journey.py

api-fuzz: $(STAMP) ## run the API against its own OpenAPI document (schemathesis)
	JIXIAO_API_FUZZ=1 $(BIN)/pytest tests/api_fuzz

check: $(STAMP) ## lint, format check, types, import contracts, migrations up to date
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy jixiao
	$(BIN)/lint-imports
	DATABASE_URL=sqlite:// DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

format: $(STAMP) ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP) ## update the Chinese translation from the code and compile it (needs GNU gettext)
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemessages -l zh_Hans --no-location \
	  --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=jixiao/scoring
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) compilemessages --ignore=.venv

bench: $(STAMP) ## run the scoring benchmark (100,000 appraisees) and print its figures
	$(BIN)/python bench/score_population.py
	$(BIN)/python bench/fin_manager_copies.py

bench-import: $(STAMP) ## run the Excel import benchmark (100,000 fact rows) and print its figures
	$(BIN)/python bench/import_facts.py

bench-spreadsheet: $(STAMP) ## time LibreOffice's recalculation of the benchmark form against jixiao score
	$(BIN)/python bench/spreadsheet.py

bench-caps: $(STAMP) ## time and peak memory of the worst scheme documents (alias bombs …) under the caps
	$(BIN)/python bench/scheme_caps.py

bench-company: $(STAMP) ## build a company of EMPLOYEES (10000) in BENCH_URL (emptied first!) and measure each role's pages
	DATABASE_URL=$(BENCH_URL) DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-bench-only} $(MANAGE) migrate -v0
	DATABASE_URL=$(BENCH_URL) DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-bench-only} $(MANAGE) bench_company --employees $(EMPLOYEES) --seed 1 --replace
	DATABASE_URL=$(BENCH_URL) DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-bench-only} $(MANAGE) bench_pages

bench-web: $(STAMP) ## serve a company of EMPLOYEES (BENCH_WEB_URL: reused, or built) with gunicorn and a worker; time each role's pages at 1-20 clients and the jobs
	$(BIN)/python bench/web.py --database-url $(BENCH_WEB_URL) --employees $(EMPLOYEES)

clean: ## remove the virtual environment and generated files (the demo database too)
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

.PHONY: help install demo demo-engine test test-postgres e2e screenshots api-fuzz check format messages bench bench-import bench-caps bench-spreadsheet bench-company bench-web clean
