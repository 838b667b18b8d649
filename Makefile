# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test test-live lint install clean-db bench

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate the SQLite database in instance/, load demo data once, serve on :5000
run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## make serve: as in production, on the PostgreSQL of 127.0.0.1:5432 (database created if missing, migrated,
## demo data loaded once) behind gunicorn with gunicorn.conf.py, on 127.0.0.1:$(PORT); logs on stdout
DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/antq
PORT ?= 5000
serve: $(STAMP)
	DATABASE_URL='$(DATABASE_URL)' $(BIN)/python -m workflow.server prepare
	DATABASE_URL='$(DATABASE_URL)' $(BIN)/flask demo --if-empty
	DATABASE_URL='$(DATABASE_URL)' PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

## make test: lint and format check, then the whole test suite (on PostgreSQL too when TEST_DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## make test-live: only the tests against real gunicorn servers, PostgreSQL and Redis (tests/live/)
test-live: $(STAMP)
	$(BIN)/python -m pytest tests/live

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make bench: issue decisions of 1,000 and 10,000 awardees and print 1,000 certificates on a scratch database
BENCH_DB := $(CURDIR)/instance/bench/bench.sqlite3
bench: $(STAMP)
	mkdir -p instance/bench && rm -f $(BENCH_DB)*
	DATABASE_URL=sqlite:///$(BENCH_DB) $(BIN)/flask bench

clean-db:
	rm -f instance/antq.sqlite3*
