# Two commands on a fresh machine: `make demo` and `make test`.
#   make test       ruff, format check, mypy, then every test on SQLite, PostgreSQL and Chromium
#                   (a missing server or browser fails them), in parallel: pytest-xdist, one
#                   worker per core, a throwaway PostgreSQL database per worker.
#   make test-fast  the inner loop: ruff, format check, and the tests that need no PostgreSQL
#                   server, browser or extra process (-m "not postgresql and not browser and
#                   not slow"), in parallel. Run `make test` before committing.
#   make faults     the fault trials in full (tests marked `faults`): 78 SIGKILLs at random
#                   moments of a 50,000-person import on each backend (make test runs 3 on 6,000;
#                   FAULT_TRIALS=N and FAULT_PERSONS=N choose).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast faults lint typecheck unit unit-fast install clean chromium weasyprint-libs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) weasyprint-libs node_modules/axe-core/axe.min.js

demo: $(STAMP) weasyprint-libs
	$(BIN)/accord demo --out build/demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser)
chromium: node_modules/axe-core/axe.min.js
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium chromium-driver)

# axe-core for the accessibility check of every page (tests/browser/test_accessibility.py),
# at the version package-lock.json pins; npm comes with Debian's nodejs
node_modules/axe-core/axe.min.js: package.json package-lock.json
	command -v npm >/dev/null || (apt-get update && apt-get install -y npm)
	npm ci --no-audit --no-fund
	touch $@

# The Debian libraries WeasyPrint loads to draw the PDF documents (Pango, its FreeType backend,
# HarfBuzz's subsetter; GLib, HarfBuzz and fontconfig come with them) and one font
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
weasyprint-libs:
	dpkg -s $(WEASYPRINT_DEBS) >/dev/null 2>&1 || (apt-get update && apt-get install -y $(WEASYPRINT_DEBS))

# --dist loadgroup: tests go to whichever worker is free, except that the browser tests
# (marked xdist_group by tests/conftest.py) share one worker and its one Chromium
XDIST := -n $(or $(PYTEST_WORKERS),auto) --dist loadgroup
FAST := not postgresql and not browser and not slow

unit: $(STAMP) chromium weasyprint-libs
	ACCORD_TEST_REQUIRE_POSTGRES=1 ACCORD_TEST_REQUIRE_BROWSER=1 $(BIN)/pytest $(XDIST)

unit-fast: $(STAMP) weasyprint-libs
	$(BIN)/pytest $(XDIST) -m "$(FAST)"

test: lint typecheck unit

test-fast: lint unit-fast

FAULT_TRIALS ?= 78
FAULT_PERSONS ?= 50000

faults: $(STAMP)
	ACCORD_FAULT_TRIALS=$(FAULT_TRIALS) ACCORD_FAULT_PERSONS=$(FAULT_PERSONS) \
	ACCORD_TEST_REQUIRE_POSTGRES=1 $(BIN)/pytest $(XDIST) -m faults

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
