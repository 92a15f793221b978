"""Worker CPU per page of the fast engine, in-process on one core (issue 15).

Does what a scan's worker does for each file (``work.tasks.perform`` of a ``ReadTask``), but reads
the PDF in this process instead of a child: pdfium engine (or ``--engine pdfplumber``), no OCR, rules + the
shipped model.
Files: every eighth NDC of the corpus (sorted names, from the eighth on: 22 files), or every ``--every``-th
(``--every 1``: all of them).

    python bench/worker_cpu.py [--engine pdfium|pdfplumber] [--profile OUT.prof] [--repeat N] [--every N] [CORPUS]

Prints CPU seconds (time.process_time) of the reading and labelling of all files, and per page.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import time
from pathlib import Path

from ndc_scan.defaults import DEFAULT_MODEL_DIR
from ndc_scan.pipeline import DEFAULT_BAND, _classifier
from ndc_scan.read.pages import prepare, read_pdf
from ndc_scan.read.reader import Reader
from ndc_scan.taxonomy import load_taxonomy
from ndc_scan.work.tasks import ReadTask, WorkContext, perform


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default="/work/shared/corpora/ndc")
    parser.add_argument("--profile")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--every", type=int, default=8)
    parser.add_argument("--engine", choices=("pdfium", "pdfplumber"), default="pdfium")
    args = parser.parse_args()
    files = sorted(Path(args.corpus).glob("*.pdf"))[args.every - 1::args.every]
    tax = load_taxonomy()
    classifier, _ = _classifier(DEFAULT_MODEL_DIR, DEFAULT_BAND, tax)
    engine = args.engine
    context = WorkContext(tax, classifier, Reader(engine=engine))
    prepare(engine)

    class InProcess(Reader):                       # the worker's read, without the child process
        def read(self, path, doc_id):
            return read_pdf(path, doc_id, engine=engine)

    context.reader = InProcess(engine=engine)
    tasks = [ReadTask(i, f, hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_size) for i, f in enumerate(files)]
    for task in tasks:                             # spaCy pipelines (every language) and the model loaded before timing
        perform(task, context)
    best = None
    for _ in range(args.repeat):
        profiler = cProfile.Profile() if args.profile else None
        started = time.process_time()
        if profiler:
            profiler.enable()
        pages = 0
        for task in tasks:
            outcome = perform(task, context)
            pages += len(outcome.pages)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        spent = time.process_time() - started
        best = spent if best is None else min(best, spent)
        print(f"{len(tasks)} files, {pages} pages: {spent:.2f} s CPU, {1000 * spent / pages:.2f} ms per page", flush=True)
    print(f"best {1000 * best / pages:.2f} ms per page")


if __name__ == "__main__":
    main()
