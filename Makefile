# Two commands a newcomer needs (README "Quick start"):
#   make run   create the environment on first use, simulate the reference park,
#              then open the planner app on http://localhost:8501 (Ctrl+C stops it)
#   make test  create the environment on first use, check the import layers, run the test suite
#   make workshop  serve the teaching workshop on this machine's network (port 8502)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
APP    := $(BIN)/streamlit run app.py --server.headless true --browser.gatherUsageStats false

.PHONY: run test bench app workshop screenshots mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/park-twin run scenarios/reference_baseline.yaml --out out/reference_baseline
	$(APP)

test: $(STAMP)
	$(BIN)/lint-imports   # the layer contracts in pyproject.toml (docs/architecture.md)
	$(BIN)/python -m pytest -q

app: $(STAMP)
	$(APP)

workshop: $(STAMP)
	$(BIN)/park-twin workshop

# Mutation testing, outside CI (slow: minutes per module on 2 cores). MUTANTS narrows the run,
# e.g. make mutation MUTANTS='calibration.metrics*'. Modules and tests: [tool.mutmut] in pyproject.toml.
MUTANTS ?=
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,mutation]"
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/python scripts/mutation_report.py --out docs/mutation.md

# Refresh the README's screenshots from the running app (needs Debian's chromium)
screenshots: $(STAMP)
	PARK_TWIN_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_browser.py tests/test_workshop_browser.py -k "not role_play and not restart"

bench: $(STAMP)
	$(BIN)/park-twin bench

clean:
	rm -rf $(VENV) out .pytest_cache mutants
