# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit install clean chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/accord demo --out build/demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser)
chromium:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium chromium-driver)

unit: $(STAMP) chromium
	ACCORD_TEST_REQUIRE_POSTGRES=1 ACCORD_TEST_REQUIRE_BROWSER=1 $(BIN)/pytest

test: lint typecheck unit

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
