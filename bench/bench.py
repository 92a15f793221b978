"""Benchmark: scan throughput, re-scan cost, OCR, memory and scale-out, against bare pdfplumber and pdfium.

Usage:  python bench/bench.py [FOLDER] [--out bench/results.json]
        python bench/bench.py --model-only STORE        (only (f) and (i), into an existing results.json)

Runs every measurement in its own process (so peak memory is that run's) and prints
absolute times, CPU seconds and ratios: ratios from one run are what to compare, and
CPU seconds where the machine is shared (every stage records the load average before
and after it). Scans run as ``ndc-scan scan`` does by default: rules + the shipped model.
Writes results.json and results.md next to --out.

  (a) bare pdfplumber page.extract_text() over every page        (baseline)
  (b) bare pypdfium2 text extraction over every page              (the fast engine's limit)
  (c) ndc-scan scan, first run, --no-ocr like (a) and (b): each engine with 1 and 2 local
      workers, and the default engine on a Dask LocalCluster of 2 worker processes
  (d) re-scan with nothing changed (default engine's store): the same command again (same report folder,
      whose reports are current), and into a new report folder (every report written)
  (e) re-scan after a taxonomy change (one term added)
  (f) tagging + classification alone, passages per second, one core: rules, and rules + model
  (g) peak resident memory of the largest process of each run
  (h) OCR: a scan of the files without a text layer, with OCR, 2 workers: pages per second, concepts found
  (i) training the passage classifier (ndc-scan train) on the labelled passages
  agreement: share of document x concept cells with the same level from both engines
  scaling: pages per second of 1 and 2 workers and of the Dask LocalCluster, extrapolated to the
  NDC registry and to 500,000 pages with 10% scanned (see ``scaling`` for the assumptions)
"""

from __future__ import annotations

import argparse
import json
import os
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
MODEL = ROOT / "models" / "ndc-soil"

# What the scaling estimate extrapolates to (see the README's Performance section).
REGISTRY_PAGES = 25_000           # the whole NDC registry: ~740 documents
LARGE_PAGES = 500_000             # + adaptation plans, long-term strategies, communications, BTRs
LARGE_SCANNED = 0.10              # share of those pages without a text layer
CLUSTER_WORKERS = 20              # one core each
CORE_HOUR_EUR = 0.05              # an on-demand cloud core-hour, order of magnitude (2026)


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


def stage_scan(folder: str, store: str, out: str, jobs: str, engine: str, executor: str = "local", taxonomy: str = "",
               ocr: str = "") -> dict:
    from ndc_scan import scan

    result = scan([folder], out=out, store=store, jobs=int(jobs), engine=engine, ocr=bool(ocr), executor=executor,
                  taxonomy=taxonomy or None, model=MODEL)
    figures = {"documents": len(result.documents), "extracted": result.extracted, "reused": result.reused,
               "tagged": result.retagged, "carried": result.carried, "failures": len(result.failures), "pages": result.summary["pages"],
               "pages_ocr": result.summary["ocr_pages"], "reports_current": result.reports_current}
    if not result.reports_current:       # the tables are built (a scan whose reports are current builds none)
        found = result.tables.coverage[result.tables.coverage["level"].fillna(0) > 0]
        figures["concepts_found"] = sorted(f"{r.document}:{r.concept}:{int(r.level)}" for r in found.itertuples())
    return figures


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
    classifiers = {"rules": RuleClassifier, "hybrid": lambda: HybridClassifier(load_model(MODEL))}
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


def stage_train() -> dict:
    """(i) ndc-scan train on corpora/labels/passages.jsonl, into a temporary folder."""
    from ndc_scan.learn.train import train

    with tempfile.TemporaryDirectory() as folder:
        cpu = time.process_time()
        result = train(ROOT / "corpora" / "labels" / "passages.jsonl", Path(folder) / "m")
        return {"train_seconds": round(result.seconds, 1), "cpu_seconds": round(time.process_time() - cpu, 1),
                "passages": sum(result.model.card["training_data"]["passages"].values())}


