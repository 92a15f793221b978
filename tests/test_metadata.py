"""Tests of ndc_scan.read.metadata (and ndc_scan.read.countries) on real NDC file names, texts and catalogs.

The PDFs are read from ../shared/corpora/ndc (first three pages, pdfplumber);
tests that need them are skipped when the corpus is absent.

``python tests/test_metadata.py`` prints the accuracy of inference over every
text-layer file of the corpus, per field, with the misses.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import urllib.parse
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ndc_scan.errors import MetadataError
from ndc_scan.read.countries import country_from_file_name, find_countries, fold
from ndc_scan.read.metadata import infer_meta
from ndc_scan.read.overrides import apply_overrides, load_metadata_csv
from ndc_scan.records import DOCUMENT_KINDS, GIVEN, INFERRED, DocumentMeta

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
CORPUS = CORPORA / "ndc"
REGISTRY = CORPORA / "reference" / "unfccc_ndc_registry_catalog.csv"
needs_corpus = pytest.mark.skipif(not (CORPUS / "MANIFEST.csv").exists(),
                                  reason=f"NDC corpus not found at {CORPUS}")


@cache
def manifest() -> dict:
    with open(CORPUS / "MANIFEST.csv", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


@cache
def front(file: str) -> tuple[str, dict]:
    """Text of the first three pages, joined by form feeds, and the PDF's metadata."""
    import pdfplumber

    with pdfplumber.open(CORPUS / file) as pdf:
        text = "\f".join(page.extract_text() or "" for page in pdf.pages[:3])
        info = {k: str(v) for k, v in (pdf.metadata or {}).items()}
    return text, info


def matches(got, want: str) -> bool:
    """A manifest language like "zh+en" accepts either language."""
    return str(got) in want.split("+")


# --- file names users really have --------------------------------------------------


def test_registry_file_name_gives_country_kind_year():
    meta = infer_meta("INDC_AFG_20150927_FINAL.pdf", "")
    assert (meta.iso3, meta.country, meta.kind, meta.year) == ("AFG", "Afghanistan", "indc", 2015)
    assert meta.sources == {"iso3": INFERRED, "country": INFERRED, "kind": INFERRED, "year": INFERRED}
    assert meta.evidence["iso3"] == "file name: code AFG"
    assert meta.language is None and "language" not in meta.sources     # no text, no language


def test_updated_first_ndc_in_file_name_is_ndc_updated():
    meta = infer_meta("Kenya_First NDC (updated version).pdf", "")
    assert (meta.iso3, meta.kind) == ("KEN", "ndc-updated")


def test_french_acronym_is_not_a_country_code():
    meta = infer_meta("CDN_Senegal.pdf", "")
    assert (meta.iso3, meta.country, meta.kind) == ("SEN", "Senegal", "ndc")


@pytest.mark.parametrize("name, iso3", [
    ("Algérie -INDC- 03 septembre 2015.pdf", "DZA"),
    ("CPDN_République Centrafricaine.pdf", "CAF"),
    ("UAE INDC - 22 October.pdf", "ARE"),
    ("Belarus_INDC_Rus_25.09.2015.pdf", "BLR"),
    ("NDC BiH_November 2020 FINAL DRAFT 05 Nov ENG LR.pdf", "BIH"),
    ("INDC_FIN.pdf", "FIN"),                       # FIN is Finland, not "final"
    ("State of Palestine_NDC_SPM.pdf", "PSE"),     # SPM = summary for policy makers, not Saint Pierre
    ("Contribución Determinada a Nivel Nacional.pdf", None),
])
def test_country_from_real_file_names(name, iso3):
    found = country_from_file_name(name)
    assert (found.iso3 if found else None) == iso3


@needs_corpus
def test_spanish_ndc_with_a_neutral_spanish_file_name():
    text, _ = front("PRY_indc_2015.pdf")
    meta = infer_meta("Contribución Determinada a Nivel Nacional.pdf", text)
    assert (meta.iso3, meta.country, meta.language) == ("PRY", "Paraguay", "es")
    assert meta.evidence["iso3"].startswith("text p.1")


@needs_corpus
def test_abbreviated_congo_in_file_name_gives_way_to_the_text():
    text, _ = front("COD_indc_2015.pdf")
    meta = infer_meta("CPDN - Rép Dém du Congo.pdf", text)
    assert meta.iso3 == "COD"


