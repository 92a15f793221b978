"""Check that an annotator's quotes are verbatim (whitespace-normalised) on the page text they cite.

    python checkquote.py TEXT_DIR ANNOTATION.json [ANNOTATION.json ...]

TEXT_DIR holds ``<DOC>/page-NNN.txt``, the text layer of each page (1-based), as given to the annotators; prints
every quote not found on its page (quotes read from a page image, ``from_image``, are skipped).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_text(text_dir: Path, doc: str, page: int) -> str | None:
    path = text_dir / doc / f"page-{page:03d}.txt"
    return norm(path.read_text(encoding="utf-8")) if path.exists() else None


def check(text_dir: Path, path: Path) -> int:
    annotation = json.loads(path.read_text(encoding="utf-8"))
    doc = annotation["file"][:-4]
    items = [(concept, int(page), q["quote"], q.get("from_image", False))
             for concept, cell in annotation["concepts"].items() for page, q in cell.get("pages", {}).items()]
    items += [("target:" + t["concept"], int(t["page"]), t["quote"], t.get("from_image", False))
              for t in annotation.get("targets", [])]
    bad = 0
    for concept, page, quote, image in items:
        text = None if image else page_text(text_dir, doc, page)
        if not image and (text is None or norm(quote) not in text):
            bad += 1
            print(f"NOT FOUND {concept} p{page}: {quote[:100]!r}")
    print(f"{path.name}: {len(items)} quotes checked, {bad} not found")
    return bad


if __name__ == "__main__":
    sys.exit(1 if sum(check(Path(sys.argv[1]), Path(p)) for p in sys.argv[2:]) else 0)
