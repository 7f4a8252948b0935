# Territory Planner: `make run` opens the app on the demo plan, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench demo clean fuzz translations lock calibrate

# constraints.txt pins every dependency to the versions the figures were measured with.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@scripts/ensure-qt-display-libs.sh
	$(BIN)/planner calibrate --if-missing
	$(BIN)/planner

# Time the optimiser's solver here (about 10 s) so that its time limits are seconds on this
# machine; `make run` and `make bench` do it once, this measures again (on a quiet machine).
calibrate: $(STAMP)
	$(BIN)/planner calibrate

lint: $(STAMP)
	$(BIN)/ruff check planner tests bench resources
	$(BIN)/ruff format --check planner tests bench resources
	$(BIN)/mypy planner
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n 2

# Hostile input for a while: corrupt plan files and bad option values through the real
# commands. Ends with the figures: inputs tried, clean successes, clear errors, failures
# (must be 0) and time. FUZZ_EXAMPLES=N sets the examples per test.
fuzz: $(STAMP)
	QT_QPA_PLATFORM=offscreen HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} $(BIN)/python -m pytest -q -p no:warnings tests/fuzz

# After editing planner/ui or a .ts: refresh the .ts sources and compile the .qm files
# (committed; a test fails when one is stale).
translations: $(STAMP)
	$(BIN)/python scripts/translations.py update
	$(BIN)/python scripts/translations.py release

bench: $(STAMP)
	$(BIN)/planner calibrate --if-missing
	$(BIN)/python -m bench

demo: $(STAMP)
	$(BIN)/python resources/make_demo_plan.py

# Newest versions pyproject.toml allows, in a scratch venv, written to constraints.txt (then
# re-run `make test` and the benchmarks: a solver's new version can change plans).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n '/^#/p' constraints.txt; .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf .venv-lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