STAGES = {"train": stage_train, "plumber": stage_plumber, "pdfium": stage_pdfium, "scan": stage_scan,
          "tagging": stage_tagging}


def run_stage() -> None:
    sys.path.insert(0, str(ROOT))        # the checkout's ndc_scan, installed or not
    name, args = sys.argv[2], sys.argv[3:]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    result = STAGES[name](*args)
    result["seconds"] = round(time.perf_counter() - started, 2)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_seconds"] = round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 1)
    result["own_cpu_seconds"] = round(own.ru_utime + own.ru_stime, 1)      # the scan process itself: writing, reports
    result["peak_rss_mb"] = round(max(own.ru_maxrss, children.ru_maxrss) / 1024, 1)
    result["load"] = [round(load, 2), round(os.getloadavg()[0], 2)]
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


def scanned_folder(folder: str, store: str, work: Path) -> Path:
    """A folder of links to the files whose every page had no text layer in ``store``."""
    from ndc_scan.store import Store

    with Store(store, create=False) as db:
        names = sorted(row["file_name"] for row in db.document_rows(db.document_ids()).values()
                       if row["pages_no_text"] >= row["n_pages"])
    target = work / "scanned"
    target.mkdir()
    for name in names:
        (target / name).symlink_to(Path(folder) / name)
    return target


