"""OCR of real scanned pages, garbage text layers, and a missing Tesseract."""

import shutil

import pypdfium2
import pytest

from ndc_scan.errors import OcrUnavailableError
from ndc_scan.read import ocr
from ndc_scan.read.ocr import OcrSettings, is_garbage, text_quality
from ndc_scan.read.pages import read_pdf

from .conftest import FAKE_ID, SAMPLE, corpus_pdf, sample_pages

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed (.ci/run installs it)")


def test_garbage_text_layer_is_recognised():
    # OMN_indc_2015's Arabic pages carry Latin garbage from a bad earlier OCR.
    pages, _ = read_pdf(corpus_pdf("OMN_indc_2015.pdf"), FAKE_ID)
    assert pages[1].quality == "garbage text"
    assert is_garbage("O:tdL Llrh-cl e sJl-, uL.e ajtLJlJil J 6.r.s^ll r:L\"alJl dlJl ;g;sll U\"bJEi+ " * 3)


@pytest.mark.parametrize("name", ["KEN_indc_2015.pdf", "NER_indc_2015.pdf", "TJK_indc_2015.pdf", "QAT_indc_2015_ar.pdf"])
def test_real_text_layers_are_not_garbage(name):
    pages = sample_pages(name)
    assert not any(is_garbage(page.text) for page in pages)
    assert text_quality("too short") is None


@needs_tesseract
@pytest.mark.slow
def test_scanned_page_is_read_with_the_expected_words():
    document = pypdfium2.PdfDocument(str(SAMPLE / "SRB_indc_2015.pdf"))
    words, confidence, _ = ocr.read_page(document[0], OcrSettings("eng"))
    text = " ".join(w["text"] for w in words)
    assert "Intended Nationally Determined Contribution of the Republic of Serbia" in text
    assert "non-Annex 1 Party to the Convention" in text
    assert confidence > 0.85


@needs_tesseract
@pytest.mark.slow
def test_arabic_garbage_page_is_read_again_in_arabic():
    document = pypdfium2.PdfDocument(str(corpus_pdf("OMN_indc_2015.pdf")))
    words, confidence, _ = ocr.read_page(document[1], OcrSettings())   # script detected: Arabic
    text = " ".join(w["text"] for w in words)
    assert "المساهمات المحددة وطنيا لسلطنة عمان" in text
    assert confidence > 0.7


def test_misread_arabic_is_told_from_good_arabic_by_its_common_words():
    """IRQ_indc_2015's fonts map glyphs to wrong letters ("يقدي هذا التقرير الخاص ومساهمة العراق"); QAT's read well."""
    misread, _ = read_pdf(corpus_pdf("IRQ_indc_2015.pdf"), FAKE_ID)
    good = sample_pages("QAT_indc_2015_ar.pdf")
    assert "الأمنم المتحندة" in misread[1].text                     # the text layer as it stands
    assert max(ocr.arabic_common_share(page.text)[0] for page in misread[:15]) < ocr.ARABIC_DOUBTFUL_BELOW
    assert sum(ocr.arabic_common_share(page.text)[0] >= ocr.ARABIC_DOUBTFUL_BELOW for page in good) >= 3
    assert ocr.arabic_common_share("climate change adaptation " * 20 + "في من على") is None    # mostly Latin


@pytest.mark.parametrize("read, meant", [
    ("التصحرء", "التصحر،"), ("الأراضيء", "الأراضي،"), ("الخضراءء", "الخضراء،"), ("القطاعاتء", "القطاعات،"),
    ("جزء", "جزء"), ("كجزء", "كجزء"), ("البدء", "البدء"), ("شيء", "شيء"),       # words that end in a hamza
    ("الكهرباء", "الكهرباء"), ("ضوء", "ضوء"), ("soil", "soil"),
])
def test_a_comma_read_as_a_final_hamza_is_put_back(read, meant):
    assert ocr.arabic_comma(read) == meant


@needs_tesseract
@pytest.mark.parametrize("given, used", [("", "ara"), ("eng", "ara"), ("ara+eng", "ara+eng")])
def test_misread_arabic_pages_are_read_in_arabic_whatever_ocr_lang_says(monkeypatch, given, used):
    asked = []
    monkeypatch.setattr(ocr, "read_pages", lambda document, indices, languages, settings: asked.append(
        (sorted(indices), languages)) or {})
    pages, _ = read_pdf(corpus_pdf("KWT_indc_2015.pdf"), FAKE_ID, ocr=OcrSettings(given), engine="pdfium")
    assert asked == [([0, 1, 4, 5, 6, 7, 8, 9], used)]        # the doubtful pages, under 0.19
    assert not any(page.ocr for page in pages)                 # nothing read: the text layer stands


