# The README's commands. `make demo` and `make test` set up a virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: setup demo test scan-corpus evaluate clean

$(BIN)/ndc-scan: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/ndc-scan

## Scan the bundled sample NDCs and write the reports into reports/
demo: setup
	$(BIN)/ndc-scan scan corpora/sample --out reports --store .ndc_scan/demo.sqlite

## Run the test suite
test: setup
	$(BIN)/python -m pytest -q

## Scan the whole shared corpus (178 NDCs) into reports/corpus
scan-corpus: setup
	$(BIN)/ndc-scan scan $(SHARED)/corpora/ndc --out reports/corpus --store .ndc_scan/corpus.sqlite

## Document-level precision/recall against the hand labels
evaluate: setup
	$(BIN)/ndc-scan scan $$(cut -d, -f1 corpora/labels/documents.csv | tail -n +2 | sort -u | sed 's|^|$(SHARED)/corpora/ndc/|') \
	    --out reports/eval --store .ndc_scan/eval.sqlite --quiet || true
	$(BIN)/ndc-scan evaluate corpora/labels/documents.csv --coverage reports/eval/coverage.csv --out reports/eval/evaluation.csv

clean:
	rm -rf $(VENV) .ndc_scan reports/*.csv reports/*.xlsx reports/*.html *.egg-info
