"""Draw the passages to label for the learned classifier (reproducible: seeded).

Usage: python corpora/labels/sample_passages.py STORE.sqlite OUT_DIR [BATCHES]
       python corpora/labels/sample_passages.py --cue-round STORE.sqlite OUT_DIR [BATCHES]

STORE is a store written by ``ndc-scan scan ../shared/corpora/ndc``. Per document it takes
passages the rules tagged (positives and their confusions), passages without tags that hold a
hard-negative cue (forests, livestock, fertiliser, coastal erosion, carbon sinks, water supply),
and a few random passages. Batches keep whole documents together, so an annotator has context.

``--cue-round`` (round 2, 2026-11-30) draws what the first round lacked: passages the rules did
not tag that hold a soil or land cue word (soil, land, pasture, carbon, erosion, wetland… in six
languages), where paraphrases the taxonomy misses hide. Only documents of the train and dev
countries of passages.jsonl are used, so the test countries stay exactly as they were, and passages
already labelled are skipped. Up to CUE_PER_DOC per document.
"""

import json
import random
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

SEED = 20261124
HARD_NEGATIVE = re.compile(
    r"forest|reforest|afforest|livestock|cattle|enteric|manure|fertili[sz]er|n2o|coastal|shoreline|carbon sink|"
    r"sequestr|water supply|irrigation|drainage|forêt|reboisement|élevage|bétail|engrais|côti|puits de carbone|"
    r"bosque|reforest|ganad|fertilizante|coster|sumidero|riego|лес|скот|удобрен|поглощ|غاب|ماشية|أسمدة|ساحل",
    re.IGNORECASE)
PER_DOC = {"tagged": 10, "hard": 6, "random": 3}
CUE = re.compile(
    r"soil|\bland\b|lands\b|pastur|grazing|rangeland|carbon|erosion|degrad|compost|manure|tillage|agro|wetland|mangrove|peat|"
    r"\bsols?\b|terres?\b|pâtur|parcours|carbone|érosion|dégrad|fumier|labour|zones? humides?|tourb|"
    r"suelos?|tierras?|pastiz|pastoreo|carbono|erosión|degrad|estiércol|labranza|humedal|turber|solos?\b|terras?\b|"
    r"почв|земел|земл|пастбищ|углерод|эрози|деградац|болот|торф|"
    r"ترب|أراض|اراض|مراع|كربون|تعرية|تدهور|تصحر",
    re.IGNORECASE)
CUE_PER_DOC = 4


def cue_round(store: str, out_dir: str, batches: int = 2) -> None:
    """Round 2: untagged passages with a soil/land cue, from train and dev countries only."""
    rng = random.Random(SEED + 2)
    labelled = [json.loads(line) for line in (Path(__file__).parent / "passages.jsonl").open(encoding="utf-8")]
    done = {item["passage_id"] for item in labelled}
    split = {item["iso3"]: item["split"] for item in labelled}
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    tagged = {r["passage_id"] for r in db.execute("SELECT DISTINCT passage_id FROM predictions")}
    docs = db.execute("SELECT doc_id, file_name, iso3, language FROM documents WHERE pages_no_text < n_pages "
                      "ORDER BY file_name").fetchall()
    chosen = defaultdict(list)
    for doc in docs:
        if split.get(doc["iso3"]) not in ("train", "dev"):
            continue
        rows = db.execute("SELECT passage_id, page_no, heading_path, text, text_hash FROM passages WHERE doc_id=? "
                          "AND kind IN ('paragraph','table') AND length(text) BETWEEN 60 AND 900 ORDER BY page_no, start",
                          (doc["doc_id"],)).fetchall()
        pool = [r for r in rows if r["passage_id"] not in tagged and r["passage_id"] not in done and CUE.search(r["text"])]
        for row in rng.sample(pool, min(CUE_PER_DOC, len(pool))):
            done.add(row["passage_id"])
            chosen[doc["file_name"]].append({
                "passage_id": row["passage_id"], "text_hash": row["text_hash"], "file": doc["file_name"],
                "iso3": doc["iso3"], "language": doc["language"], "page": row["page_no"],
                "heading_path": row["heading_path"], "text": row["text"], "pool": "cue", "split": split[doc["iso3"]]})
    _write(chosen, out_dir, batches)


def main(store: str, out_dir: str, batches: int = 7) -> None:
    rng = random.Random(SEED)
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    docs = db.execute("SELECT doc_id, file_name, iso3, language FROM documents WHERE pages_no_text < n_pages "
                      "ORDER BY file_name").fetchall()
    tagged = {r["passage_id"] for r in db.execute("SELECT DISTINCT passage_id FROM predictions")}
    chosen = defaultdict(list)
    for doc in docs:
        rows = db.execute("SELECT passage_id, page_no, heading_path, text, text_hash FROM passages WHERE doc_id=? "
                          "AND kind IN ('paragraph','table') AND length(text) BETWEEN 60 AND 900 ORDER BY page_no, start",
                          (doc["doc_id"],)).fetchall()
        pools = {"tagged": [r for r in rows if r["passage_id"] in tagged],
                 "hard": [r for r in rows if r["passage_id"] not in tagged and HARD_NEGATIVE.search(r["text"])],
                 "random": [r for r in rows if r["passage_id"] not in tagged]}
        seen = set()
        for pool, n in PER_DOC.items():
            candidates = [r for r in pools[pool] if r["passage_id"] not in seen]
            for row in rng.sample(candidates, min(n, len(candidates))):
                seen.add(row["passage_id"])
                chosen[doc["file_name"]].append({
                    "passage_id": row["passage_id"], "text_hash": row["text_hash"], "file": doc["file_name"],
                    "iso3": doc["iso3"], "language": doc["language"], "page": row["page_no"],
                    "heading_path": row["heading_path"], "text": row["text"], "pool": pool})
    _write(chosen, out_dir, batches)


def _write(chosen: dict, out_dir: str, batches: int) -> None:
    files = sorted(chosen, key=lambda f: (len(chosen[f]), f), reverse=True)
    buckets = [[] for _ in range(batches)]
    for file in files:                        # greedy: whole documents into the lightest batch
        min(buckets, key=len).extend(sorted(chosen[file], key=lambda p: p["page"]))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for i, bucket in enumerate(buckets, start=1):
        with (out / f"to_label_{i}.jsonl").open("w", encoding="utf-8") as handle:
            for item in bucket:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"batch {i}: {len(bucket)} passages, {len({p['file'] for p in bucket})} documents, "
              f"{sum(p['language'] != 'en' for p in bucket)} non-English")


if __name__ == "__main__":
    if sys.argv[1] == "--cue-round":
        cue_round(sys.argv[2], sys.argv[3], *(int(a) for a in sys.argv[4:5]))
    else:
        main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:4]))
