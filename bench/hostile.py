"""Hostile and odd inputs against the real command line: every case in its own process, timed and measured.

Usage:  python bench/hostile.py [--only WORD] [--keep]

Each case builds its inputs in a temporary folder (from the real sample NDCs), runs ``ndc-scan`` as a
subprocess (for permission cases, as root without the capabilities that bypass file permissions; on a
small tmpfs for full-disk cases; both need root), and checks that it was **handled cleanly**:

* no Python traceback, and the exit code is one of the README's table (and the one the case expects);
* no raw control character on the console (escape sequences, bells, bidi overrides);
* the message the case expects (the file named, the problem said);
* finished within its time bound, and the peak resident memory of the run (reader processes included)
  under 3 GB.

Prints one line per case and a summary: cases tried, handled cleanly, left (with the reason). Cases that
need root (permissions, tmpfs) are reported as skipped elsewhere. It takes about 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.fixtures.make_fixtures import pdf_bomb, pdf_with_title  # noqa: E402  (the tests' own PDF makers)

SAMPLE = ROOT / "corpora" / "sample"
GOOD = SAMPLE / "CAN_indc_2015.pdf"
REVIEWED = SAMPLE / "TJK_indc_2015.pdf"        # has labels to review (CAN has none)
FIXTURES = ROOT / "tests" / "fixtures"
CLI = [sys.executable, "-m", "ndc_scan"]
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
MEMORY_BOUND_MB = 3072


@dataclass
class Case:
    name: str
    build: Callable[[Path], list[str]]          # makes the inputs in a folder; returns the command's arguments
    codes: tuple[int, ...]                      # acceptable exit codes
    expect: str = ""                            # a regular expression the output must match
    seconds: float = 180                        # the bound: longer is a hang
    unprivileged: bool = False
    needs_mount: bool = False
    env: dict[str, str] = field(default_factory=dict)      # "{folder}" stands for the case's folder


@dataclass
class Outcome:
    case: Case
    code: Optional[int]
    seconds: float
    peak_mb: float
    problems: list[str] = field(default_factory=list)
    skipped: str = ""


# ----------------------------------------------------------------------------- building inputs


def scan(folder: Path, *paths: object, extra: tuple = ()) -> list[str]:
    return ["scan", *map(os.fsdecode, paths), "--no-ocr", "--rules-only", "--store", str(folder / "s.sqlite"),
            "--out", str(folder / "out"), *extra]


def inputs(folder: Path, *names: bytes, content: Optional[bytes] = None) -> Path:
    """A folder "in" with the good NDC and files of these (byte) names holding ``content`` (None: the good NDC)."""
    target = folder / "in"
    target.mkdir(exist_ok=True)
    shutil.copy(GOOD, target / GOOD.name)
    for name in names:
        with open(os.path.join(bytes(target), name), "wb") as handle:
            handle.write(GOOD.read_bytes() if content is None else content)
    return target


def pdf_bomb_file(path: Path, inflated: int) -> Path:
    path.write_bytes(pdf_bomb(inflated))
    return path


def title_pdf(path: Path, title_utf16: bytes) -> Path:
    path.write_bytes(pdf_with_title(["We will restore 2 million hectares of degraded land by 2030."], title_utf16))
    return path


_STORE: dict[str, Path] = {}


def sample_store(folder: Path) -> Path:
    """A store holding a scan of an NDC with labels, and one decision (for the review cases); made once, copied."""
    if "store" not in _STORE:
        made = Path(tempfile.mkdtemp(prefix="ndc-hostile-store-")) / "s.sqlite"
        run(["scan", str(REVIEWED), "--no-ocr", "--store", str(made), "--out", str(made.parent / "first")], check=True)
        run(["review", "--store", str(made), "--reviewer", "ana", "--all"], stdin="aq", check=True)
        _STORE["store"] = made
    store = folder / "s.sqlite"
    shutil.copy(_STORE["store"], store)
    return store


def backup_line(folder: Path) -> dict:
    store = sample_store(folder)
    run(["review", "export", str(folder / "backup.jsonl"), "--store", str(store)], check=True)
    return json.loads((folder / "backup.jsonl").read_text(encoding="utf-8").splitlines()[0])


def sheet(folder: Path, fmt: str = "xlsx") -> tuple[Path, Path]:
    store = sample_store(folder)
    path = folder / f"sheet.{fmt}"
    run(["review", "export", str(path), "--store", str(store), "--all"], check=True)
    return store, path


def edited_xlsx(folder: Path, **cells: object) -> list[str]:
    from openpyxl import load_workbook

    store, path = sheet(folder)
    book = load_workbook(path)
    header = [c.value for c in book["review"][1]]
    for column, value in cells.items():
        book["review"].cell(2, header.index(column) + 1).value = value
    book.save(path)
    return ["review", "import", str(path), "--store", str(store), "--reviewer", "ben"]


def jsonl(folder: Path, *lines: str) -> list[str]:
    path = folder / "restore.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["review", "import", str(path), "--store", str(folder / "fresh.sqlite")]


def with_line(folder: Path, **changes: object) -> list[str]:
    good = backup_line(folder)
    return jsonl(folder, json.dumps(good), json.dumps({**good, **changes}))


def card(folder: Path, change: Callable[[dict], object]) -> list[str]:
    model = folder / "model"
    shutil.copytree(ROOT / "models" / "ndc-soil", model)
    data = json.loads((model / "card.json").read_text(encoding="utf-8"))
    data = change(data) or data
    (model / "card.json").write_text(json.dumps(data), encoding="utf-8")
    return ["scan", str(GOOD), "--no-ocr", "--model", str(model), "--store", str(folder / "s.sqlite"),
            "--out", str(folder / "out")]


def damaged_store(folder: Path) -> list[str]:
    store = folder / "s.sqlite"
    run(["scan", str(GOOD), "--no-ocr", "--store", str(store), "--out", str(folder / "first")], check=True)
    with sqlite3.connect(store) as db:
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'passages'").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
    with open(store, "r+b") as handle:
        handle.seek((root - 1) * size)
        handle.write(b"\xff" * size)
    return ["scan", str(GOOD), "--no-ocr", "--store", str(store), "--out", str(folder / "out")]


def socket_file(folder: Path) -> list[str]:
    target = inputs(folder)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(target / "sock.pdf"))
    return scan(folder, target)


def symlink_loop(folder: Path) -> list[str]:
    target = inputs(folder)
    (target / "loop").symlink_to(target)
    (target / "gone.pdf").symlink_to(folder / "nowhere.pdf")
    return scan(folder, target)


def locked(folder: Path, what: str) -> list[str]:
    """Inputs that may not be read: an unreadable file, an unreadable sub-folder, or a read-only --out."""
    target = inputs(folder)
    if what == "file":
        (target / "locked.pdf").write_bytes(GOOD.read_bytes() + b"%")
        (target / "locked.pdf").chmod(0o000)
    elif what == "folder":
        (target / "sub").mkdir()
        shutil.copy(SAMPLE / "KEN_indc_2015.pdf", target / "sub" / "KEN_indc_2015.pdf")
        (target / "sub").chmod(0o000)
    out = folder / "out"
    out.mkdir()
    if what == "out":
        out.chmod(0o555)
    return ["scan", str(target), "--no-ocr", "--rules-only", "--store", str(folder / "s.sqlite"), "--out", str(out)]


def full_disk(folder: Path, what: str) -> list[str]:
    disk = folder / "disk"
    disk.mkdir()
    size = "300k" if what == "store" else "64m"
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], check=True)
    files = [str(SAMPLE / n) for n in ("CAN_indc_2015.pdf", "PRY_indc_2015.pdf", "NER_indc_2015.pdf")]
    if what == "store":
        return ["scan", *files, "--no-ocr", "--store", str(disk / "s.sqlite"), "--out", str(folder / "out")]
    (disk / "filler").write_bytes(b"\0" * (shutil.disk_usage(disk).free - 40 * 1024))
    return ["scan", *files, "--no-ocr", "--store", str(folder / "s.sqlite"), "--out", str(disk / "out")]


def xlsx_bomb(folder: Path, spaces: int) -> list[str]:
    store, path = sheet(folder)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/padding.xml", "w", force_zip64=True) as part:
            for _ in range(spaces >> 20):
                part.write(b" " * (1 << 20))
    return ["review", "import", str(path), "--store", str(store), "--reviewer", "ben"]


def laughs_xlsx(folder: Path) -> list[str]:
    store, path = sheet(folder)
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet>&e9;</worksheet>'
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = bomb.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return ["review", "import", str(path), "--store", str(store), "--reviewer", "ben"]


def csv_sheet(folder: Path, transform: Callable[[str], bytes]) -> list[str]:
    store, path = sheet(folder, "csv")
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    header, first = lines[0], lines[1]
    path.write_bytes(transform("\n".join([header, "accept" + first[first.index(","):], *lines[2:]]) + "\n"))
    return ["review", "import", str(path), "--store", str(store), "--reviewer", "ben"]


def to_semicolons(text: str) -> bytes:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


# ----------------------------------------------------------------------------- the cases


#: What a scan says when it is given no document to read.
NO_FILES = r"no PDF, Word, HTML or text files under"


def cases() -> list[Case]:
    big_term = 'soil_carbon,en,alternative,"' + "x" * 1_000_000 + '",\n'
    taxonomy = (ROOT / "ndc_scan" / "data" / "taxonomy.csv").read_text(encoding="utf-8")

    def with_taxonomy(extra: str, encoding: str = "utf-8") -> Callable[[Path], list[str]]:
        def build(folder: Path) -> list[str]:
            (folder / "t.csv").write_bytes((taxonomy + extra).encode(encoding, "replace"))
            return scan(folder, GOOD, extra=("--taxonomy", str(folder / "t.csv")))
        return build

    def with_metadata(content: bytes) -> Callable[[Path], list[str]]:
        def build(folder: Path) -> list[str]:
            (folder / "m.csv").write_bytes(content)
            return scan(folder, GOOD, extra=("--metadata", str(folder / "m.csv")))
        return build

    def named(*names: bytes, content: Optional[bytes] = None) -> Callable[[Path], list[str]]:
        return lambda folder: scan(folder, inputs(folder, *names, content=content))

    def option(*extra: str) -> Callable[[Path], list[str]]:
        return lambda folder: scan(folder, GOOD, extra=extra)

    def one(make: Callable[[Path], Path], *extra: str) -> Callable[[Path], list[str]]:
        return lambda folder: scan(folder, inputs(folder), make(folder), extra=extra)

    return [
        # file names
        Case("non-UTF-8 name, a real NDC", named(b"bad\xff.pdf"), (0,), r"Scanned 1 documents"),
        Case("non-UTF-8 name, zero bytes", named(b"zero\xfe.pdf", content=b""), (3,), r"zero\\xfe\.pdf: is empty"),
        Case("name with terminal escapes", named(b"\x1b]0;PWNED\x07\x1b[2J.pdf", content=b"x"), (3,), r"\\x1b\]0;PWNED\\x07"),
        Case("name with a newline", named(b"two\nlines.pdf", content=b"x"), (3,), r"two\\nlines\.pdf: "),
        Case("name with a carriage return", named(b"ret\rurn.pdf", content=b"x"), (3,), r"ret\\rurn\.pdf"),
        Case("name with a bidi override", named("evil\u202egnp.pdf".encode(), content=b"x"), (3,), r"evil\\u202egnp"),
        Case("name with a bidi isolate", named("iso\u2066late.pdf".encode()), (0,), r"Scanned 1 documents"),
        Case("name of 250 bytes", named(b"n" * 246 + b".pdf"), (0,), r"Scanned 1 documents"),
        Case("name starting with a dash", named(b"-rf.pdf"), (0,), r"Scanned 1 documents"),
        Case("Arabic name", named("ملف.pdf".encode()), (0,), r"Scanned 1 documents"),
        Case("name of a copy, non-UTF-8 and control", named(b"\xe9t\xe9\x07.pdf"), (0,), r"Scanned 1 documents"),
        # what is not a file
        Case("FIFO in a folder", lambda f: (os.mkfifo(inputs(f) / "pipe.pdf"), scan(f, f / "in"))[1], (3,),
             r"pipe\.pdf: is not a regular file \(a FIFO"),
        Case("FIFO as an argument", lambda f: (os.mkfifo(f / "pipe.pdf"), scan(f, GOOD, f / "pipe.pdf"))[1], (3,),
             r"pipe\.pdf: is not a regular file"),
        Case("/dev/zero as an argument", lambda f: scan(f, GOOD, "/dev/zero"), (3,),
             r"/dev/zero: is not a regular file \(a character device"),
        Case("/dev/null as an argument", lambda f: scan(f, GOOD, "/dev/null"), (3,), r"/dev/null: is not a regular file"),
        Case("socket named .pdf", socket_file, (3,), r"sock\.pdf: is not a regular file"),
        Case("broken symlink and a symlink loop", symlink_loop, (3,), r"gone\.pdf: cannot be read \(No such file"),
        Case("folder named x.pdf", lambda f: ((inputs(f) / "x.pdf").mkdir(), scan(f, f / "in"))[1], (0,), r"Scanned 1 documents"),
        Case("folder named x.pdf given", lambda f: ((f / "x.pdf").mkdir(), scan(f, f / "x.pdf"))[1], (2,), NO_FILES),
        Case("empty folder", lambda f: ((f / "e").mkdir(), scan(f, f / "e"))[1], (2,), NO_FILES),
        Case("path that does not exist", lambda f: scan(f, f / "nope"), (2,), r"nope: no such file or folder"),
        Case("glob matching nothing", lambda f: scan(f, str(f / "*.pdf")), (2,), r"no file matches this pattern"),
        # permissions, for real (root without its file-permission capabilities)
        Case("unreadable file", lambda f: locked(f, "file"), (3,), r"locked\.pdf: cannot be read \(Permission denied\)",
             unprivileged=True),
        Case("unreadable sub-folder", lambda f: locked(f, "folder"), (3,), r"sub: is a folder that cannot be read \(Permission denied\)",
             unprivileged=True),
        Case("read-only --out", lambda f: locked(f, "out"), (8,), r"out: cannot be written \(Permission denied\)", unprivileged=True),
        Case("--out under a file", lambda f: ((f / "file").write_text("x"), scan(f, GOOD) + ["--out", str(f / "file" / "r")])[1],
             (8,), r"a part of this path is a file"),
        Case("--out is a file", lambda f: ((f / "file").write_text("x"), scan(f, GOOD) + ["--out", str(f / "file")])[1],
             (2, 8), r"file"),
        # bad PDFs
        Case("PDF inflating to 1 GiB (pdfplumber)", one(lambda f: pdf_bomb_file(f / "bomb.pdf", 1 << 30), "--engine",
                                                         "pdfplumber"), (3,),
             r"bomb\.pdf: uses too much memory \(more than 2 GB\)", seconds=120),
        # PDFium reads it within the default cap of 2 GB since the cap is set as each file arrives (before, the
        # reader's own imports counted against it): under a cap of 1 GB it is stopped.
        Case("PDF inflating to 1 GiB, --max-memory 1G (pdfium)",
             one(lambda f: pdf_bomb_file(f / "bomb.pdf", 1 << 30), "--engine", "pdfium", "--max-memory", "1G"),
             (3,), r"bomb\.pdf: the PDF reader crashed on it .*raise --max-memory", seconds=120),
        Case("PDF inflating to 1 GiB, --max-memory 0 (pdfplumber)",
             one(lambda f: pdf_bomb_file(f / "bomb.pdf", 1 << 30), "--max-memory", "0", "--timeout", "20", "--engine",
                 "pdfplumber"),
             (3,), r"bomb\.pdf: reading took longer than 20 s", seconds=120),
        Case("truncated PDF", named(b"cut.pdf", content=GOOD.read_bytes()[:5000]), (3,), r"cut\.pdf: "),
        Case("random bytes named .pdf", named(b"noise.pdf", content=os.urandom(4000)), (3,), r"noise\.pdf: "),
        Case("HTML named .pdf", named(b"page.pdf", content=b"<!DOCTYPE html><title>404</title>"), (3,), r"is an HTML file"),
        Case("PDF header then garbage", named(b"head.pdf", content=b"%PDF-1.7\n" + os.urandom(3000)), (3,), r"head\.pdf: "),
        Case("unicode.pdf: bidi, astral letters, lone surrogate (pdfplumber)", lambda f: scan(f, FIXTURES / "unicode.pdf"),
             (0,), r"Scanned 1 documents"),
        Case("unicode.pdf: bidi, astral letters, lone surrogate (pdfium)",
             lambda f: scan(f, FIXTURES / "unicode.pdf", extra=("--engine", "pdfium")), (0,), r"Scanned 1 documents"),
        Case("lone surrogate in /Title (pdfplumber)", lambda f: scan(f, title_pdf(f / "t.pdf", b"\xd8\x35\x00A")),
             (0,), r"Scanned 1 documents"),
        Case("lone surrogate in /Title (pdfium)",
             lambda f: scan(f, title_pdf(f / "t.pdf", b"\xd8\x35\x00A"), extra=("--engine", "pdfium")),
             (0,), r"Scanned 1 documents"),
        # options
        Case("--timeout nan", option("--timeout", "nan"), (2,), r"give a number of seconds"),
        Case("--timeout inf", option("--timeout", "inf"), (2,), r"give a number of seconds"),
        Case("--timeout -inf", option("--timeout", "-inf"), (2,), r"--timeout"),
        Case("--timeout 0", option("--timeout", "0"), (2,), r"--timeout"),
        Case("--timeout 1e400", option("--timeout", "1e400"), (2,), r"give a number of seconds"),
        Case("--jobs 10^20", option("--jobs", str(10**20)), (0,), r"note: --jobs 1\d+ is more than 4 per core"),
        Case("--jobs 0", option("--jobs", "0"), (2,), r"--jobs"),
        Case("--jobs -1", option("--jobs", "-1"), (2,), r"--jobs"),
        Case("--max-memory lots", option("--max-memory", "lots"), (2,), r"give a size such as 2G"),
        Case("--max-memory 1K", option("--max-memory", "1K"), (2,), r"give at least 64M"),
        Case("--max-memory 1e99G", option("--max-memory", "1" + "0" * 99 + "G"), (0,), r"Scanned 1 documents"),
        Case("--lang xx", option("--lang", "xx"), (2,), r"--lang 'xx': not one of"),
        Case("--engine foo", option("--engine", "foo"), (2,), r"--engine"),
        Case("--review-band nan,nan", option("--review-band", "nan,nan"), (2,), r"--review-band"),
        Case("--review-band 1,0", option("--review-band", "1,0"), (2,), r"--review-band"),
        # stores
        Case("--store /dev/null", lambda f: scan(f, GOOD)[:-4] + ["--store", "/dev/null", "--out", str(f / "out")], (5,),
             r"/dev/null: is not a regular file"),
        Case("--store a folder", lambda f: scan(f, GOOD)[:-4] + ["--store", str(f), "--out", str(f / "out")], (2,), r"--store"),
        Case("--store a text file", lambda f: ((f / "notes.txt").write_text("notes\n" * 500),
                                               scan(f, GOOD)[:-4] + ["--store", str(f / "notes.txt"), "--out", str(f / "o")])[1],
             (5,), r"is not an ndc_scan store"),
        Case("--store damaged inside a page", damaged_store, (5,), r"is damaged \(database disk image is malformed\)"),
        Case("--store under a file", lambda f: ((f / "file").write_text("x"),
                                                scan(f, GOOD)[:-4] + ["--store", str(f / "file" / "s.sqlite"), "--out", str(f / "o")])[1],
             (5,), r"cannot open the store"),
        Case("store on a full disk", lambda f: full_disk(f, "store"), (5,), r"s\.sqlite: the disk is full", needs_mount=True),
        Case("reports on a full disk", lambda f: full_disk(f, "out"), (8,), r"cannot be written: the disk is full",
             needs_mount=True),
        # taxonomy and metadata
        Case("taxonomy with a 1 MB term", with_taxonomy(big_term), (4,), r"not a readable CSV row \(field larger"),
        Case("taxonomy with an unclosed quote", with_taxonomy('soil_carbon,en,alternative,"soil c,\n'), (4,),
             r"unexpected end of data"),
        Case("taxonomy in cp1252", with_taxonomy("soil_carbon,fr,alternative,carbone \u00e9rod\u00e9,\n", "cp1252"), (4,),
             r"is not UTF-8"),
        Case("taxonomy that is a PDF", lambda f: scan(f, GOOD, extra=("--taxonomy", str(GOOD))), (4,), r"problem"),
        Case("taxonomy empty", lambda f: ((f / "t.csv").write_text(""), scan(f, GOOD, extra=("--taxonomy", str(f / "t.csv"))))[1],
             (4,), r"missing column"),
        Case("metadata with an unclosed quote", with_metadata(b'file,iso3\nCAN_indc_2015.pdf,CAN\n"x.pdf,KEN\n'), (4,),
             r"row 3: not a readable CSV row"),
        Case("metadata with a 1 MB field", with_metadata(b'file,iso3\n"' + b"x" * 1_000_000 + b'",KEN\n'), (4,),
             r"field larger than field limit"),
        Case("metadata that is a PDF", lambda f: scan(f, GOOD, extra=("--metadata", str(GOOD))), (4,), r"metadata"),
        Case("metadata empty", with_metadata(b""), (4,), r"header"),
        Case("metadata in cp1252", with_metadata("file,country\nCAN_indc_2015.pdf,Canad\u00e1\n".encode("cp1252")), (4,),
             r"not UTF-8"),
        # model card
        Case("card gates not numbers", lambda f: card(f, lambda c: c["gates"]["wetlands"].update(veto="high")), (7,),
             r"gates\.wetlands: veto must be a number"),
        Case("card calibration not numbers", lambda f: card(f, lambda c: c["calibration"].update(soil_carbon="x")), (7,),
             r"calibration\.soil_carbon"),
        Case("card gates missing a concept", lambda f: card(f, lambda c: c["gates"].pop("peatlands") and None), (7,), r"gates\.peatlands"),
        Case("card is a list", lambda f: card(f, lambda c: [c]), (7,), r"is not a JSON object"),
        Case("card versions not an object", lambda f: card(f, lambda c: c.update(versions=[])), (7,), r"versions: must be dict"),
        # review: decisions backups
        Case("backup: note is a list", lambda f: with_line(f, note=["a"]), (4,), r"line 2: note must be a text"),
        Case("backup: reviewer null", lambda f: with_line(f, reviewer=None), (4,), r"line 2: reviewer must be a text"),
        Case("backup: level true", lambda f: with_line(f, level=True), (4,), r"line 2: level must be a whole number"),
        Case("backup: level 1e400", lambda f: jsonl(f, json.dumps(backup_line(f))[:-1] + ', "page": 1e400}'), (4,), r"page"),
        Case("backup: 200,000-deep array", lambda f: jsonl(f, json.dumps(backup_line(f)), "[" * 200_000), (4,),
             r"line 2: nested too deeply"),
        Case("backup: a JSON list line", lambda f: jsonl(f, "[1, 2]"), (4,), r"not a JSON object"),
        Case("backup: unknown field", lambda f: with_line(f, colour="red"), (4,), r"unknown field\(s\) 'colour'"),
        Case("backup: 5 MB note", lambda f: with_line(f, note="n" * 5_000_000), (0,), r"Restored 2 decision"),
        Case("backup: 5 MB reviewer", lambda f: with_line(f, reviewer="r" * 5_000_000), (4,), r"5,000,000 characters"),
        Case("backup: not UTF-8", lambda f: ((f / "b.jsonl").write_bytes(b"\xff\xfe{}\n"),
                                              ["review", "import", str(f / "b.jsonl"), "--store", str(f / "x.sqlite")])[1],
             (4,), r"cannot be read"),
        Case("backup: empty", lambda f: jsonl(f, ""), (0,), r"Restored 0 decision"),
        # review: sheets
        Case("sheet: formula cell", lambda f: edited_xlsx(f, decision='=IF(1,"accept","")'), (4,), r"holds a formula"),
        Case("sheet: 5 MB reviewer cell", lambda f: edited_xlsx(f, decision="accept", reviewer="r" * 5_000_000), (4,),
             r"32,767 characters\) is not a usable name"),
        Case("sheet: a bidi override in a note", lambda f: edited_xlsx(f, decision="accept", note="\u202eevil"), (0,),
             r"Imported 1 decision"),
        Case("sheet: xlsx unpacking to 2 GiB of spaces", lambda f: xlsx_bomb(f, 2 << 30), (4,), r"unpacks to 2,0\d\d MB",
             seconds=240),
        Case("sheet: billion laughs in the sheet XML", laughs_xlsx, (4,), r"cannot be read as xlsx"),
        Case("sheet: a PDF renamed .xlsx", lambda f: ((f / "x.xlsx").write_bytes(GOOD.read_bytes()),
                                                      ["review", "import", str(f / "x.xlsx"), "--store", str(sample_store(f)),
                                                       "--reviewer", "ben"])[1], (4,), r"not an xlsx workbook"),
        Case("sheet: an XML renamed .xlsx", lambda f: ((f / "x.xlsx").write_bytes(b'<?xml version="1.0"?><!DOCTYPE a '
                                                                                   b'[<!ENTITY b "c">]><a>&b;</a>'),
                                                      ["review", "import", str(f / "x.xlsx"), "--store", str(sample_store(f)),
                                                       "--reviewer", "ben"])[1], (4,), r"not an xlsx workbook"),
        Case("sheet: ';'-separated CSV", lambda f: csv_sheet(f, to_semicolons), (0,), r"Imported 1 decision"),
        Case("sheet: cp1252 CSV", lambda f: csv_sheet(f, lambda t: (t + "\u00e9\n").encode("cp1252", "replace")), (4,),
             r"is not UTF-8 text"),
        Case("sheet: CSV with an unclosed quote", lambda f: csv_sheet(f, lambda t: (t + '"open,\n').encode()), (4,),
             r"not a readable CSV row"),
        Case("sheet: CSV header only", lambda f: csv_sheet(f, lambda t: t.splitlines()[0].encode()), (0,), r"Imported 0"),
        Case("sheet: empty CSV", lambda f: csv_sheet(f, lambda t: b""), (4,), r"missing column"),
        Case("sheet: 100 KB --reviewer (the most an argument holds)",
             lambda f: ["review", "--store", str(sample_store(f)), "--reviewer", "N" * 100_000], (2,), r"100,000 characters"),
        Case("sheet: 50 MB reviewer in the config file", lambda f: ((f / "config" / "ndc-scan").mkdir(parents=True),
                                                                   (f / "config" / "ndc-scan" / "config.toml").write_text(
                                                                       'reviewer = "' + "N" * 50_000_000 + '"\n'),
                                                                   ["review", "--store", str(sample_store(f))])[2],
             (2,), r"50,000,000 characters", env={"XDG_CONFIG_HOME": "{folder}/config"}),
        Case("--reviewer with escapes", lambda f: ["review", "--store", str(sample_store(f)), "--reviewer", "\x1b[2J"], (2,),
             r"not a usable name"),
        Case("review import of a missing file", lambda f: ["review", "import", str(f / "none.xlsx")], (2,), r"does not exist"),
        Case("review stats on /dev/null", lambda f: ["review", "stats", "--store", "/dev/null"], (2,), r"/dev/null: no such store"),
        Case("review export under a file", lambda f: ((f / "file").write_text("x"),
                                                      ["review", "export", str(f / "file" / "x.xlsx"), "--store",
                                                       str(sample_store(f))])[1], (8,),
             r"file: cannot be written: a part of this path is a file"),
        Case("review stats on a damaged store", lambda f: damaged_store(f)[:0] + ["review", "stats", "--store",
                                                                                 str(f / "s.sqlite")], (0, 5), r""),
    ]


# ----------------------------------------------------------------------------- running


def run(args: list[str], *, stdin: str = "", check: bool = False, unprivileged: bool = False,
        seconds: float = 600, env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess:
    # root without the capabilities that bypass file permissions: chmod 000 then forbids, as for any user
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
              "--inh-caps=-dac_override,-dac_read_search"] if unprivileged else []
    done = subprocess.run([*prefix, "/usr/bin/time", "-f", "PEAK_KB %M", *CLI, *args], input=stdin.encode(),
                          capture_output=True, timeout=seconds, cwd=ROOT, env={**os.environ, **(env or {})})
    if check and done.returncode != 0:
        raise SystemExit(f"setup failed: {args[:3]}: {done.stderr.decode(errors='replace')[-2000:]}")
    return done


def attempt(case: Case, base: Path, exit_codes: set[int]) -> Outcome:
    folder = Path(tempfile.mkdtemp(dir=base))
    if case.unprivileged and os.geteuid() != 0:
        return Outcome(case, None, 0, 0, skipped="needs root (to drop its file-permission capabilities)")
    try:
        args = case.build(folder)
    except subprocess.CalledProcessError as exc:
        return Outcome(case, None, 0, 0, skipped=f"cannot set up ({exc}): needs root to mount a tmpfs")
    except Exception as exc:           # the harness's own failure: said, never counted as handled
        return Outcome(case, None, 0, 0, [f"the harness could not build the case: {type(exc).__name__}: {exc}"])
    started = time.monotonic()
    try:
        done = run(args, unprivileged=case.unprivileged, seconds=case.seconds,
                   env={key: value.format(folder=folder) for key, value in case.env.items()})
    except subprocess.TimeoutExpired:
        return Outcome(case, None, case.seconds, 0, [f"no end after {case.seconds:g} s (a hang)"])
    finally:
        if case.needs_mount:
            subprocess.run(["umount", "-l", str(folder / "disk")], check=False)
    seconds = time.monotonic() - started
    stderr = done.stderr.decode("utf-8", "replace")
    peak = re.findall(r"PEAK_KB (\d+)", stderr)
    stderr = re.sub(r"PEAK_KB \d+\n?", "", stderr)
    output = done.stdout.decode("utf-8", "replace") + stderr
    outcome = Outcome(case, done.returncode, seconds, int(peak[-1]) / 1024 if peak else 0)
    if "Traceback" in output:
        outcome.problems.append("a traceback: " + output.strip().splitlines()[-1][:150])
    if done.returncode not in exit_codes:
        outcome.problems.append(f"exit code {done.returncode} is not in the README's table")
    elif done.returncode not in case.codes:
        outcome.problems.append(f"exit code {done.returncode}, expected {case.codes}")
    if RAW_CONTROL.search(output):
        outcome.problems.append("a raw control character on the console")
    if case.expect and not re.search(case.expect, output):
        outcome.problems.append(f"no /{case.expect}/ in: " + " | ".join(output.strip().splitlines()[-3:])[:300])
    if outcome.peak_mb > MEMORY_BOUND_MB:
        outcome.problems.append(f"peak memory {outcome.peak_mb:,.0f} MB")
    shutil.rmtree(folder, ignore_errors=True)
    return outcome


def readme_exit_codes() -> set[int]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Exit codes", 1)[1].split("\n#", 1)[0]
    return {int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.MULTILINE)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="Run the cases whose name contains this word.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folders.")
    options = parser.parse_args()
    exit_codes = readme_exit_codes()
    base = Path(tempfile.mkdtemp(prefix="ndc-hostile-"))
    chosen = [c for c in cases() if not options.only or options.only.lower() in c.name.lower()]
    outcomes = []
    for case in chosen:
        outcome = attempt(case, base, exit_codes)
        outcomes.append(outcome)
        status = "skipped" if outcome.skipped else "ok" if not outcome.problems else "LEFT"
        print(f"{status:<7} {outcome.code!s:>4} {outcome.seconds:6.1f} s {outcome.peak_mb:7.0f} MB  {case.name}"
              + (f": {outcome.skipped}" if outcome.skipped else "") + "".join(f"\n          - {p}" for p in outcome.problems),
              flush=True)
    tried = [o for o in outcomes if not o.skipped]
    clean = [o for o in tried if not o.problems]
    print(f"\n{len(tried)} cases tried, {len(clean)} handled cleanly, {len(tried) - len(clean)} left; "
          f"{len(outcomes) - len(tried)} skipped (need root)")
    if not options.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
