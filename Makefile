# dialoog — the two commands of the quick start:
#   make demo   set up, then analyse the sample meetings and compare them (out/demo/)
#   make test   set up, then run the test suite
# Set-up is a local virtual environment in .venv with every optional part.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The CPU build of PyTorch is installed first so that the range in pyproject.toml
# installs nothing more (a plain "torch" may pull a multi-GB CUDA build).
# Users with a GPU: make TORCH_SPEC="torch" (or your own build) …
TORCH_SPEC ?= torch==2.13.0
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: install demo test bench clean samples

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools<81" wheel
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e ".[all]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/dialoog batch data/sample --out out/demo
	$(BIN)/dialoog compare out/demo --out out/demo/compare
	@echo "Open out/demo/<meeting>/report.html and out/demo/compare/compare.html in a browser."

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python benchmarks/bench_ingest_metrics.py

samples: install
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf out .pytest_cache .hypothesis
