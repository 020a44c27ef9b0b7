# Shopkeeper: `make run` serves the demo portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 5000
export PORTAL_INSTANCE ?= $(CURDIR)/instance
export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: install run test lint bench loadtest translations mutate clean

# The compiled catalogs are committed (so `pip install .` needs no build step); a .mo is
# recompiled only when its .po is newer, and the compiler writes byte-identical files, so
# `make install` never changes a tracked file.
CATALOGS = $(patsubst %.po,%.mo,$(wildcard portal/translations/*/LC_MESSAGES/messages.po))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed $(CATALOGS)  ## create .venv, install, compile translations (idempotent)

portal/translations/%/LC_MESSAGES/messages.mo: portal/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/python scripts/i18n.py --compile
	touch $@

run: install  ## migrate, seed the demo on an empty database, serve on 127.0.0.1:$(PORT)
	$(BIN)/portal db upgrade
	$(BIN)/portal seed-demo --if-empty
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - "portal:create_app()"

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint  ## the whole suite (SQLite; PostgreSQL with PORTAL_TEST_DATABASE_URL)
	$(BIN)/pytest

bench: install  ## linker, search, page and dashboard (1M requests, needs PostgreSQL) benchmarks, CrisisLex link rates (figures printed, never asserted)
	$(BIN)/python benchmarks/linker_bench.py
	$(BIN)/python benchmarks/linker_size_bench.py
	$(BIN)/python benchmarks/crisislex_rates.py
	$(BIN)/python benchmarks/context_model_eval.py
	$(BIN)/python benchmarks/linker_holdout.py
	$(BIN)/python benchmarks/corpus_linker_eval.py
	$(BIN)/python benchmarks/sense_eval.py
	$(BIN)/python benchmarks/sense_eval.py --unseen
	$(BIN)/python benchmarks/described_offers_eval.py
	$(BIN)/python benchmarks/search_bench.py
	$(BIN)/python benchmarks/search_relevance_bench.py
	$(BIN)/python benchmarks/kb_diff_bench.py
	$(BIN)/python benchmarks/insights_bench.py
	$(BIN)/python benchmarks/classify_bench.py
	$(BIN)/python benchmarks/pages_bench.py

loadtest: install  ## bounded load test with PostgreSQL/Redis outages on its own servers (not part of `make test`)
	$(BIN)/python benchmarks/loadtest.py

translations: install  ## re-extract messages, rewrite the .po and .mo catalogs from portal/translations/ui*.tsv
	$(BIN)/python scripts/i18n.py

mutate: install  ## break each access/safety rule in a copy of the tree; fails if a test suite does not notice
	$(BIN)/python scripts/mutate.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