@pytest.mark.skipif(not REGISTRY.exists(), reason=f"registry catalog not found at {REGISTRY}")
def test_country_from_every_registry_file_name_is_the_party():
    with open(REGISTRY, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["originalFilename"]]
    found = [(r, country_from_file_name(r["originalFilename"])) for r in rows]
    found = [(r, hit.iso3) for r, hit in found if hit]
    wrong = [(r["originalFilename"], r["code"], iso3) for r, iso3 in found if iso3 != r["code"]]
    assert len(found) > 450
    # the one miss: "CPDN - Rép Dém du Congo.pdf" names only "Congo" (the text settles it, see above)
    assert wrong == [("CPDN - Rép Dém du Congo.pdf", "COD", "COG")]


# --- text only, on real documents ----------------------------------------------------

#: Every non-English text-layer file of the corpus, plus English ones that test ordinals,
#: updates, cover letters and look-alike names.
TEXT_CASES = ["AND_ndc-updated_2020.pdf", "ARG_indc_2015.pdf", "BDI_indc_2015.pdf", "BFA_indc_2015.pdf",
              "CAF_indc_2015.pdf", "CAN_indc_2015.pdf", "CHL_indc_2016.pdf", "CHN_indc_2015.pdf",
              "CIV_indc_2015.pdf", "COD_indc_2015.pdf", "COG_indc_2015.pdf", "CRI_indc_2015.pdf",
              "CUB_indc_2015.pdf", "DJI_indc_2015.pdf", "DOM_indc_2015.pdf", "DZA_indc_2015_fr.pdf",
              "ECU_indc_2015.pdf", "ECU_ndc_2019.pdf", "GIN_indc_2015.pdf", "GNQ_indc_2015.pdf",
              "HND_indc_2015.pdf", "HTI_indc_2015.pdf", "IRQ_indc_2015.pdf", "KWT_indc_2015.pdf",
              "MAR_indc_2015.pdf", "MCO_indc_2015.pdf", "MLI_ndc_2016.pdf", "NER_indc_2015.pdf",
              "NIC_ndc_2018.pdf", "OMN_indc_2015.pdf", "PRY_indc_2015.pdf", "QAT_indc_2015_ar.pdf",
              "RUS_indc_2015.pdf", "SAU_indc_2015.pdf", "SLV_indc_2015.pdf", "TGO_indc_2015.pdf",
              "TJK_indc_2015.pdf", "TUN_indc_2015.pdf", "VEN_indc_2015.pdf", "VEN_ndc-updated_2021.pdf",
              "ARE_ndc2_2020.pdf", "GRD_ndc2_2020.pdf", "TON_ndc2_2020.pdf", "KOR_ndc-updated_2020.pdf",
              "PRK_indc_2016.pdf", "IDN_ndc-updated_2021.pdf", "GBR_ndc-updated_2020.pdf",
              "LAO_ndc-updated_2021.pdf", "ERI_ndc_2018.pdf", "TZA_indc_2015.pdf"]
KNOWN_MISSES = {
    "AND_ndc-updated_2020.pdf": "kind: the title's 'Actualización 2020' has a footnote digit glued on "
                                "('20201'), so the first NDC's date 24/3/2017 wins and makes it 'ndc'",
    "OMN_indc_2015.pdf": "the text layer is garbage from a bad earlier OCR",
    "PRY_indc_2015.pdf": "kind: 'Contribuciones Nacionales' with no date on the first pages reads as 'ndc'",
}


@needs_corpus
@pytest.mark.parametrize("file", [pytest.param(f, marks=pytest.mark.xfail(reason=KNOWN_MISSES[f], strict=True))
                                  if f in KNOWN_MISSES else f for f in TEXT_CASES])
def test_country_kind_language_from_text_alone(file):
    want = manifest()[file]
    text, _ = front(file)
    meta = infer_meta("document.pdf", text)
    got = {"iso3": meta.iso3, "kind": meta.kind, "language": meta.language}
    assert all(matches(got[f], want[f]) for f in got), (got, meta.evidence)
    assert meta.sources["iso3"] == INFERRED and meta.evidence["iso3"].startswith("text p.")


def test_cover_letter_address_is_not_the_country():
    text = "D-53153 Bonn, Germany\nSubject: Indonesia Submission on the Updated NDC"
    assert infer_meta("document.pdf", text).iso3 == "IDN"


def test_currency_and_neighbours_do_not_outweigh_the_submitter():
    text = ("Intended Nationally Determined Contribution of the Republic of Kenya\f"
            "Costs in United States dollars. United States dollars. Uganda and Tanzania are neighbours.")
    assert infer_meta("document.pdf", text).iso3 == "KEN"


