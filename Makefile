# Two entry points: `make run` publishes designs/ into output/, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test graphviz lint gallery

run: $(BIN)/archgen graphviz
	$(BIN)/archgen build designs -o output

test: $(BIN)/archgen graphviz lint gallery
	$(BIN)/pytest

# The gallery lints clean and output/ is what `archgen build` makes of it.
gallery: $(BIN)/archgen graphviz
	$(BIN)/archgen lint designs
	$(BIN)/archgen build designs -o output --check

lint: $(BIN)/archgen
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

$(BIN)/archgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The `dot` binary comes from the OS package, not from PyPI.
graphviz:
	@command -v dot >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq graphviz; }
