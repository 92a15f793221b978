"""Bad input files, made from real NDCs: each gets its own named error; nothing hangs or crashes the batch."""

import os
import re
import signal
import time
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ndc_scan import scan
from ndc_scan.cli import main
from ndc_scan.errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    ExtractionTimeoutError,
    InputFileError,
    NotAPdfError,
)
from ndc_scan.read import reader as reader_module
from ndc_scan.read.reader import Reader, ReadingSession

from .conftest import FAKE_ID, SAMPLE, corpus_pdf
from .fixtures.make_fixtures import pdf_bomb

SMALL = SAMPLE / "CAN_indc_2015.pdf"


def _encrypted(tmp_path: Path, password: str = "sesame") -> Path:
    writer = pypdf.PdfWriter(clone_from=str(SMALL))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    path = tmp_path / "KEN_2020.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_encrypted_pdf_is_named_and_password_opens_it(tmp_path):
    path = _encrypted(tmp_path)
    with pytest.raises(EncryptedPdfError, match=r"KEN_2020.pdf: is encrypted .*: pass --password or decrypt it first: qpdf --decrypt"):
        Reader().read(path, FAKE_ID)
    pages, _ = Reader(password="sesame").read(path, FAKE_ID)
    assert "CPDN DU CANADA" in pages[0].text


def test_pdf_without_pages(tmp_path):
    writer = pypdf.PdfWriter()
    path = tmp_path / "empty_document.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(CorruptPdfError, match="empty_document.pdf: has no pages"):
        Reader().read(path, FAKE_ID)


@pytest.mark.parametrize("make, error, message", [
    (lambda p: p.write_bytes(b""), EmptyFileError, "is empty"),
    (lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 400), NotAPdfError, "is a Word/Office file, although it is named .pdf"),
    (lambda p: p.write_text("<!DOCTYPE html><title>404</title>"), NotAPdfError, "is an HTML file"),
    (lambda p: p.write_bytes(SMALL.read_bytes()[:5000]), CorruptPdfError, "truncated.pdf"),
])
def test_bad_files(tmp_path, make, error, message):
    path = tmp_path / "truncated.pdf"
    make(path)
    with pytest.raises(error, match=message):
        Reader().read(path, FAKE_ID)


@pytest.mark.slow
def test_absurdly_large_blank_page_is_read_without_exhausting_memory(tmp_path):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200_000, height=200_000)      # 70 m square
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    from ndc_scan.read.ocr import OcrSettings
    pages, _ = Reader(ocr=OcrSettings("eng"), timeout=120).read(path, FAKE_ID)
    assert pages[0].quality == "no text"


def test_a_file_that_takes_too_long_is_stopped():
    with pytest.raises(ExtractionTimeoutError, match=r"VEN_ndc-updated_2021.pdf: reading took longer than 1 s .*raise --timeout"):
        Reader(timeout=1).read(corpus_pdf("VEN_ndc-updated_2021.pdf"), FAKE_ID)


def test_a_reader_crash_is_reported_for_the_file(monkeypatch):
    def crash(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)     # as if PDFium crashed or the OOM killer struck
    monkeypatch.setattr(reader_module, "read_document", crash)
    with pytest.raises(CorruptPdfError, match=r"CAN_indc_2015.pdf: the PDF reader crashed on it"):
        Reader().read(SMALL, FAKE_ID)


def test_unreadable_file_is_named(tmp_path, monkeypatch):
    # Tests run as root, so chmod cannot forbid reading: make open() fail as it would.
    path = tmp_path / "locked.pdf"
    path.write_bytes(SMALL.read_bytes())
    real_open = os.open

    def refuse(file, *args, **kwargs):
        if Path(file).name == "locked.pdf":
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(os, "open", refuse)
    result = scan([path, SMALL], out=None, store=tmp_path / "s.sqlite")
    assert [(f.error, f.problem) for f in result.failures] == [("UnreadableFileError", "cannot be read (Permission denied)")]
    assert "chmod" in result.failures[0].remedy
    assert len(result.documents) == 1


