"""Build the blind evaluation set's label files from the annotators' JSON files (one per document).

    python corpora/labels/blind/build.py ANNOTATIONS_DIR [OUT_DIR]

ANNOTATIONS_DIR holds ``A<n>/``, ``B<n>/`` (the two independent annotators of batch n) and ``final/``
(the reconciled labels), one ``<DOC>.json`` per document in the format of ``BRIEF.md``. Writes into OUT_DIR
(default: beside this script; ``corpora/labels/blind2`` for the second set): ``documents.csv`` (document ×
concept, the format of ``documents.csv`` one folder up), ``pages.csv`` (document × concept × page with the
level and a quote), ``targets.csv`` (every quantified target) and ``agreement.json`` (agreement of the two
annotators before reconciliation, per concept), and copies the JSON files into ``annotations/``.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONCEPTS = ("soil_carbon", "sustainable_land_management", "agroforestry", "conservation_agriculture",
            "grazing_management", "soil_conservation", "soil_fertility", "land_restoration", "peatlands", "wetlands")
LEVEL_NAMES = {0: "absent", 1: "mention", 2: "commitment", 3: "quantified_target"}
GUIDELINE = "concepts.md 2026-11 v1; labelling.md; blind set brief 2026-12-06"
LABELLED_AT = "2026-12-06"


def load(folder: Path) -> dict:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def batches(source: Path) -> list[int]:
    """The batch numbers n with both annotators' folders A<n> and B<n>."""
    return sorted(int(p.name[1:]) for p in source.glob("A*") if p.name[1:].isdigit() and (source / f"B{p.name[1:]}").is_dir())


def agreement(source: Path) -> dict:
    cells, targets_a, targets_b = [], set(), set()
    for batch in batches(source):
        first, second = load(source / f"A{batch}"), load(source / f"B{batch}")
        for doc, a in first.items():
            b = second[doc]
            for c in CONCEPTS:
                cells.append((doc, c, a["concepts"][c], b["concepts"][c]))
            targets_a |= {_target_key(doc, t) for t in a.get("targets", [])}
            targets_b |= {_target_key(doc, t) for t in b.get("targets", [])}
    result = {"documents": len({c[0] for c in cells}), "per_concept": {}}
    for concept in (*CONCEPTS, "all"):
        chosen = [c for c in cells if concept in ("all", c[1])]
        x = [c[2]["level"] > 0 for c in chosen]
        y = [c[3]["level"] > 0 for c in chosen]
        pages_a = {(c[0], c[1], p) for c in chosen for p in c[2]["pages"]}
        pages_b = {(c[0], c[1], p) for c in chosen for p in c[3]["pages"]}
        result["per_concept"][concept] = {
            "cells": len(chosen), "present_A": sum(x), "present_B": sum(y),
            "document_f1": _round(_f1(x, y)), "kappa": _round(_kappa(x, y)),
            "level_exact": _round(sum(c[2]["level"] == c[3]["level"] for c in chosen) / len(chosen)),
            "level_within_one": _round(sum(abs(c[2]["level"] - c[3]["level"]) <= 1 for c in chosen) / len(chosen)),
            "page_f1": _round(2 * len(pages_a & pages_b) / (len(pages_a) + len(pages_b))) if pages_a or pages_b else 1.0,
        }
    both = targets_a & targets_b
    result["targets"] = {"A": len(targets_a), "B": len(targets_b), "both": len(both),
                         "f1": _round(2 * len(both) / (len(targets_a) + len(targets_b)))}
    return result


def _target_key(doc: str, t: dict) -> tuple:
    return (doc, t["concept"], float(t["value"]), t.get("unit"), t.get("year"))


def _f1(x: list, y: list) -> float:
    tp = sum(a and b for a, b in zip(x, y))
    return 2 * tp / (sum(x) + sum(y)) if sum(x) + sum(y) else 1.0


def _kappa(x: list, y: list) -> float:
    n = len(x)
    observed = sum(a == b for a, b in zip(x, y)) / n
    pa, pb = sum(x) / n, sum(y) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def _round(value: float) -> float:
    return round(value, 3)


def main(source: Path, out: Path = HERE) -> None:
    final = load(source / "final")
    documents, pages, targets = [], [], []
    for _doc, label in sorted(final.items()):
        for concept in CONCEPTS:
            cell = label["concepts"][concept]
            by_page = sorted(((int(p), q) for p, q in cell["pages"].items()), key=lambda item: item[0])
            best = max(by_page, key=lambda item: (item[1]["level"], -item[0]), default=None)
            documents.append({
                "file": label["file"], "concept": concept, "level": cell["level"],
                "level_name": LEVEL_NAMES[cell["level"]], "pages": ";".join(str(p) for p, _ in by_page),
                "quote": best[1]["quote"] if best else "", "note": cell.get("note", ""),
                "labeller": "two blind annotators (A, B), reconciled by a third", "labelled_at": LABELLED_AT,
                "guideline": GUIDELINE})
            for page, quote in by_page:
                pages.append({"file": label["file"], "concept": concept, "page": page, "level": quote["level"],
                              "quote": quote["quote"], "from_image": bool(quote.get("from_image", False))})
        for t in label.get("targets", []):
            targets.append({"file": label["file"], "concept": t["concept"], "page": t["page"], "value": t["value"],
                            "unit": t["unit"], "year": "" if t.get("year") is None else t["year"],
                            "conditional": "" if t.get("conditional") is None else str(bool(t["conditional"])).lower(),
                            "quote": t["quote"], "from_image": bool(t.get("from_image", False))})
    _write(out / "documents.csv", documents)
    _write(out / "pages.csv", pages)
    _write(out / "targets.csv", targets)
    (out / "agreement.json").write_text(json.dumps(agreement(source), indent=1) + "\n", encoding="utf-8")
    if source.resolve() == (out / "annotations").resolve():
        return                                      # rebuilt from the copies already beside it
    for name in ("final", *(f"{s}{i}" for s in "AB" for i in batches(source))):
        shutil.copytree(source / name, out / "annotations" / name, dirs_exist_ok=True)


def _write(path: Path, rows: list) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else HERE)
