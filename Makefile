# The README's commands. `make demo` and `make test` set up a virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
# make evaluate ENGINE=pdfplumber: the evaluations with another PDF engine (each engine keeps its own store and reports)
ENGINE ?=
EVAL_SUFFIX := $(if $(ENGINE),-$(ENGINE))

.PHONY: setup demo test test-fast lint scan-corpus train evaluate evaluate-dev clean

$(BIN)/ndc-scan: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@

setup: $(BIN)/ndc-scan

## Scan the bundled sample NDCs and write the reports into reports/
demo: setup
	$(BIN)/ndc-scan scan corpora/sample --out reports --store .ndc_scan/demo.sqlite

## Run the test suite
test: setup
	$(BIN)/python -m pytest -q

## The tests without OCR, browsers, terminals, training and whole-document accuracy (about 2 minutes)
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

## Style (ruff) and types (mypy) of the package; the import-structure test is part of make test
lint: setup
	$(BIN)/ruff check ndc_scan tests bench corpora
	$(BIN)/mypy ndc_scan

## Scan the whole shared corpus (178 NDCs) into reports/corpus
scan-corpus: setup
	$(BIN)/ndc-scan scan $(SHARED)/corpora/ndc --out reports/corpus --store .ndc_scan/corpus.sqlite

## Train the passage classifier on the labelled passages into models/ndc-soil (without local review decisions: reproducible)
train: setup
	$(BIN)/ndc-scan train --labels corpora/labels/passages.jsonl --out models/ndc-soil --no-reviews

## Rules, model and combination against the hand labels: passages of the test countries, and the 24 documents read in full
evaluate: setup
	$(BIN)/ndc-scan scan $$(cut -d, -f1 corpora/labels/documents.csv | tail -n +2 | sort -u | sed 's|^|$(SHARED)/corpora/ndc/|') \
	    --out reports/eval$(EVAL_SUFFIX) --store .ndc_scan/eval$(EVAL_SUFFIX).sqlite $(if $(ENGINE),--engine $(ENGINE)) --quiet || true
	$(BIN)/ndc-scan evaluate --store .ndc_scan/eval$(EVAL_SUFFIX).sqlite --out reports/eval$(EVAL_SUFFIX)

## The same on 12 documents of train/dev countries read in full (a second check, not the goal's test set)
evaluate-dev: setup
	$(BIN)/ndc-scan scan $$(cut -d, -f1 corpora/labels/documents_dev.csv | tail -n +2 | sort -u | sed 's|^|$(SHARED)/corpora/ndc/|') \
	    --out reports/eval-dev$(EVAL_SUFFIX) --store .ndc_scan/eval-dev$(EVAL_SUFFIX).sqlite $(if $(ENGINE),--engine $(ENGINE)) --quiet || true
	$(BIN)/ndc-scan evaluate --store .ndc_scan/eval-dev$(EVAL_SUFFIX).sqlite --documents corpora/labels/documents_dev.csv --out reports/eval-dev$(EVAL_SUFFIX)

clean:
	rm -rf $(VENV) .ndc_scan reports/*.csv reports/*.xlsx reports/*.html *.egg-info