@pytest.mark.parametrize("text, iso3", [
    ("Democratic People’s Republic of Korea", "PRK"), ("Republic of Korea", "KOR"),
    ("REPUBLIQUE DEMOCRATIQUE DU CONGO", "COD"), ("République du Congo", "COG"),
    ("Российской Федерации", "RUS"), ("Республики Таджикистан", "TJK"),
    ("بالمملكة العربية السعودية", "SAU"), ("دولة الكويت", "KWT"),
    ("St. Vincent and the Grenadines", "VCT"), ("Guinea-Bissau", "GNB"), ("COTE D’IVOIRE", "CIV"),
])
def test_names_in_any_form_and_language(text, iso3):
    assert [h.iso3 for h in find_countries(text)] == [iso3]


def test_kind_precedence_in_titles():
    cases = {
        "Intended Nationally Determined Contribution of Albania": "indc",
        "The Republic of Korea's Update of its First Nationally Determined Contribution. "
        "The Republic of Korea submitted its INDC in 2015.": "ndc-updated",
        "Second Nationally Determined Contribution of the United Arab Emirates": "ndc2",
        "Seconde Contribution Déterminée au Niveau National (République Gabonaise)": "ndc2",
        "CONTRIBUTION PREVUE DETERMINEE AU NIVEAU NATIONAL (CPDN)/BURUNDI": "indc",
        "Предполагаемый национально определяемый вклад (INDC) Республики Таджикистан": "indc",
        "NDC 3.0 of Georgia": "ndc3",
    }
    assert {text: infer_meta("document.pdf", text).kind for text in cases} == cases


def test_year_prefers_dates_and_the_title_over_targets():
    text = "Nationally Determined Contribution of Chile\nSeptiembre 2015\nReduce emissions by 2025 and 2030."
    meta = infer_meta("document.pdf", text)
    assert meta.year == 2015 and "Septiembre 2015" in meta.evidence["year"]
    assert infer_meta("document.pdf", "Target: by 2025; period 2021-2030").year is None


def test_year_falls_back_to_the_pdf_creation_date():
    meta = infer_meta("document.pdf", "", pdf_info={"CreationDate": "D:20150927120000+02'00'"})
    assert meta.year == 2015 and meta.evidence["year"] == "PDF metadata (CreationDate)"


def test_language_hint_wins_and_is_given():
    meta = infer_meta("document.pdf", "Contribution prévue déterminée au niveau national " * 20,
                      language_hint="FR ")
    assert meta.language == "fr" and meta.sources["language"] == GIVEN


def test_too_little_text_has_no_language():
    assert infer_meta("document.pdf", "Republic of Kenya").language is None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.text(max_size=600))
def test_any_input_gives_a_valid_record(file_name, text):
    meta = infer_meta(file_name, text)
    assert isinstance(meta, DocumentMeta) and (meta.kind is None or meta.kind in DOCUMENT_KINDS)
    assert set(meta.sources) == set(meta.evidence)
    assert all(getattr(meta, f) is not None for f in meta.sources)


@given(st.text(max_size=200))
def test_fold_maps_every_character_back(text):
    folded, where = fold(text)
    assert len(folded) == len(where) and where == sorted(where)
    assert all(0 <= i < len(text) for i in where)


def test_nothing_is_built_at_import():
    code = ("import ndc_scan.read.metadata, ndc_scan.read.countries as c, langdetect;"
            "assert c._index.cache_info().currsize == 0")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


# --- the --metadata file -------------------------------------------------------------


@pytest.mark.skipif(not REGISTRY.exists(), reason=f"registry catalog not found at {REGISTRY}")
def test_load_registry_catalog():
    overrides = load_metadata_csv(REGISTRY)
    assert len(overrides) > 600
    assert overrides["INDC_AFG_20150927_FINAL.pdf"] == {"iso3": "AFG", "year": 2016, "kind": "ndc", "language": "en"}
    assert overrides["Albania Revised NDC.pdf"]["kind"] == "ndc-updated"
    assert overrides["Argentina_Segunda Contribución Nacional.pdf"]["kind"] == "ndc2"
    assert overrides["CDN Algeria.pdf"] == {"iso3": "DZA", "year": 2026, "kind": "ndc3", "language": "fr"}
    # the EU's NDC is listed under every member state: it is the EU's, and the rows' dates disagree
    assert overrides["LV-03-06-EU INDC.pdf"] == {"iso3": "EUU", "kind": "ndc", "language": "en"}
    assert all(v.get("kind") in (None, *DOCUMENT_KINDS) for v in overrides.values())


