# The README's commands. `make demo` and `make test` set up a virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: setup demo test test-fast lint scan-corpus train evaluate evaluate-dev clean

$(BIN)/ndc-scan: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@

setup: $(BIN)/ndc-scan
	@echo "ndc-scan is installed in $(VENV): run it as $(BIN)/ndc-scan, or '. $(BIN)/activate' first to type ndc-scan"

## Scan the bundled sample NDCs and write the reports into reports/
demo: setup
	$(BIN)/ndc-scan scan corpora/sample --out reports --store .ndc_scan/demo.sqlite
	@echo "Open reports/gap_report.html, reports/report.html or reports/report.xlsx; PDF and Word briefs:"
	@echo "  $(BIN)/ndc-scan briefs --store .ndc_scan/demo.sqlite --out reports/briefs --format pdf,docx"

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
	    --out reports/eval --store .ndc_scan/eval.sqlite --quiet || true
	$(BIN)/ndc-scan evaluate --store .ndc_scan/eval.sqlite --out reports/eval

## The same on 12 documents of train/dev countries read in full (a second check, not the goal's test set)
evaluate-dev: setup
	$(BIN)/ndc-scan scan $$(cut -d, -f1 corpora/labels/documents_dev.csv | tail -n +2 | sort -u | sed 's|^|$(SHARED)/corpora/ndc/|') \
	    --out reports/eval-dev --store .ndc_scan/eval-dev.sqlite --quiet || true
	$(BIN)/ndc-scan evaluate --store .ndc_scan/eval-dev.sqlite --documents corpora/labels/documents_dev.csv --out reports/eval-dev

clean:
	rm -rf $(VENV) .ndc_scan reports/*.csv reports/*.xlsx reports/*.html *.egg-info
