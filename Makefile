# The README's commands. `make demo` and `make test` set up a virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
# make evaluate ENGINE=pdfplumber: the evaluations with another PDF engine (each engine keeps its own store and reports)
ENGINE ?=
EVAL_SUFFIX := $(if $(ENGINE),-$(ENGINE))

.PHONY: setup demo serve test test-fast lint scan-corpus train evaluate evaluate-dev evaluate-blind evaluate-blind2 clean

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

## The workbench on the demo's store (run make demo first): http://127.0.0.1:8765/
serve: setup
	$(BIN)/ndc-scan serve --store .ndc_scan/demo.sqlite

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

## Rules, model and combination against the hand labels of the development set: the passages of the dev countries, the
## 24 documents read in full of those countries (documents.csv) with their quantified targets (targets.csv) ->
## reports/eval-dev; the 12 documents of train countries (documents_dev.csv: the model was fitted on passages of them, so
## they score the rules) -> reports/eval-dev-12
DEV_DOCUMENTS := corpora/labels/documents.csv corpora/labels/documents_dev.csv
evaluate: evaluate-dev
evaluate-dev: setup
	$(BIN)/ndc-scan scan $$(cat $(DEV_DOCUMENTS) | cut -d, -f1 | grep -v '^file$$' | sort -u | sed 's|^|$(SHARED)/corpora/ndc/|') \
	    --out reports/eval-dev$(EVAL_SUFFIX) --store .ndc_scan/eval-dev$(EVAL_SUFFIX).sqlite $(if $(ENGINE),--engine $(ENGINE)) \
	    --quiet || true
	$(BIN)/ndc-scan evaluate --store .ndc_scan/eval-dev$(EVAL_SUFFIX).sqlite --documents corpora/labels/documents.csv \
	    --targets corpora/labels/targets.csv --manifest $(SHARED)/corpora/ndc/MANIFEST.csv --out reports/eval-dev$(EVAL_SUFFIX)
	$(BIN)/ndc-scan evaluate --store .ndc_scan/eval-dev$(EVAL_SUFFIX).sqlite --documents corpora/labels/documents_dev.csv \
	    --targets corpora/labels/targets.csv --manifest $(SHARED)/corpora/ndc/MANIFEST.csv --out reports/eval-dev-12$(EVAL_SUFFIX)

## Scan and score a blind set: $(1) its folder under corpora/labels, $(2) the folder of its PDFs -> reports/eval-$(1)
define evaluate_blind_set
	$(BIN)/ndc-scan scan $$(cut -d, -f1 corpora/labels/$(1)/MANIFEST.csv | tail -n +2 | sed 's|^|$(2)/|') \
	    --out reports/eval-$(1) --store .ndc_scan/eval-$(1).sqlite --quiet || true
	$(BIN)/ndc-scan evaluate --store .ndc_scan/eval-$(1).sqlite --documents corpora/labels/$(1)/documents.csv \
	    --targets corpora/labels/$(1)/targets.csv --manifest corpora/labels/$(1)/MANIFEST.csv --out reports/eval-$(1)
endef

## The blind evaluation set (corpora/labels/blind): 52 NDCs of 44 countries in no label file, labelled before any system
## output was seen. Score it once, at the end of a piece of work; never tune on it. BLIND_PDFS: the folder of its PDFs
## (corpora/labels/blind/README.md says where to get them).
BLIND_PDFS ?= ../blind-pdfs
evaluate-blind: setup
	$(call evaluate_blind_set,blind,$(BLIND_PDFS))

## The second blind set (corpora/labels/blind2): 8 NDCs of 4 more countries, labelled after the first was scored, for
## what changed after that scoring. Same rules: score it once. BLIND2_PDFS: the folder of its PDFs.
BLIND2_PDFS ?= ../blind2-pdfs
evaluate-blind2: setup
	$(call evaluate_blind_set,blind2,$(BLIND2_PDFS))

clean:
	rm -rf $(VENV) .ndc_scan reports/*.csv reports/*.xlsx reports/*.html *.egg-info
