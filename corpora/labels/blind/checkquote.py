"""Check that quotes are verbatim (whitespace-normalised) on the page text.

Usage: python checkquote.py ANNOTATION.json   -> lists every quote not found on its page.
"""
import json, re, sys, pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]

def norm(s):
    return re.sub(r"\s+", " ", s).strip()

def page_text(doc, page):
    p = ROOT / "text" / doc / f"page-{page:03d}.txt"
    return norm(p.read_text()) if p.exists() else None

def main(path):
    ann = json.loads(pathlib.Path(path).read_text())
    doc = ann["file"][:-4]
    bad = 0
    items = []
    for concept, c in ann["concepts"].items():
        for page, q in c.get("pages", {}).items():
            items.append((concept, int(page), q["quote"], q.get("from_image", False)))
    for t in ann.get("targets", []):
        items.append(("target:" + t["concept"], int(t["page"]), t["quote"], t.get("from_image", False)))
    for concept, page, quote, image in items:
        if image:
            continue
        text = page_text(doc, page)
        if text is None or norm(quote) not in text:
            bad += 1
            print(f"NOT FOUND {concept} p{page}: {quote[:100]!r}")
    print(f"{len(items)} quotes checked, {bad} not found")

if __name__ == "__main__":
    for p in sys.argv[1:]:
        main(p)