def scaling(r: dict) -> dict:
    """Time and cost to scan the NDC registry and 500,000 pages (10% scanned), on a laptop and a 20-worker cluster.

    Assumptions: text pages cost what this corpus's pages cost with the default engine (pages per
    CPU second of the 2-worker scan); scanned pages cost what OCR of this corpus's scanned pages
    cost (pages per CPU second, Tesseract included); work spreads evenly over workers (files are
    given out largest first, each file's OCR pages go to several Tesseracts); a laptop is this
    machine (2 cores, the 2-worker rates measured here); a cluster worker is one core as fast as
    one of these, so 20 workers do 20 / 2 times the 2-worker rate, minus the Dask overhead
    measured here (LocalCluster vs local workers); the client's own work (writing the store and
    the reports: the scan process's CPU seconds here) does not spread and is added whole; the
    cost is core-hours x CORE_HOUR_EUR.
    """
    text_rate = r["c_default_jobs2"]["pages"] / r["c_default_jobs2"]["cpu_seconds"]      # pages per CPU second
    ocr_rate = r["h_ocr"]["pages_ocr"] / r["h_ocr"]["cpu_seconds"]
    laptop_text = r["c_default_jobs2"]["pages"] / r["c_default_jobs2"]["seconds"]        # pages per second, 2 workers
    laptop_ocr = r["h_ocr"]["pages_ocr"] / r["h_ocr"]["seconds"]
    dask_overhead = r["c_default_dask2"]["seconds"] / r["c_default_jobs2"]["seconds"]
    client = r["c_default_jobs2"]["own_cpu_seconds"] / r["c_default_jobs2"]["pages"]      # CPU seconds per page
    estimates = {}
    for name, pages, scanned in (("NDC registry", REGISTRY_PAGES, 0.01), ("500,000 pages", LARGE_PAGES, LARGE_SCANNED)):
        text, ocr = pages * (1 - scanned), pages * scanned
        laptop_hours = (text / laptop_text + ocr / laptop_ocr) / 3600
        cluster_hours = ((text / laptop_text + ocr / laptop_ocr) * dask_overhead * 2 / CLUSTER_WORKERS + pages * client) / 3600
        core_hours = (text / text_rate + ocr / ocr_rate) / 3600 * dask_overhead
        estimates[name] = {"pages": pages, "scanned_share": scanned, "laptop_hours": round(laptop_hours, 2),
                           "cluster_hours": round(cluster_hours, 2), "core_hours": round(core_hours, 1),
                           "cluster_cost_eur": round(core_hours * CORE_HOUR_EUR, 2)}
    return {"text_pages_per_cpu_second": round(text_rate, 1), "ocr_pages_per_cpu_second": round(ocr_rate, 3),
            "client_cpu_seconds_per_page": round(client, 4),
            "pages_per_second": {"1 worker": round(r["c_default_jobs1"]["pages"] / r["c_default_jobs1"]["seconds"], 1),
                                 "2 workers": round(laptop_text, 1),
                                 "Dask LocalCluster, 2 workers": round(r["c_default_dask2"]["pages"] / r["c_default_dask2"]["seconds"], 1),
                                 "OCR, 2 workers": round(laptop_ocr, 2)},
            "estimates": estimates, "core_hour_eur": CORE_HOUR_EUR}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
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
    sys.path.insert(0, str(ROOT))
    from ndc_scan import ScanOptions

    default = ScanOptions().engine
    folder = str(Path(options.folder).resolve())
    work = Path(tempfile.mkdtemp(prefix="ndc-bench-"))
    results: dict = {"folder": folder, "machine": {"cores": os.cpu_count(),
                     "processor": platform.processor() or platform.machine(), "python": platform.python_version()},
                     "date": time.strftime("%Y-%m-%d %H:%M"), "default_engine": default}
    try:
        results["a_plumber"] = measure("plumber", folder)
        results["b_pdfium"] = measure("pdfium", folder)
        for engine in ("pdfplumber", default):
            for jobs in (1, 2):
                name = f"{engine}-j{jobs}"
                key = f"c_{'default' if engine == default else engine}_jobs{jobs}"
                results[key] = measure("scan", folder, str(work / f"{name}.sqlite"), str(work / name), str(jobs), engine)
        results["c_default_dask2"] = measure("scan", folder, str(work / "dask.sqlite"), str(work / "dask"), "2",
                                             default, "dask")
        store = str(work / f"{default}-j2.sqlite")
        # The same command again: same store, same report folder (whose reports are then current).
        results["d_rescan"] = measure("scan", folder, store, str(work / f"{default}-j2"), "2", default)
        results["d_rescan_new_folder"] = measure("scan", folder, store, str(work / "d"), "2", default)
        taxonomy = work / "taxonomy.csv"
        taxonomy.write_text((ROOT / "ndc_scan" / "data" / "taxonomy.csv").read_text(encoding="utf-8")
                            + "soil_carbon,en,alternative,carbon in farm soils,benchmark term\n", encoding="utf-8")
        results["e_rescan_taxonomy"] = measure("scan", folder, store, str(work / "e"), "2", default, "local",
                                               str(taxonomy))
        results["f_tagging"] = tagging(store)
        results["agreement"] = agreement(work / "pdfplumber-j2", work / f"{default}-j2")
        scanned = scanned_folder(folder, store, work)
        results["h_ocr"] = measure("scan", str(scanned), str(work / "ocr.sqlite"), str(work / "ocr"), "2",
                                   default, "local", "", "ocr")
        results["i_train"] = measure("train")
        results["scaling"] = scaling(results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    table = markdown(results)
    out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)


