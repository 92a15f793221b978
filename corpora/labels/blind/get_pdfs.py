"""Put the blind set's PDFs in a folder, under the names MANIFEST.csv gives them, checked by SHA-256.

    git clone https://github.com/openclimatedata/indcs
    git clone https://github.com/openclimatedata/national-climate-plans
    python corpora/labels/blind/get_pdfs.py OUT_DIR indcs national-climate-plans
    python corpora/labels/blind/get_pdfs.py --manifest corpora/labels/blind2/MANIFEST.csv OUT_DIR indcs national-climate-plans

Each clone is read at the commit MANIFEST.csv names (``git show COMMIT:PATH``), so later changes to the
repositories do not change the set. Exits 1 naming every file that is missing or whose hash differs.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "MANIFEST.csv"


def main(out: Path, clones: list[Path], manifest: Path = MANIFEST) -> int:
    by_name = {clone.resolve().name: clone for clone in clones}
    out.mkdir(parents=True, exist_ok=True)
    problems = 0
    for row in csv.DictReader(manifest.open(encoding="utf-8")):
        clone = by_name.get(row["source_repo"].split("/")[1])
        if clone is None:
            print(f"{row['file']}: no clone of {row['source_repo']} given", file=sys.stderr)
            problems += 1
            continue
        found = subprocess.run(["git", "-C", str(clone), "show", f"{row['source_commit']}:{row['source_path']}"],
                               capture_output=True, check=False)
        if found.returncode != 0 or hashlib.sha256(found.stdout).hexdigest() != row["sha256"]:
            print(f"{row['file']}: {row['source_path']} at {row['source_commit'][:12]} is missing or differs",
                  file=sys.stderr)
            problems += 1
            continue
        (out / row["file"]).write_bytes(found.stdout)
    print(f"{out}: {sum(1 for _ in out.glob('*.pdf'))} PDFs; {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = MANIFEST
    if arguments[:1] == ["--manifest"]:
        chosen, arguments = Path(arguments[1]), arguments[2:]
    sys.exit(main(Path(arguments[0]), [Path(p) for p in arguments[1:]], chosen))
