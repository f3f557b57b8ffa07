# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Test processes of `make test` (pytest-xdist, one test file per process at a time).
TEST_WORKERS ?= 2

.PHONY: install browser run test lint format bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install  ## API + projections + embedded PostgreSQL + demo data on http://127.0.0.1:8000
	$(BIN)/market serve --demo

browser:  ## Debian's Chromium for tests/browser, when no Chromium is installed
	sh .ci/install-chromium

test: install browser  ## the whole suite on a real PostgreSQL and in Chromium
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=25

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install  ## benchmarks with their raw-PostgreSQL baselines (see README); several minutes
	$(BIN)/python tests/bench/commands.py
	$(BIN)/python tests/bench/projections.py
	$(BIN)/python tests/bench/stream.py
	$(BIN)/python tests/bench/listings.py
	$(BIN)/python tests/bench/fanout.py

screenshots: install browser  ## docs/screenshots/*.png from the real pages over the demo data
	$(BIN)/python -m tests.browser.readme_screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
