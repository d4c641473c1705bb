# Two commands on a fresh machine: `make demo`, then `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps build report audience bench evaluate mmm lint clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/install_system_deps.sh

## Build the warehouse from the embedded demo data, then the board pack.
demo: install system-deps
	$(BIN)/growth-ledger demo

build: install
	$(BIN)/growth-ledger build

report: install system-deps
	$(BIN)/growth-ledger report

audience: install
	$(BIN)/growth-ledger audience

## Benchmark: make bench SCALE=large (default demo); results in bench/results/.
bench: install
	$(BIN)/python bench/run.py --scale $(or $(SCALE),demo)

## Intelligence vs the generator's truth on unseen seeds: make evaluate SEEDS=101-105.
evaluate: install
	$(BIN)/growth-ledger evaluate --seeds $(or $(SEEDS),101-105)

## PyMC-Marketing MMM vs the shipped curves vs the truth: make mmm SEEDS=101-103 [VARIANT=quiet]
## [WORK=folder of kept worlds]. pymc-marketing is not a product dependency: it lives in
## its own venv, .venv-mmm (the project's packages + bench/mmm/requirements.txt).
MMM_VENV ?= .venv-mmm
MMM_STAMP := $(MMM_VENV)/.installed

$(MMM_STAMP): $(STAMP) bench/mmm/requirements.txt
	$(BIN)/python -m venv $(MMM_VENV)
	$(MMM_VENV)/bin/python -m pip install --quiet -e .
	$(MMM_VENV)/bin/python -m pip install --quiet -r bench/mmm/requirements.txt
	touch $(MMM_STAMP)

mmm: $(MMM_STAMP)
	GROWTH_LEDGER_THREADS=1 $(MMM_VENV)/bin/python bench/mmm_compare.py \
		--seeds $(or $(SEEDS),101-103) --variant $(or $(VARIANT),quiet) \
		$(if $(WORK),--work $(WORK),)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## The whole test suite: lint, then pytest (which builds real warehouses).
test: install system-deps lint
	$(BIN)/pytest

clean:
	rm -rf warehouse target logs reports/build