@needs_corpus
def test_load_manifest_by_file_and_sha256():
    overrides = load_metadata_csv(CORPUS / "MANIFEST.csv")
    row = manifest()["KEN_indc_2015.pdf"]
    want = {"iso3": "KEN", "country": "Kenya", "kind": "indc", "year": 2015, "language": "en"}
    assert overrides["KEN_indc_2015.pdf"] == want and overrides[f"sha256:{row['sha256']}"] == want
    assert overrides["CHN_indc_2015.pdf"]["language"] == "zh"      # "zh+en": the first is the main language


def test_bad_rows_are_all_reported(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text("file,sha256,iso3,kind,year,language\n"
                    "KEN.pdf,,KEN,ndc,2021,en\n"
                    "a.pdf,,KENYA,ndc,2021,en\n"
                    "b.pdf,,UGA,frist NDC,20x1,en\n"
                    ",,TZA,ndc,2021,en\n"
                    "c.pdf,abc,RWA,ndc2,2021,Klingon\n", encoding="utf-8")
    with pytest.raises(MetadataError) as caught:
        load_metadata_csv(path)
    assert caught.value.problems == [
        "row 3, column iso3: 'KENYA' is not an ISO 3166-1 alpha-3 code (e.g. KEN)",
        "row 4, column kind: 'frist NDC' is not one of indc, ndc, ndc-updated, ndc2, ndc3",
        "row 4, column year: '20x1' is not a year (four digits, e.g. 2021)",
        "row 5: neither file nor sha256 is given, so the row matches no document",
        "row 6, column language: 'Klingon' is not an ISO 639-1 language code (en, fr, es, pt, ar, ru ...)",
        "row 6, column sha256: 'abc' is not a SHA-256 (64 hex digits)",
    ]
    assert str(path) in str(caught.value) and "'Metadata file' in the README" in str(caught.value)


def test_country_name_alone_is_resolved_or_reported(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text("file,country\nx.pdf,Côte d'Ivoire\ny.pdf,Narnia\n", encoding="utf-8")
    with pytest.raises(MetadataError, match=r"row 3, column country: 'Narnia'"):
        load_metadata_csv(path)
    path.write_text("file;country;kind\nx.pdf;Côte d'Ivoire;Updated NDC\n", encoding="utf-8")   # Excel's ";"
    assert load_metadata_csv(path) == {"x.pdf": {"iso3": "CIV", "country": "Côte d'Ivoire", "kind": "ndc-updated"}}


def test_regression_a_country_name_that_is_not_the_iso3_is_refused(tmp_path):
    # "TJK_indc_2015.pdf,KEN,Uganda" was published as KEN with the name Uganda (adversarial review).
    path = tmp_path / "meta.csv"
    path.write_text("file,iso3,country\nTJK_indc_2015.pdf,KEN,Uganda\nx.pdf,CIV,Côte d'Ivoire\ny.pdf,KEN,Kenia\n",
                    encoding="utf-8")
    with pytest.raises(MetadataError) as caught:
        load_metadata_csv(path)
    assert caught.value.problems == ["row 2: country 'Uganda' is UGA, but iso3 says KEN: correct one of them (or leave "
                                     "country empty: the name then comes from iso3)"]


@pytest.mark.parametrize("content, problem", [
    (None, "no such file"),
    ("name,country\nx.pdf,Kenya\n", "has neither a 'file' nor a 'sha256' column"),
    (b"file,iso3\n\xff\xfe.pdf,KEN\n", "not UTF-8"),
])
def test_unusable_file_says_what_to_do(tmp_path, content, problem):
    path = tmp_path / "meta.csv"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(MetadataError) as caught:
        load_metadata_csv(path)
    assert problem in str(caught.value) and "'Metadata file' in the README" in str(caught.value)


def test_apply_overrides_marks_given_fields():
    meta = infer_meta("INDC_AFG_20150927_FINAL.pdf", "")
    sha = "ab" * 32
    overrides = {f"sha256:{sha}": {"kind": "ndc", "year": 2016}, "indc_afg_20150927_final.pdf": {"iso3": "PAK"}}
    by_hash = apply_overrides(meta, overrides, file_name="INDC_AFG_20150927_FINAL.pdf", sha256=sha)
    assert (by_hash.iso3, by_hash.kind, by_hash.year) == ("AFG", "ndc", 2016)
    assert by_hash.sources["kind"] == by_hash.sources["year"] == GIVEN and by_hash.sources["iso3"] == INFERRED
    assert by_hash.evidence["kind"] == "metadata file"
    by_name = apply_overrides(meta, overrides, file_name="INDC_AFG_20150927_FINAL.pdf", sha256="cd" * 32)
    assert (by_name.iso3, by_name.country, by_name.sources["country"]) == ("PAK", "Pakistan", GIVEN)
    assert apply_overrides(meta, overrides, file_name="other.pdf", sha256="cd" * 32) is meta


# --- accuracy over the whole corpus (not a test) ----------------------------------------


def accuracy_report() -> None:
    """Per-field accuracy of inference on every text-layer file, with the misses."""
    with open(CORPUS / "NOTES.csv", encoding="utf-8") as f:
        original = {r["file"]: urllib.parse.unquote(r["original_unfccc_url"].rsplit("/", 1)[1])
                    for r in csv.DictReader(f)}
    with open(REGISTRY, encoding="utf-8") as f:
        registry_names = {r["originalFilename"] for r in csv.DictReader(f)}
    files = [f for f, row in manifest().items() if row["has_text_layer"] != "no"]
    setups = [
        ("text only (document.pdf)", files, lambda f: "document.pdf", False),
        ("text + PDF metadata (document.pdf)", files, lambda f: "document.pdf", True),
        ("registry file name + text", [f for f in files if original[f] in registry_names], original.get, False),
        ("registry file name + text + PDF metadata", [f for f in files if original[f] in registry_names],
         original.get, True),
    ]
    for title, chosen, name_of, with_info in setups:
        misses, right = [], dict.fromkeys(("iso3", "kind", "year", "language"), 0)
        for file in chosen:
            text, info = front(file)
            meta = infer_meta(name_of(file), text, pdf_info=info if with_info else None)
            for field in right:
                if matches(getattr(meta, field), manifest()[file][field]):
                    right[field] += 1
                else:
                    misses.append(f"  {field:8} {file:28} want {manifest()[file][field]:11} got "
                                  f"{getattr(meta, field)!s:11} ({meta.evidence.get(field, '-')})")
        n = len(chosen)
        print(f"\n{title}: {n} files")
        print("  " + "  ".join(f"{field} {right[field]}/{n} = {right[field] / n:.1%}" for field in right))
        print("\n".join(sorted(misses)))


if __name__ == "__main__":
    accuracy_report()


def test_regression_an_unterminated_quote_is_reported_not_ignored(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text('file,iso3,kind\nKEN.pdf,KEN,ndc\n"UGA.pdf,UGA,ndc\nTZA.pdf,TZA,ndc\n', encoding="utf-8")
    with pytest.raises(MetadataError, match=r"row 3: not a readable CSV row \(unexpected end of data\); check its quotes"):
        load_metadata_csv(path)


def _reference_fold(text: str) -> tuple[str, list[int]]:
    """fold() as it was written, one character at a time (the ASCII stretches are now folded whole)."""
    import unicodedata

    from ndc_scan.read.countries import _ARABIC_DIGITS, _CHAR_MAP

    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        ch = _CHAR_MAP.get(ch, ch).translate(_ARABIC_DIGITS)
        for c in unicodedata.normalize("NFKD", ch):
            if unicodedata.combining(c):
                continue
            for f in (" " if c.isspace() else c.casefold()):
                if f == " " and out and out[-1] == " ":
                    continue
                out.append(f)
                where.append(i)
    return "".join(out), where


_FOLD_ALPHABET = st.sampled_from(list("aZ` \t\n\x0b\x1c-'éÉçñ ¨\u00a0\u2009ßﬁ٣۵ـىРоссияالمملكة–—\u00ad") + ["République du Sénégal"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_FOLD_ALPHABET, max_size=40).map("".join))
def test_property_fold_is_the_character_by_character_fold(text):
    """Mixed ASCII and other stretches, whitespace runs across their borders, letters that decompose to a space."""
    assert fold(text) == _reference_fold(text)


def test_fold_of_real_front_pages_is_the_character_by_character_fold():
    from .conftest import sample_pages

    for name in ("KEN_indc_2015.pdf", "NER_indc_2015.pdf", "QAT_indc_2015_ar.pdf", "TJK_indc_2015.pdf"):
        pages = sample_pages(name, "pdfium")
        text = "\f".join(page.text for page in pages[:3])
        assert fold(text) == _reference_fold(text), name
