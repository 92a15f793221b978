"""Benchmark: server time of the workbench's pages (``ndc-scan serve``) on a store, median and 95th percentile.

Usage:  python bench/workbench.py STORE [--requests 30] [--out bench/workbench_results.json]

Starts ``ndc-scan serve`` on a copy of STORE (decisions made by the review kind stay in the copy) as a child
process on 127.0.0.1, then asks it for each kind of page in turn, one request at a time, each time a different
country, query, passage or review item (so nothing is answered from a cache that a reader would not hit):

  overview   the country x concept matrix with a map, each request another filter, sort or map concept
  country    a country page (documents, levels, quotes, targets, gaps, versions, review status)
  search     a full-text search, queries in six languages
  evidence   an evidence page and its page picture, rendered by PDFium (both requests: one view)
  review     a decision stored and the next item loaded (POST, then the page it leads to)

Wall time is measured by the client on the loopback (it includes well under a millisecond of transport);
CPU time is the server process's (user + system, from /proc; a mean per view, as /proc counts 10 ms ticks),
so a busy machine shows in the first figure and not in the second. Start-up (reading the store and building
the tables) and the first search (building the index) are reported apart. Writes results as JSON and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["soil carbon", '"restauration des terres"', "suelos degradados", "agroforest*", "земель", "الأراضي",
           "sustainable land management", "conservation agriculture", "peatlands OR tourbières", '"carbono orgánico"',
           "erosion", "pâturages", "wetlands", "degradación", "fertilité des sols", "restore hectares",
           "зерно", "الغابات", "mangroves", "biochar", "compost", "reboisement", "riego", "rangeland", "livestock",
           "zaï", "terrazas", "drainage", "soil organic matter", "restauración"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def samples(store: Path, n: int, seed: int = 0) -> dict[str, list]:
    """What to ask for: countries, labelled passages (on distinct pages), overview variants, queries."""
    db = sqlite3.connect(store)
    rng = random.Random(seed)
    countries = [r[0] for r in db.execute("SELECT DISTINCT iso3 FROM documents WHERE iso3 IS NOT NULL ORDER BY iso3")]
    passages = db.execute("""SELECT DISTINCT p.passage_id, p.doc_id, p.page_no, pr.concept FROM predictions pr
                             JOIN passages p ON p.passage_id = pr.passage_id ORDER BY p.passage_id""").fetchall()
    db.close()
    rng.shuffle(passages)
    seen, chosen = set(), []
    for passage_id, doc_id, page_no, concept in passages:
        if (doc_id, page_no) not in seen:
            seen.add((doc_id, page_no))
            chosen.append((passage_id, concept))
        if len(chosen) == n:
            break
    concepts = ["soil_carbon", "land_restoration", "agroforestry", "wetlands", "peatlands", "soil_fertility"]
    views = [f"/?map={concepts[i % len(concepts)]}" + ("&sort=soil_carbon&dir=desc" if i % 3 == 0 else "")
             + ("&level=3&level=2" if i % 4 == 1 else "") + ("&region=Sub-Saharan+Africa" if i % 5 == 2 else "")
             for i in range(n)]
    return {"countries": rng.sample(countries, min(n, len(countries))), "passages": chosen, "views": views,
            "queries": (QUERIES * (n // len(QUERIES) + 1))[:n]}


class Server:
    """``ndc-scan serve`` on a copy of the store, as a child process."""

    def __init__(self, store: Path, folder: Path):
        self.copy = folder / "store.sqlite"
        shutil.copy(store, self.copy)
        self.port = free_port()
        started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, "-m", "ndc_scan", "serve", "--store", str(self.copy),
                                         "--port", str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        self.lines = []
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("the workbench did not start:\n" + "".join(self.lines))
            self.lines.append(line)
            if line.startswith("Open http"):
                break
        self.startup = time.perf_counter() - started
        self.tables = float(re.search(r"in ([\d.]+) s", "".join(self.lines)).group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(100):                                      # uvicorn listens a moment after the line
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def timed(server: Server, client, requests) -> tuple[float, float]:
    """(wall seconds, server CPU seconds) of one view: its requests in turn, each answered 200 (or 303 for a POST).

    A request's path may be a function of the answer before it (the page picture an evidence page shows).
    """
    cpu = cpu_seconds(server.process.pid)
    started = time.perf_counter()
    answer = None
    for method, path, data in requests:
        path = path(answer.text) if callable(path) else path
        answer = client.request(method, server.url + path, data=data)
        if answer.status_code not in (200, 303):
            raise SystemExit(f"{method} {path}: {answer.status_code}\n{answer.text[:500]}")
    return time.perf_counter() - started, cpu_seconds(server.process.pid) - cpu


def page_picture(page: str) -> str:
    return re.search(r'src="(/page/[^"]+\.jpg)"', page).group(1)


def run(store: Path, n: int) -> dict:
    import httpx

    picks = samples(store, n)
    results: dict = {"store": str(store), "requests_per_kind": n, "machine": platform.platform(),
                     "python": platform.python_version(), "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as folder:
        server = Server(store, Path(folder))
        try:
            results["startup_seconds"] = round(server.startup, 2)
            results["tables_seconds"] = server.tables
            client = httpx.Client(timeout=120, follow_redirects=False)
            client.cookies.set("ndc_reviewer", "bench")
            first_search = timed(server, client, [("GET", "/search?q=soil", None)])
            results["first_search_seconds"] = round(first_search[0], 3)           # builds the index
            kinds = {
                "overview": [[("GET", view, None)] for view in picks["views"]],
                "country": [[("GET", f"/country/{iso3}", None)] for iso3 in picks["countries"]],
                "search": [[("GET", "/search?q=" + quote(q), None)] for q in picks["queries"]],
                "evidence": [[("GET", f"/evidence/{pid}?concept={concept}", None), ("GET", page_picture, None)]
                             for pid, concept in picks["passages"]],
            }
            measured: dict[str, dict] = {}
            for kind, views in kinds.items():
                walls, cpus = [], []
                for view in views:
                    wall, cpu = timed(server, client, view)
                    walls.append(wall)
                    cpus.append(cpu)
                measured[kind] = summary(walls, cpus)
            walls, cpus = [], []
            client.get(server.url + "/review")                         # the queue is loaded once per session
            for _ in range(n):
                page = client.get(server.url + "/review").text
                key = re.search(r'id="item" data-key="([^"]+)"', page)
                if key is None:
                    break
                csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
                wall, cpu = timed(server, client, [("POST", "/review/accept", {"csrf": csrf, "key": key.group(1),
                                                                               "next": "/review"}),
                                                   ("GET", "/review", None)])
                walls.append(wall)
                cpus.append(cpu)
            measured["review"] = summary(walls, cpus)
            results["kinds"] = measured
        finally:
            server.close()
    results["load_after"] = os.getloadavg()
    return results


def summary(walls: list[float], cpus: list[float]) -> dict:
    """Wall time per view (median, 95th percentile) and server CPU per view (mean: /proc counts in 10 ms ticks)."""
    return {"requests": len(walls), "median_ms": round(1000 * statistics.median(walls), 1),
            "p95_ms": round(1000 * percentile(walls, 0.95), 1), "cpu_mean_ms": round(1000 * sum(cpus) / len(cpus), 1)}


def markdown(results: dict) -> str:
    lines = [f"Workbench on {results['store']} ({results['requests_per_kind']} requests per kind; load "
             f"{results['load_before'][0]:.1f} before, {results['load_after'][0]:.1f} after; {results['machine']}, "
             f"Python {results['python']})", "",
             "| page | median (ms) | 95th percentile (ms) | server CPU per view, mean (ms) |",
             "| --- | --- | --- | --- |"]
    for kind, r in results["kinds"].items():
        lines.append(f"| {kind} | {r['median_ms']} | {r['p95_ms']} | {r['cpu_mean_ms']} |")
    lines += ["", f"Start-up (store read, tables built): {results['startup_seconds']} s (tables "
                  f"{results['tables_seconds']} s); first search (index built): {results['first_search_seconds']} s."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a store made by ndc-scan scan (copied: the original is not changed)")
    parser.add_argument("--requests", type=int, default=30, help="requests per kind of page")
    parser.add_argument("--out", default=str(ROOT / "bench" / "workbench_results.json"))
    args = parser.parse_args()
    results = run(Path(args.store), args.requests)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    Path(args.out).with_suffix(".md").write_text(markdown(results) + "\n", encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