def test_batch_of_bad_files_carries_on_and_lists_every_failure(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.pdf").write_bytes(SMALL.read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "word.pdf").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    (folder / "cut.pdf").write_bytes(SMALL.read_bytes()[:3000])
    _encrypted(folder)
    result = scan([folder], out=tmp_path / "out", store=tmp_path / "s.sqlite", ocr=False)
    assert [d.file_name for d in result.documents] == ["good.pdf"]
    assert sorted((Path(f.path).name, f.error) for f in result.failures) == [
        ("KEN_2020.pdf", "EncryptedPdfError"), ("cut.pdf", "CorruptPdfError"),
        ("empty.pdf", "EmptyFileError"), ("word.pdf", "NotAPdfError")]
    assert all(f.remedy for f in result.failures)


_mutations = st.lists(st.tuples(st.integers(min_value=0, max_value=127_999), st.integers(min_value=0, max_value=255)),
                      min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=_mutations, cut=st.one_of(st.none(), st.integers(min_value=0, max_value=128_000)))
def test_property_mutated_real_pdf_never_crashes_or_hangs(tmp_path, mutations, cut):
    data = bytearray(SMALL.read_bytes())
    for position, value in mutations:
        data[position % len(data)] = value
    if cut is not None:
        data = data[:cut]
    path = tmp_path / "mutant.pdf"
    path.write_bytes(bytes(data))
    try:
        pages, _ = Reader(timeout=30).read(path, FAKE_ID)
    except InputFileError as exc:
        assert "mutant.pdf" in str(exc) and exc.remedy
    else:
        assert pages and all(page.page_no >= 1 for page in pages)


@pytest.mark.slow
def test_regression_a_pdf_that_inflates_to_gigabytes_is_stopped_by_the_memory_cap(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdf_bomb(768 << 20))
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(InputFileError, match=r"bomb.pdf: uses too much memory \(more than 512 MB\) and was stopped: "
                                                 r"raise --max-memory \(now 512 MB\)"):
        Reader(timeout=300, max_memory=512 << 20).read(bomb, FAKE_ID)
    # PDFium aborts when an allocation fails: a crash, with the cap named as its likely cause
    with pytest.raises(CorruptPdfError, match=r"crashed on it .*if it ran out of memory, raise --max-memory"):
        Reader(timeout=300, max_memory=512 << 20, engine="pdfium").read(bomb, FAKE_ID)
    # through the command line: a failure row of its own, the batch carries on
    result = CliRunner().invoke(main, ["scan", str(bomb), str(SMALL), "--max-memory", "512M", "--timeout", "300",
                                       "--no-ocr", "--rules-only", "--out", str(tmp_path / "out"),
                                       "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 3, result.output
    # (the default engine is PDFium: its crash, with the cap named as the likely cause)
    assert re.search(r"bomb\.pdf: (uses too much memory \(more than 512 MB\) and was stopped|.*crashed on it.*) -> "
                     r".*raise --max-memory", result.output), result.output
    assert "Scanned 1 documents" in result.output


def test_regression_a_memory_cap_beyond_any_machine_means_no_cap():
    # --max-memory 1e99G once made setrlimit fail in the child, which died with a traceback on the console
    pages, _ = Reader(max_memory=10**100).read(SMALL, FAKE_ID)
    assert pages


def test_a_reading_session_reads_file_after_file_in_one_child_as_a_child_per_file_does():
    session = ReadingSession()
    try:
        first = session.read(Reader(engine="pdfium"), SMALL, FAKE_ID)
        child = session.pid
        second = session.read(Reader(engine="pdfium"), SAMPLE / "PRY_indc_2015.pdf", FAKE_ID)
        assert session.pid == child                      # no process started for the second file
        assert first == Reader(engine="pdfium").read(SMALL, FAKE_ID)
        assert second == Reader(engine="pdfium").read(SAMPLE / "PRY_indc_2015.pdf", FAKE_ID)
        assert "Canada" in first[0][0].text
    finally:
        session.close()
    assert session.pid is None


def test_a_reading_session_reports_a_crash_a_timeout_and_a_bad_file_and_reads_the_next_file(tmp_path, monkeypatch):
    real = reader_module.read_document

    def crash_or_hang(path, *args, **kwargs):
        if Path(path).name == "crash.pdf":
            os.kill(os.getpid(), signal.SIGKILL)         # as if PDFium crashed
        if Path(path).name == "hang.pdf":
            time.sleep(600)                              # as if the parser looped
        return real(path, *args, **kwargs)
    monkeypatch.setattr(reader_module, "read_document", crash_or_hang)
    for name in ("crash.pdf", "hang.pdf"):
        (tmp_path / name).write_bytes(SMALL.read_bytes())
    (tmp_path / "empty.pdf").write_bytes(b"")
    session = ReadingSession()
    try:
        pages, _ = session.read(Reader(), SMALL, FAKE_ID)
        with pytest.raises(CorruptPdfError, match=r"crash.pdf: the PDF reader crashed on it \(exit code -9\)"):
            session.read(Reader(), tmp_path / "crash.pdf", FAKE_ID)
        assert session.read(Reader(), SMALL, FAKE_ID)[0] == pages
        child = session.pid
        with pytest.raises(EmptyFileError, match=r"empty.pdf"):
            session.read(Reader(), tmp_path / "empty.pdf", FAKE_ID)
        assert session.pid is None                       # a child whose file failed is not kept
        with pytest.raises(ExtractionTimeoutError, match=r"hang.pdf: reading took longer than 1 s"):
            session.read(Reader(timeout=1), tmp_path / "hang.pdf", FAKE_ID)
        assert session.read(Reader(), SMALL, FAKE_ID)[0] == pages
        assert session.pid not in (None, child)
    finally:
        session.close()


def test_a_reading_session_child_killed_between_files_is_replaced_and_the_next_file_is_not_blamed():
    """Killed while idle (the out-of-memory killer, an operator), the child cannot take the next file: a new child
    reads it. (Sent at once after the kill, the file reached a dying child and was reported as crashing the reader.)"""
    session = ReadingSession()
    try:
        pages, _ = session.read(Reader(), SMALL, FAKE_ID)
        for _ in range(5):
            os.kill(session.pid, signal.SIGKILL)
            assert session.read(Reader(), SMALL, FAKE_ID)[0] == pages
    finally:
        session.close()


_KEPT: list = []


def test_a_reading_session_gives_each_file_the_whole_memory_cap(monkeypatch):
    """The cap is set again when each file arrives: what the child kept from earlier files (here 120 MB, under the
    quarter of the cap that gets a child replaced) does not shrink the next file's room, so whether a file can be
    read does not depend on the files before it (nor on --jobs)."""
    real = reader_module.read_document

    def greedy(path, *args, **kwargs):
        if Path(path).name == "keeps.pdf":
            _KEPT.append(bytearray(120 << 20))           # memory the child keeps after this file
        if Path(path).name == "big.pdf":
            block = bytearray(950 << 20)                 # a file that needs most of the cap while it is read
            del block
        return real(SMALL, *args, **kwargs)
    monkeypatch.setattr(reader_module, "read_document", greedy)
    session = ReadingSession()
    reader = Reader(max_memory=1 << 30)
    try:
        session.read(reader, Path("keeps.pdf"), FAKE_ID)
        child = session.pid
        pages, _ = session.read(reader, Path("big.pdf"), FAKE_ID)
        assert pages and session.pid == child
    finally:
        session.close()


def test_a_result_too_big_to_send_within_the_memory_cap_is_named_as_such(monkeypatch):
    """Reading fits in the cap but pickling the result does not: that is the memory cap, not a damaged PDF."""
    real = reader_module.read_document

    def bulky(path, *args, **kwargs):
        pages, info = real(path, *args, **kwargs)
        return pages, {**info, "bulk": bytes(300 << 20)}
    monkeypatch.setattr(reader_module, "read_document", bulky)
    reader = Reader(max_memory=512 << 20)
    with pytest.raises(InputFileError, match=r"CAN_indc_2015.pdf: uses too much memory \(more than 512 MB\)"):
        reader.read(SMALL, FAKE_ID)
    session = ReadingSession()
    try:
        with pytest.raises(InputFileError, match=r"CAN_indc_2015.pdf: uses too much memory \(more than 512 MB\)"):
            session.read(reader, SMALL, FAKE_ID)
    finally:
        session.close()
