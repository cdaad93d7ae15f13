# Two entry points: `make run` publishes designs/ into output/, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# archgen alone (what `make run` needs), and archgen with the test tools (everything else).
RUNTIME := $(VENV)/.runtime
TOOLS := $(VENV)/.tools

.PHONY: run test pytest integration test-slow test-pythons graphviz browser exports-tools lint gallery fix regen

run: $(RUNTIME) graphviz
	$(BIN)/archgen build designs -o output

# The checks run side by side, and the tests on every core (pytest-xdist, an idle worker
# taking tests queued for a busy one); `pytest` alone runs them one after another. `integration` installs archgen the ways users do (a wheel in
# a fresh venv, pre-commit, MkDocs), so it is slower and runs beside the rest.
test: $(TOOLS) graphviz
	@$(MAKE) --no-print-directory --output-sync=target -j4 lint gallery pytest integration

pytest: $(TOOLS) graphviz
	$(BIN)/pytest -n auto --dist worksteal

integration: $(TOOLS) graphviz browser exports-tools
	$(BIN)/pytest --integration tests/integration

# The property and fuzz tests with many more examples: run before a release, or after touching
# the analysis or the loader.
test-slow: $(TOOLS) graphviz
	$(BIN)/pytest --slow tests/test_failure_property.py tests/test_fuzz.py

# The suite on every other CPython >= 3.11 this machine has, each in its own venv.
test-pythons: graphviz
	scripts/test-pythons

# The gallery lints clean and output/ is what `archgen build` makes of it.
gallery: $(TOOLS) graphviz
	$(BIN)/archgen lint designs
	$(BIN)/archgen build designs -o output --check

lint: $(TOOLS)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Format and apply ruff's safe fixes.
fix: $(TOOLS)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Everything generated from the code: the rule catalogue, the schema beside the gallery, output/.
regen: $(RUNTIME) graphviz
	$(BIN)/python -m archgen.icons
	$(BIN)/python -m archgen.rules.catalogue
	$(BIN)/python tests/fixtures/generate_pictures.py
	$(BIN)/archgen rules --markdown > docs/rules.md
	$(BIN)/python -m archgen.analysis.figures > docs/availability.md
	$(BIN)/archgen schema > designs/archgen.schema.json
	$(BIN)/archgen schema --markdown > docs/spec.md
	$(BIN)/archgen build designs -o output
	$(BIN)/archgen docs tests/fixtures/docs/shop.yaml -o tests/fixtures/docs

# The browser tests of `archgen serve` drive Debian's chromium through chromium-driver (selenium).
browser:
	@command -v chromedriver >/dev/null && command -v chromium >/dev/null \
	  || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver; }

# The tools that read the exports back (D2's WASM build, the LikeC4 CLI, mermaid-cli driving
# Debian's chromium), from the npm registry into tests/tools/node_modules; Node.js from apt if missing.
EXPORT_TOOLS := tests/tools/node_modules/.installed
exports-tools: $(EXPORT_TOOLS)
$(EXPORT_TOOLS): tests/tools/package.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	cd tests/tools && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --no-package-lock --silent
	touch $@

# uv (from PyPI) installs in a few seconds what pip takes twenty for; pip is the fallback.
$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv && $(BIN)/uv pip install --quiet --python $(BIN)/python -e . \
	  || $(BIN)/python -m pip install --quiet -e .
	touch $@

$(TOOLS): pyproject.toml $(RUNTIME)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]' || $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The `dot` binary comes from the OS package, not from PyPI; so do the fonts that draw Chinese,
# Japanese and Korean names as glyphs rather than boxes (DejaVu, with Graphviz, draws the rest).
graphviz:
	@command -v dot >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq graphviz; }
	@fc-list :lang=ja family 2>/dev/null | grep -q . \
	  || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-noto-cjk; }
