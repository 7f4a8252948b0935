# Territory Planner: `make run` opens the app on the demo plan, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@scripts/ensure-qt-display-libs.sh
	$(BIN)/planner

lint: $(STAMP)
	$(BIN)/ruff check planner tests bench resources
	$(BIN)/ruff format --check planner tests bench resources
	$(BIN)/mypy planner/models planner/optimise planner/io
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python -m bench

demo: $(STAMP)
	$(BIN)/python resources/make_demo_plan.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
