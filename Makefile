# Developer entry points. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
YEAR   ?= 2024

.PHONY: install run test lint format snapshot-update samples clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: install  ## score the embedded sample year (out/2024/; an older run is kept as 2024.prev-N)
	$(BIN)/evalgen score $(YEAR)

test: lint  ## lint (ruff, mypy), then the whole test suite
	$(BIN)/pytest -q

.PHONY: test-fast
test-fast: install  ## the tests not marked slow (no whole sample year, documents, subprocess or PDF)
	$(BIN)/pytest -q -m "not slow"

lint: install  ## ruff (check + format check) and mypy on evalgen/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

snapshot-update: install
	$(BIN)/pytest -q --snapshot-update

samples: install  ## regenerate sample_inputs/ (deterministic)
	$(BIN)/python tools/make_samples.py

.PHONY: bench synth
UNITS     ?= 3000
SYNTH_OUT ?= out/synth$(UNITS)

bench: install  ## time and memory against issue 5's targets (minutes; BENCH_ARGS="--skip-3000" for a quick run)
	$(BIN)/python tools/bench.py --units $(UNITS) $(BENCH_ARGS)

synth: install  ## synthetic inputs of any size: make synth UNITS=3000 [SYNTH_OUT=dir]
	$(BIN)/python tools/synth.py --units $(UNITS) --out $(SYNTH_OUT)

# The suite on the newest release of every dependency, in a venv of its own (no constraints),
# then which fast paths that environment takes (evalgen/fastpaths.py). A fast path off there is
# fine: the public path writes the same bytes. On a release not yet tested, the tests comparing
# the two paths force the fast path on: if they pass, its minor version may join `_TESTED`.
LATEST ?= .venv-latest

.PHONY: test-latest
test-latest:  ## the whole suite on the newest dependencies (.venv-latest), then the fast paths
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/pip install --quiet --upgrade pip
	$(LATEST)/bin/pip install --quiet --upgrade -e '.[dev]'
	status=0; $(LATEST)/bin/pytest -q || status=$$?; \
	$(LATEST)/bin/python tools/fast_paths.py; exit $$status

clean:
	rm -rf $(VENV) $(LATEST) out dist build .pytest_cache .ruff_cache .mypy_cache .hypothesis