def markdown(r: dict) -> str:
    base, fast = r["a_plumber"]["seconds"], r["b_pdfium"]["seconds"]
    first = r["c_pdfplumber_jobs1"]["seconds"]
    rows = [("(a) bare pdfplumber extract_text", r["a_plumber"]), ("(b) bare pypdfium2 text", r["b_pdfium"]),
            ("(c) scan --engine pdfplumber --jobs 1", r["c_pdfplumber_jobs1"]),
            ("(c) scan --engine pdfplumber --jobs 2", r["c_pdfplumber_jobs2"]),
            (f"(c) scan --engine {r['default_engine']} --jobs 1", r["c_default_jobs1"]),
            (f"(c) scan --engine {r['default_engine']} --jobs 2", r["c_default_jobs2"]),
            (f"(c) scan --engine {r['default_engine']} --executor dask (LocalCluster, 2 workers)", r["c_default_dask2"]),
            ("(d) re-scan, nothing changed (same report folder)", r["d_rescan"]),
            ("(d) re-scan, nothing changed, reports into a new folder", r["d_rescan_new_folder"]),
            ("(e) re-scan after a taxonomy change", r["e_rescan_taxonomy"]),
            ("(h) OCR scan of the scanned NDCs, --jobs 2", r["h_ocr"])]
    lines = [f"Corpus: {r['folder']} ({r['a_plumber']['pages']} pages); machine: {r['machine']}; {r['date']}; "
             f"default engine: {r['default_engine']}", "",
             "| run | seconds | CPU seconds | × (a) | × (b) | peak memory (MB) | load before, after |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {label} | {v['seconds']} | {v.get('cpu_seconds', '')} | {v['seconds'] / base:.3f} | "
              f"{v['seconds'] / fast:.1f} | {v['peak_rss_mb']} | {v.get('load', '')} |" for label, v in rows]
    f, h, agree, s = r["f_tagging"], r["h_ocr"], r["agreement"], r["scaling"]
    hybrid = f.get("hybrid")
    jobs2 = r["c_default_jobs2"]["seconds"]
    lines += ["",
              f"(d) re-scan: {r['d_rescan']['seconds'] / first:.1%} of a first pdfplumber scan at --jobs 1, "
              f"{r['d_rescan']['seconds'] / jobs2:.1%} of a first {r['default_engine']} scan at --jobs 2; "
              f"(e): {r['e_rescan_taxonomy']['seconds'] / first:.1%} and {r['e_rescan_taxonomy']['seconds'] / jobs2:.1%}",
              f"Dask LocalCluster / local workers, both 2: {r['c_default_dask2']['seconds'] / jobs2:.2f}",
              f"(f) tagging + classification alone: rules {f['passages_per_second']} passages/s "
              f"({f['passages']} passages in {f['tag_seconds']} s, one core)"
              + (f"; rules + model {hybrid['passages_per_second']} passages/s ({hybrid['seconds']} s); per CPU second: "
                 f"rules {f['passages_per_cpu_second']}, rules + model {hybrid['passages_per_cpu_second']}"
                 if hybrid and "passages_per_cpu_second" in hybrid else ""),
              *([f"(i) ndc-scan train: {r['i_train']['train_seconds']} s ({r['i_train']['cpu_seconds']} s of CPU, "
                 f"{r['i_train']['passages']} labelled passages)"] if "i_train" in r else []),
              f"(h) OCR: {h['pages_ocr'] / h['seconds']:.2f} pages/s ({h['pages_ocr']} pages OCR'd of {h['documents']} "
              f"scanned files in {h['seconds']} s, {h['cpu_seconds']} s of CPU); concepts found: "
              f"{', '.join(h['concepts_found']) or 'none'}",
              f"engines: same coverage level in {agree['same_level']} of {agree['cells']} document x concept cells "
              f"({agree['share']:.1%})",
              f"scaling: {json.dumps(s['pages_per_second'])}; text pages per CPU second {s['text_pages_per_cpu_second']}, "
              f"OCR pages per CPU second {s['ocr_pages_per_cpu_second']}"]
    lines += [f"  {name}: {e['pages']:,} pages ({e['scanned_share']:.0%} scanned): laptop {e['laptop_hours']} h, "
              f"{CLUSTER_WORKERS}-worker cluster {e['cluster_hours']} h, {e['core_hours']} core-hours "
              f"(~{e['cluster_cost_eur']} EUR at {s['core_hour_eur']} EUR per core-hour)"
              for name, e in s["estimates"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        run_stage()
    else:
        main()
