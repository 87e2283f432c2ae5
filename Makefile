# tutoria-cms: every set-up step goes through this file.
#   make demo   create .venv, install, migrate, load the demo, print logins, serve on 127.0.0.1:8000
#               (make demo ADDR=127.0.0.1:8101: serve, and point the demo's links, elsewhere)
#   make test   create or reuse .venv, install, run the whole test suite

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
BENCH_STAMP := $(VENV)/.installed-bench-$(shell cksum pyproject.toml | cut -d' ' -f1)
APPS   := $(patsubst %/apps.py,%,$(wildcard tutoria_cms/*/apps.py tutoria_cms/contrib/*/apps.py))
ADDR   ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# One pytest worker more than the machine has cores, each with its own test database: the
# tests wait for a browser, another process or the live server often enough that, on the
# 2-core machine, three workers ran the suite in 797 s and two in 1,016 s (docs/testing.md).
# A module stays on one worker (browser tests share one chromium per module), the longest
# modules first (tests/conftest.py). TEST_WORKERS=0 runs in this process.
# The workers copy a migrated template database (var/test-templates/, docs/testing.md)
# instead of migrating each: TUTORIA_TEST_TEMPLATE_DB=0 turns that off.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print((len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()) + 1)')
BENCH_LOAD_ARGS ?=

.PHONY: demo test test-fast test-sweeps install lint format check messages compile-messages bench bench-load bench-throughput clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=sites.settings.dev $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=sites.settings.dev $(PY) manage.py load_tutoria_demo --addr $(ADDR)
	DJANGO_SETTINGS_MODULE=sites.settings.dev $(PY) manage.py runserver $(ADDR)

test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# The fast tests alone: no browser, no LibreOffice, no suite-wide sweeps (see docs/testing.md).
test-fast: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow" $(PYTEST_ARGS)

# The suite-wide security sweeps alone (marker `sweep`), e.g. on PostgreSQL with DATABASE_URL:
# .ci/run runs them on SQLite only (docs/testing.md).
test-sweeps: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m sweep $(PYTEST_ARGS)

# Templates djhtml indents (the suite's and the example site's).
TEMPLATE_DIRS := $(wildcard tutoria_cms/*/templates tutoria_cms/contrib/*/templates sites/*/templates sites/templates)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $(TEMPLATE_DIRS)

format: $(STAMP)
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .
	$(BIN)/djhtml $(TEMPLATE_DIRS)

check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Rebuild the es and pt_BR catalogues of every app (needs GNU gettext).
messages: $(STAMP)
	@for app in $(APPS) sites; do \
		(cd $$app && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l es -l pt_BR --no-obsolete --add-location file) || exit 1; \
	done

compile-messages: $(STAMP)
	@for app in $(APPS) sites; do \
		(cd $$app && $(CURDIR)/$(PY) $(CURDIR)/manage.py compilemessages) || exit 1; \
	done

bench: $(STAMP)
	$(PY) -m bench

# The load bench: gunicorn + locust against a private PostgreSQL cluster (needs PostgreSQL's
# initdb; apt-get install postgresql). Not part of `make test`: it is a benchmark.
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,postgres,bench]'
	@rm -f $(VENV)/.installed-bench-*
	@touch $(BENCH_STAMP)

bench-load: $(BENCH_STAMP)
	$(PY) -m bench.load $(BENCH_LOAD_ARGS)

# Public pages' requests per second under gunicorn and wrk, uncached and cached, beside
# bakerydemo's blog page (BENCH_THROUGHPUT_ARGS="--bakerydemo PATH"); needs wrk and PostgreSQL.
bench-throughput: $(BENCH_STAMP)
	$(PY) -m bench.throughput $(BENCH_THROUGHPUT_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