@needs_tesseract
def test_a_misread_arabic_page_that_tesseract_cannot_read_keeps_its_text_layer(monkeypatch):
    import pytesseract

    def fails(*args):
        raise pytesseract.TesseractError(1, "Image too large")

    monkeypatch.setattr(ocr, "read_pages", fails)
    pages, _ = read_pdf(corpus_pdf("KWT_indc_2015.pdf"), FAKE_ID, ocr=OcrSettings(), engine="pdfium")
    assert len(pages) == 10 and not any(page.ocr for page in pages)
    assert "دولرة الكويرت" in pages[7].text


@needs_tesseract
@pytest.mark.slow
def test_misread_arabic_pages_are_read_again_and_good_ones_are_not():
    """Kuwait's pages 6-10 (a stray "ر" in words) are OCR'd (Iraq's 16 pages too, but they take half a minute).

    Two pages at once (threads=2, as a scan with two jobs does): each page is its own Tesseract process either way.
    """
    kuwait, _ = read_pdf(corpus_pdf("KWT_indc_2015.pdf"), FAKE_ID, ocr=OcrSettings(threads=2), engine="pdfium")
    assert kuwait[7].ocr and "مع إصدار دولة الكويت مؤخرا قانون رقم 2014/42" in kuwait[7].text   # "دولرة الكويرت" before
    # Its numbers are the text layer's (a misread font spells digits right; Tesseract read "من 975 الى ١ 9/").
    assert kuwait[6].ocr and "المفتوحة من %75 الى 51 % وزيادة نسبة المناطق المحمية من 8 %" in kuwait[6].text
    assert "975" not in kuwait[6].text
    assert not any(page.ocr for page in kuwait[:5])              # its well-read pages keep their text layer
    good, _ = read_pdf(SAMPLE / "QAT_indc_2015_ar.pdf", FAKE_ID, ocr=OcrSettings(threads=2), engine="pdfium")
    assert not any(page.ocr for page in good)                   # its doubtful pages' OCR reads no better: kept


@needs_tesseract
@pytest.mark.slow
def test_scanned_document_pages_carry_ocr_flag_and_confidence():
    pages, _ = read_pdf(SAMPLE / "SRB_indc_2015.pdf", FAKE_ID, ocr=OcrSettings("eng", threads=2))    # 2 pages at once
    assert all(page.ocr and page.quality == "ok" and 0.8 < page.ocr_confidence <= 1 for page in pages)
    assert "GHG emission reduction by 9,8% until 2030" in pages[1].text


def test_missing_tesseract_gives_the_install_command(monkeypatch):
    ocr.available_languages.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(OcrUnavailableError, match="Tesseract is not installed.*apt-get install tesseract-ocr"):
        ocr.available_languages()
    ocr.available_languages.cache_clear()


def test_missing_language_pack_is_named(monkeypatch):
    monkeypatch.setattr(ocr, "available_languages", lambda: frozenset({"eng", "osd"}))
    with pytest.raises(OcrUnavailableError, match="language pack 'rus' is missing: install it: sudo apt-get install tesseract-ocr-rus"):
        ocr.languages_for("ru")


def test_without_ocr_scanned_pages_are_unread_not_empty(tmp_path, monkeypatch):
    from ndc_scan import scan

    ocr.available_languages.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = scan([SAMPLE / "SRB_indc_2015.pdf"], out=None, store=tmp_path / "s.sqlite")
    ocr.available_languages.cache_clear()
    assert any("Tesseract is not installed" in w and "reported as unread" in w for w in result.warnings)
    coverage = result.tables["coverage"]
    assert set(coverage["level_name"]) == {"no text layer"} and coverage["level"].isna().all()


def _reference_plausible(token: str) -> bool:
    letters = sum(c.isalpha() for c in token)
    if letters < len(token) - token.count("-") - token.count("'") - token.count("."):
        return False
    flips = sum(1 for a, b in zip(token, token[1:]) if a.islower() and b.isupper())
    return flips <= 1 and letters >= 1


def test_a_token_is_plausible_as_the_letter_count_says():
    """The shortcut for letters-only tokens decides as counting letters and case flips does."""
    tokens = ["land", "Land", "LAND", "McDonald", "McDoNald", "iPhone", "eRRor", "O:tdL", "6.r.s^ll", "4$lj'cll", "a", "É",
              "état", "ÉTAT", "l'état", "agro-forestry", "الأراضي", "почв", "ПОЧВ", "Почв", "x2", "ǅemal", "ǅ", "ß", "ﬁne"]
    assert [ocr._plausible(t) for t in tokens] == [_reference_plausible(t) for t in tokens]


