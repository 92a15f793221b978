"""Benchmark: scan throughput, re-scan cost and memory against bare pdfplumber and pdfium.

Usage:  python bench/bench.py [FOLDER] [--out bench/results.json] [--jobs 1 2]

Runs every measurement in its own process (so peak memory is that run's) and
prints absolute times and ratios against (a), bare pdfplumber: ratios from one
run are what to compare, machines are noisy. Writes results.json and
results.md next to --out.

  (a) bare pdfplumber page.extract_text() over every page        (baseline)
  (b) bare pypdfium2 text extraction over every page              (speed limit)
  (c) ndc-scan scan, first run, per --jobs value (--no-ocr, like a and b)
  (d) re-scan with nothing changed
  (e) re-scan after a taxonomy change (one term added)
  (f) tagging + classification alone, passages per second, one core: rules, and rules + model
  (g) peak resident memory of each run
  (h) OCR pages per second on the files without a text layer
  (i) training the passage classifier (ndc-scan train) on the labelled passages
  pdfium engine: ndc-scan scan --engine pdfium, and the share of document x
  concept cells with the same level as the pdfplumber engine.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "ndc"


# ----------------------------------------------------------------------------- stages (run in a child)

def stage_plumber(folder: str) -> dict:
    import pdfplumber

    pages = 0
    for path in sorted(Path(folder).glob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return {"pages": pages}


def stage_pdfium(folder: str) -> dict:
    import pypdfium2

    pages = 0
    for path in sorted(Path(folder).glob("*.pdf")):
        pdf = pypdfium2.PdfDocument(str(path))
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return {"pages": pages}


def stage_scan(folder: str, store: str, out: str, jobs: str, engine: str, taxonomy: str = "") -> dict:
    from ndc_scan import scan

    result = scan([folder], out=out, store=store, jobs=int(jobs), engine=engine, ocr=False,
                  taxonomy=taxonomy or None)
    return {"documents": len(result.documents), "extracted": result.extracted, "reused": result.reused,
            "tagged": result.retagged, "failures": len(result.failures)}


def stage_tagging(store: str, which: str = "rules,hybrid") -> dict:
    """Passages per second for tagging + classification: rules alone, and rules + the shipped model.

    Run each in its own process (``which``) so both start with spaCy's vocabulary as a scan
    does: the first pass over a text adds its words to the vocabulary and is the slower one.
    """
    from ndc_scan.classify.hybrid import HybridClassifier
    from ndc_scan.classify.model import load_model
    from ndc_scan.classify.rules import RuleClassifier
    from ndc_scan.passages.tag import Tagger
    from ndc_scan.store import Store
    from ndc_scan.taxonomy import load_taxonomy

    tagger = Tagger(load_taxonomy())
    with Store(store) as db:
        docs = db.document_rows(db.document_ids()).values()
        batches = [(d["language"], db.tagged_passages(d["doc_id"])) for d in docs]
    for lang in {lang for lang, _ in batches}:
        tagger._pipeline(lang)                      # load every language's matcher before timing
    result = {}
    classifiers = {"rules": RuleClassifier, "hybrid": lambda: HybridClassifier(load_model(ROOT / "models" / "ndc-soil"))}
    for name in which.split(","):
        classifier = classifiers[name]()
        started, cpu, n, labels = time.perf_counter(), time.process_time(), 0, 0
        for lang, passages in batches:
            labels += len(classifier.predict_many(passages, tagger.tag(passages, lang)))
            n += len(passages)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # Per CPU second as well: the loop is single-threaded, and CPU time does not count the
        # time other processes take the core away (wall-clock figures drop on a busy machine).
        result[name] = {"passages": n, "labels": labels, "seconds": round(seconds, 2),
                        "passages_per_second": round(n / seconds), "cpu_seconds": round(cpu, 2),
                        "passages_per_cpu_second": round(n / cpu)}
    return result


def stage_ocr(store: str, folder: str) -> dict:
    import pypdfium2

    from ndc_scan.read import ocr
    from ndc_scan.store import Store

    with Store(store) as db:
        scanned = [row for row in db.document_rows(db.document_ids()).values()
                   if row["pages_no_text"] >= row["n_pages"]]
    started, pages = time.perf_counter(), 0
    for row in scanned:
        pdf = pypdfium2.PdfDocument(str(Path(folder) / row["file_name"]))
        for page in pdf:
            ocr.read_page(page, ocr.OcrSettings())
            pages += 1
        pdf.close()
    seconds = time.perf_counter() - started
    return {"files": len(scanned), "pages": pages, "ocr_seconds": round(seconds, 1),
            "pages_per_second": round(pages / seconds, 3) if seconds else None}


def stage_train() -> dict:
    """(i) ndc-scan train on corpora/labels/passages.jsonl, into a temporary folder."""
    from ndc_scan.learn.train import train

    with tempfile.TemporaryDirectory() as folder:
        cpu = time.process_time()
        result = train(ROOT / "corpora" / "labels" / "passages.jsonl", Path(folder) / "m")
        return {"train_seconds": round(result.seconds, 1), "cpu_seconds": round(time.process_time() - cpu, 1),
                "passages": sum(result.model.card["training_data"]["passages"].values())}


STAGES = {"train": stage_train, "plumber": stage_plumber, "pdfium": stage_pdfium, "scan": stage_scan, "tagging": stage_tagging,
          "ocr": stage_ocr}


def run_stage() -> None:
    sys.path.insert(0, str(ROOT))        # the checkout's ndc_scan, installed or not
    name, args = sys.argv[2], sys.argv[3:]
    started = time.perf_counter()
    result = STAGES[name](*args)
    result["seconds"] = round(time.perf_counter() - started, 2)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_rss_mb"] = round(max(own, children) / 1024, 1)
    print(json.dumps(result))


def measure(name: str, *args: str) -> dict:
    print(f"  running {name} {' '.join(a for a in args if not a.startswith('/tmp'))} …", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, __file__, "--stage", name, *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- the benchmark

def tagging(store: str) -> dict:
    """(f), rules and rules + model each measured in a fresh process."""
    rules = measure("tagging", store, "rules")["rules"]
    return {**rules, "tag_seconds": rules["seconds"], "hybrid": measure("tagging", store, "hybrid")["hybrid"]}


def agreement(first: Path, second: Path) -> dict:
    import pandas as pd

    a = pd.read_csv(first / "coverage.csv")[["doc_id", "concept", "level"]]
    b = pd.read_csv(second / "coverage.csv")[["doc_id", "concept", "level"]]
    both = a.merge(b, on=["doc_id", "concept"], suffixes=("_plumber", "_pdfium"))
    same = (both["level_plumber"].fillna(-1) == both["level_pdfium"].fillna(-1))
    return {"cells": len(both), "same_level": int(same.sum()), "share": round(float(same.mean()), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--model-only", metavar="STORE",
                        help="Only measure (f) on the passages of an existing store, and (i) training; update --out.")
    options = parser.parse_args()
    if options.model_only:
        out = Path(options.out)
        results = json.loads(out.read_text(encoding="utf-8"))
        results["f_tagging"] = tagging(options.model_only)
        results["f_tagging"]["date"] = time.strftime("%Y-%m-%d %H:%M")
        results["i_train"] = measure("train")
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")
        out.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
        print(markdown(results))
        return
    folder = str(Path(options.folder).resolve())
    work = Path(tempfile.mkdtemp(prefix="ndc-bench-"))
    results: dict = {"folder": folder, "machine": {"cores": __import__("os").cpu_count(),
                     "processor": platform.processor() or platform.machine(), "python": platform.python_version()},
                     "date": time.strftime("%Y-%m-%d %H:%M")}
    try:
        results["a_plumber"] = measure("plumber", folder)
        results["b_pdfium"] = measure("pdfium", folder)
        for jobs in options.jobs:
            results[f"c_scan_jobs{jobs}"] = measure("scan", folder, str(work / f"j{jobs}.sqlite"), str(work / f"j{jobs}"),
                                                    str(jobs), "pdfplumber")
        first = options.jobs[0]
        store = str(work / f"j{first}.sqlite")
        results["d_rescan"] = measure("scan", folder, store, str(work / "d"), str(first), "pdfplumber")
        taxonomy = work / "taxonomy.csv"
        taxonomy.write_text((ROOT / "ndc_scan" / "data" / "taxonomy.csv").read_text(encoding="utf-8")
                            + "soil_carbon,en,alternative,carbon in farm soils,benchmark term\n", encoding="utf-8")
        results["e_rescan_taxonomy"] = measure("scan", folder, store, str(work / "e"), str(first), "pdfplumber",
                                               str(taxonomy))
        results["f_tagging"] = tagging(store)
        results["pdfium_engine_jobs1"] = measure("scan", folder, str(work / "pdfium.sqlite"), str(work / "pdfium"), "1",
                                                 "pdfium")
        results["pdfium_agreement"] = agreement(work / f"j{first}", work / "pdfium")
        results["h_ocr"] = measure("ocr", store, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    table = markdown(results)
    out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)


def markdown(r: dict) -> str:
    base = r["a_plumber"]["seconds"]
    rows = [("(a) bare pdfplumber extract_text", r["a_plumber"]), ("(b) bare pypdfium2 text", r["b_pdfium"])]
    rows += [(f"(c) ndc-scan scan --jobs {k.rsplit('jobs', 1)[1]}", v) for k, v in r.items() if k.startswith("c_scan")]
    rows += [("(d) re-scan, nothing changed", r["d_rescan"]), ("(e) re-scan after a taxonomy change", r["e_rescan_taxonomy"]),
             ("ndc-scan scan --engine pdfium --jobs 1", r["pdfium_engine_jobs1"])]
    lines = [f"Corpus: {r['folder']} ({r['a_plumber']['pages']} pages); machine: {r['machine']}; {r['date']}", "",
             "| run | seconds | × (a) | peak memory (MB) |", "| --- | --- | --- | --- |"]
    lines += [f"| {label} | {v['seconds']} | {v['seconds'] / base:.3f} | {v['peak_rss_mb']} |" for label, v in rows]
    f, h, agree = r["f_tagging"], r["h_ocr"], r["pdfium_agreement"]
    hybrid = f.get("hybrid")
    lines += ["", f"(f) tagging + classification alone: rules {f['passages_per_second']} passages/s "
                  f"({f['passages']} passages in {f['tag_seconds']} s, one core)"
              + (f"; rules + model {hybrid['passages_per_second']} passages/s ({hybrid['seconds']} s); per CPU second: "
                 f"rules {f['passages_per_cpu_second']}, rules + model {hybrid['passages_per_cpu_second']}"
                 if hybrid and "passages_per_cpu_second" in hybrid else ""),
              *([f"(i) ndc-scan train: {r['i_train']['train_seconds']} s ({r['i_train']['cpu_seconds']} s of CPU, "
                 f"{r['i_train']['passages']} labelled passages)"] if "i_train" in r else []),
              f"(h) OCR: {h['pages_per_second']} pages/s ({h['pages']} pages of {h['files']} scanned files in {h['ocr_seconds']} s)",
              f"pdfium engine vs pdfplumber: same coverage level in {agree['same_level']} of {agree['cells']} "
              f"document x concept cells ({agree['share']:.1%}); pdfium engine / (b) = "
              f"{r['pdfium_engine_jobs1']['seconds'] / r['b_pdfium']['seconds']:.1f}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        run_stage()
    else:
        main()
