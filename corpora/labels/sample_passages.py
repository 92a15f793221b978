"""Draw the passages to label for the learned classifier (reproducible: seeded).

Usage: python corpora/labels/sample_passages.py STORE.sqlite OUT_DIR [--batches 7]

STORE is a store written by ``ndc-scan scan ../shared/corpora/ndc``. Per document it takes
passages the rules tagged (positives and their confusions), passages without tags that hold a
hard-negative cue (forests, livestock, fertiliser, coastal erosion, carbon sinks, water supply),
and a few random passages. Batches keep whole documents together, so an annotator has context.
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
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:4]))