class _Tesseract:
    """Stands in for the Tesseract program (these tests are about which languages, how many pages at once, how many
    threads): records each reading's languages, OMP_THREAD_LIMIT and how many ran at the same time."""

    def __init__(self, monkeypatch, text="The Republic of Serbia will reduce emissions " * 10, script="Latin"):
        import threading

        import pytesseract

        self.calls, self.scripts, self.running, self.most = [], 0, 0, 0
        self.lock = threading.Lock()
        self.text, self.found_script = text, script
        monkeypatch.setattr(pytesseract, "image_to_data", self.image_to_data)
        monkeypatch.setattr(pytesseract, "image_to_osd", self.image_to_osd)
        monkeypatch.setattr(ocr, "available_languages", lambda: frozenset({"eng", "fra", "spa", "rus", "ara", "osd"}))

    def image_to_data(self, image, lang, config, output_type):
        import os
        import time

        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.calls.append((lang, os.environ.get("OMP_THREAD_LIMIT")))
        time.sleep(0.3)
        with self.lock:
            self.running -= 1
        words = self.text.split()
        n = len(words)
        return {"text": words, "conf": [93.0] * n, "left": [40 * i for i in range(n)], "top": [100] * n, "width": [30] * n,
                "height": [30] * n, "block_num": [1] * n, "par_num": [1] * n, "line_num": [i // 8 for i in range(n)]}

    def image_to_osd(self, image, config):
        self.scripts += 1
        return f"Page number: 0\nOrientation in degrees: 0\nScript: {self.found_script}\nScript confidence: 2.0\n"


def test_known_language_reads_every_page_without_script_detection(monkeypatch):
    tesseract = _Tesseract(monkeypatch)
    pages, _ = read_pdf(SAMPLE / "SRB_indc_2015.pdf", FAKE_ID, ocr=OcrSettings("eng", threads=2))
    assert [languages for languages, _ in tesseract.calls] == ["eng"] * 3 and tesseract.scripts == 0
    assert all(page.ocr for page in pages)


def test_unknown_language_is_found_on_the_first_scanned_page_and_used_for_the_rest(monkeypatch):
    """SRB_indc_2015 is scanned throughout: the first page's script and text tell the language (OSD once)."""
    tesseract = _Tesseract(monkeypatch, text="La République de Serbie réduira ses émissions de gaz à effet de serre " * 6)
    read_pdf(SAMPLE / "SRB_indc_2015.pdf", FAKE_ID, ocr=OcrSettings(threads=2))
    assert tesseract.scripts == 1
    assert [languages for languages, _ in tesseract.calls] == ["eng", "fra", "fra", "fra"]   # page 1 again in French


def test_a_cyrillic_first_page_sets_russian_for_the_document(monkeypatch):
    tesseract = _Tesseract(monkeypatch, text="Республика Беларусь " * 30, script="Cyrillic")
    read_pdf(SAMPLE / "SRB_indc_2015.pdf", FAKE_ID, ocr=OcrSettings())
    assert [languages for languages, _ in tesseract.calls] == ["rus+eng"] * 3 and tesseract.scripts == 1


def test_pages_of_a_document_are_read_at_once_each_by_a_single_threaded_tesseract(monkeypatch):
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    tesseract = _Tesseract(monkeypatch)
    read_pdf(SAMPLE / "SRB_indc_2015.pdf", FAKE_ID, ocr=OcrSettings("eng", threads=2))
    assert tesseract.most == 2
    assert {limit for _, limit in tesseract.calls} == {"1"}


def test_a_page_its_language_reads_as_garbage_is_read_again_by_its_script(monkeypatch):
    """An Arabic page in an English document: English gives garbage, OSD says Arabic, Arabic is kept."""
    tesseract = _Tesseract(monkeypatch, script="Arabic")
    arabic = _Tesseract.image_to_data

    def image_to_data(image, lang, config, output_type):
        tesseract.text = "l.all ;g;sll 6.r.s^ll O:tdL " * 8 if lang == "eng" else "المساهمات المحددة وطنيا لسلطنة عمان " * 8
        return arabic(tesseract, image, lang, config, output_type)
    import pytesseract

    monkeypatch.setattr(pytesseract, "image_to_data", image_to_data)
    document = pypdfium2.PdfDocument(str(SAMPLE / "SRB_indc_2015.pdf"))
    found = ocr.read_pages(document, [0], "eng", OcrSettings("eng"))
    assert [languages for languages, _ in tesseract.calls] == ["eng", "ara+eng"] and tesseract.scripts == 1
    assert "المساهمات" in " ".join(w["text"] for w in found[0][0])
