# Shopkeeper: `make run` serves the demo portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 5000
export PORTAL_INSTANCE ?= $(CURDIR)/instance
export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: install run test lint bench loadtest translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed  ## create .venv, install, compile translations (idempotent)
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations -f >/dev/null

run: install  ## migrate, seed the demo on an empty database, serve on 127.0.0.1:$(PORT)
	$(BIN)/portal db upgrade
	$(BIN)/portal seed-demo --if-empty
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - "portal:create_app()"

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint  ## the whole suite (SQLite; PostgreSQL with PORTAL_TEST_DATABASE_URL)
	$(BIN)/pytest

bench: install  ## linker and search benchmarks, CrisisLex link rates (figures printed, never asserted)
	$(BIN)/python benchmarks/linker_bench.py
	$(BIN)/python benchmarks/linker_size_bench.py
	$(BIN)/python benchmarks/crisislex_rates.py
	$(BIN)/python benchmarks/search_bench.py
	$(BIN)/python benchmarks/kb_diff_bench.py

loadtest: install  ## bounded load test with PostgreSQL/Redis outages on its own servers (not part of `make test`)
	$(BIN)/python benchmarks/loadtest.py

translations: install  ## re-extract messages and refresh the catalogs from portal/translations/ui.tsv
	$(BIN)/python scripts/i18n.py
	$(BIN)/pybabel compile -d portal/translations

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
