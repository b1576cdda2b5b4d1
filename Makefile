# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint check-imports bench clean system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/accountreview demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# System packages the tests drive, never skipped: Debian's chromium for the browser tests
# (tests/serve) and PostgreSQL's server programs for the hub tests (tests/hub; Debian keeps
# initdb in /usr/lib/postgresql/NN/bin, off PATH, so look there as tests/postgres.py does).
# What is missing is installed here with one `apt-get update` (as root, as in CI), else make
# stops saying what to install.
CHROMIUM := /usr/bin/chromium
HAVE_POSTGRES = { d=$$(pg_config --bindir 2>/dev/null) && [ -x "$$d/initdb" ]; } \
	|| ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null

system-packages:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	$(HAVE_POSTGRES) || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	else \
		echo "make test: the tests need Debian's$$missing: sudo apt-get install -y$$missing" >&2; \
		exit 1; \
	fi

test: lint system-packages
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python tests/bench/bench_cli.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
