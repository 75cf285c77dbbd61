# The two entry points a newcomer needs: `make setup` then `make demo` or `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: setup test test-unit test-long demo bench clean

setup: $(BIN)/harness

$(BIN)/harness: pyproject.toml
	@scripts/check-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

test: setup
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-unit: setup
	$(BIN)/pytest -m "not docker and not integration" $(PYTEST_ARGS)

# The long forms (marker `slow`): fuzzing >= 10,000 requests, 20 SIGINT + 10 SIGKILL interruption
# rounds; their figures go into bench/RESULTS.md ("## Fuzzing and interruption").
test-long: setup
	$(BIN)/pytest -m slow --run-slow $(PYTEST_ARGS)
	$(BIN)/python bench/fuzz.py --rounds-json .harness/interrupt-long.json --write bench/RESULTS.md

# The 3-controller + 1-compute deploy on pseudo-nodes; prints where the artefacts and timeline are.
demo: setup
	$(BIN)/harness image build
	$(BIN)/harness run scenarios/deploy-manual.yaml

clean:
	-$(BIN)/harness down --all
	rm -rf .harness
