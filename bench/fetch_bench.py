"""Time ``ndc-scan fetch`` against a local registry: real NDC PDFs served on 127.0.0.1 under the registry's paths.

    python bench/fetch_bench.py [--files 12] [--rate 0]

Serves the registry catalog rows whose document is in ../shared/corpora/ndc (matched as the citations
match them: party, kind and submission year) with tests/registry_server.py, then runs
``ndc-scan fetch`` (a separate process) twice into a fresh folder: the first run downloads every file,
the second must download nothing. Prints wall time, CPU time of the fetch process, bytes and MB/s.
Loopback only: the figures measure the client's own cost (hashing, writing, rate limiting), not a network.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ndc_scan.aggregate.citations import Catalogs, _read, match  # noqa: E402
from ndc_scan.defaults import DATA_DIR  # noqa: E402
from tests.registry_server import RegistryServer, Route  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "ndc"
REGISTRY = DATA_DIR / "unfccc_ndc_registry_catalog.csv"


def served_rows(limit: int) -> list[tuple[dict, Path]]:
    """Registry rows and the corpus file of each (first ``limit``, in catalog order)."""
    catalog = Catalogs(entries=_read(REGISTRY).entries, hashes={})
    by_url: dict[str, Path] = {}
    with open(CORPUS / "MANIFEST.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found = match(catalog, doc_id=row["sha256"], file_name=row["file"], iso3=row["iso3"], kind=row["kind"],
                          year=int(row["year"]), language=row["language"].split("+")[0])
            if found:
                by_url.setdefault(found[0].url, CORPUS / row["file"])
    with open(REGISTRY, encoding="utf-8", newline="") as handle:
        rows = [(row, by_url[row["encodedAbsUrl"]]) for row in csv.DictReader(handle) if row["encodedAbsUrl"] in by_url]
    return rows[:limit]


def run(args: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ndc_scan", *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"fetch failed ({done.returncode}):\n{done.stderr}")
    return wall, cpu, done.stderr.strip().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--rate", default="0", help="--rate of ndc-scan fetch (requests per second per host)")
    options = parser.parse_args()
    rows = served_rows(options.files)
    server = RegistryServer().start()
    try:
        for row, path in rows:
            server.routes[urlsplit(row["encodedAbsUrl"]).path] = Route(file=path)
        with tempfile.TemporaryDirectory() as work:
            catalog = Path(work) / "catalog.csv"
            with open(catalog, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0][0]))
                writer.writeheader()
                writer.writerows(row for row, _ in rows)
            args = ["fetch", "--catalog", str(catalog), "--out", str(Path(work) / "ndcs"), "--base-url",
                    server.base_url, "--rate", options.rate]
            size = sum(path.stat().st_size for _, path in rows)
            print(f"{len(rows)} registry documents served from {CORPUS} ({size / 2**20:.1f} MB); load {os.getloadavg()}")
            for label in ("first run", "re-run"):
                wall, cpu, summary = run(args)
                print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU  | {summary}")
                if label == "first run":
                    print(f"  {size / wall / 2**20:.1f} MB/s over loopback (including Python start-up)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
