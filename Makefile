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

test: install  ## lint, then the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

snapshot-update: install
	$(BIN)/pytest -q --snapshot-update

samples: install  ## regenerate sample_inputs/ (deterministic)
	$(BIN)/python tools/make_samples.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
