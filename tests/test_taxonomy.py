"""Taxonomy loading: the bundled file is valid; every bad row of a broken file is reported at once."""

import csv

import pytest

from ndc_scan.errors import TaxonomyError
from ndc_scan.taxonomy import CONCEPT_IDS, DEFAULT_TAXONOMY, load_taxonomy


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["concept", "lang", "kind", "term", "note"])
        writer.writerows(rows)
    return path


def _valid_rows():
    return [[c, lang, "preferred", f"{c.replace('_', ' ')} {lang}", ""] for c in CONCEPT_IDS for lang in ("en", "fr", "es", "pt")]


def test_bundled_taxonomy_is_valid_and_covers_every_concept_in_four_languages(taxonomy):
    for concept in CONCEPT_IDS:
        for lang in ("en", "fr", "es", "pt"):
            assert [t for t in taxonomy.terms if t.concept == concept and t.lang == lang and t.kind == "preferred"], (concept, lang)
    assert any(t.lang == "ar" for t in taxonomy.terms) and any(t.lang == "ru" for t in taxonomy.terms)
    assert any(t.kind == "negative" for t in taxonomy.terms)


def test_hash_is_stable_and_changes_with_a_term(tmp_path):
    rows = _valid_rows()
    first = load_taxonomy(_write(tmp_path / "a.csv", rows)).hash
    assert load_taxonomy(_write(tmp_path / "b.csv", list(reversed(rows)))).hash == first   # row order does not matter
    changed = load_taxonomy(_write(tmp_path / "c.csv", rows + [["wetlands", "en", "alternative", "marsh", ""]])).hash
    assert changed != first


def test_every_bad_row_is_reported_at_once(tmp_path):
    rows = _valid_rows() + [
        ["soil_karbon", "en", "alternative", "soil carbon stocks", ""],          # row 42: unknown concept
        ["wetlands", "de", "alternative", "feuchtgebiet", ""],                  # row 43: unknown language
        ["wetlands", "en", "synonym", "marsh", ""],                             # row 44: unknown kind
        ["wetlands", "en", "alternative", "", ""],                              # row 45: empty term
        ["soil_conservation", "en", "negative", "soil conservation en", ""],    # row 46: positive and negative
        ["peatlands", "en", "alternative", "peatlands en", ""],                 # row 47: duplicate
        ["soil_carbon", "en", "near", "carbon soil", ""],                      # row 48: near without '~'
        ["soil_carbon", "en", "near", "carbon ~ top soil|soils", ""],          # row 49: a side with two words
        ["soil_carbon", "en", "near", "low-carbon ~ soil", ""],                # row 50: a hyphen is two tokens
        ["soil_carbon", "en", "near", "*topsoil* ~ humus", ""],                # row 51: '*' at both ends
    ]
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(_write(tmp_path / "bad.csv", rows))
    message = str(caught.value)
    assert "10 problem(s)" in message
    assert "row 42, column concept: 'soil_karbon' is not a concept id" in message
    assert "row 43, column lang: 'de' is not one of en, fr, es, pt, ar, ru" in message
    assert "row 44, column kind: 'synonym' is not one of preferred, alternative, negative, near" in message
    assert "row 45, column term: empty term" in message
    assert "row 46, column term: 'soil conservation en' is both positive and negative for soil_conservation/en" in message
    assert "row 47, column term: duplicate of row" in message
    assert "row 48, column term: near term 'carbon soil' must be two sides" in message
    assert "row 49, column term: near term 'carbon ~ top soil|soils' must be two sides" in message
    assert "row 50, column term: near term 'low-carbon ~ soil' must be two sides" in message
    assert "row 51, column term: near term '*topsoil* ~ humus' must be two sides" in message
    assert "README" in message


def test_missing_language_coverage_is_a_problem(tmp_path):
    rows = [r for r in _valid_rows() if not (r[0] == "wetlands" and r[1] == "pt")]
    with pytest.raises(TaxonomyError, match="concept wetlands has no term in pt") as caught:
        load_taxonomy(_write(tmp_path / "t.csv", rows))
    assert caught.value.remedy.startswith("fix what is listed and run again")      # not a row: "fix these rows" misled


def test_a_term_without_a_letter_is_refused_and_spaces_inside_a_term_are_one(tmp_path):
    """The adversarial pass: "." was accepted (it matched between any two words), "2030" too (every target year) and
    "soil  carbon" (it could never match: the tagger's tokens have one space between them)."""
    rows = _valid_rows() + [
        ["wetlands", "en", "alternative", ".", ""],                          # row 42
        ["wetlands", "en", "alternative", " - ", ""],                        # row 43
        ["wetlands", "en", "negative", "…", ""],                             # row 44
        ["wetlands", "en", "alternative", "wetlands  en", ""],               # row 45: the row of 'wetlands en' again
        ["wetlands", "en", "alternative", "2030", ""],                       # row 46
        ["wetlands", "ar", "alternative", "\u0640", ""],                     # row 47: a tatweel alone
    ]
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(_write(tmp_path / "t.csv", rows))
    why = "has no letter (punctuation or a number alone would match between any two words, or every year)"
    assert caught.value.problems == [
        f"row 42, column term: '.' {why}",
        f"row 43, column term: '-' {why}",
        f"row 44, column term: '...' {why}",
        f"row 45, column term: duplicate of row {CONCEPT_IDS.index('wetlands') * 4 + 2} (wetlands/en/'wetlands en')",
        f"row 46, column term: '2030' {why}",
        f"row 47, column term: '\u0640' {why}",
    ]
    assert caught.value.remedy.startswith("fix these rows and run again")
    spaced = load_taxonomy(_write(tmp_path / "s.csv", _valid_rows() + [["wetlands", "en", "alternative", "salt\t marsh",
                                                                         ""]]))
    assert "salt marsh" in {t.term for t in spaced.terms}


def test_wrong_header_and_missing_file(tmp_path):
    bad = tmp_path / "header.csv"
    bad.write_text("id,language,term\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="missing column"):
        load_taxonomy(bad)
    with pytest.raises(TaxonomyError, match="cannot be read"):
        load_taxonomy(tmp_path / "nope.csv")


def test_default_path_points_into_the_package():
    assert DEFAULT_TAXONOMY.name == "taxonomy.csv" and DEFAULT_TAXONOMY.parent.name == "data"


def test_near_term_sides_are_parsed():
    from ndc_scan.taxonomy import near_sides

    assert near_sides("carbon ~ soil|soils") == (("carbon",), ("soil", "soils"))
    assert near_sides("углерод* ~ почв*") == (("углерод*",), ("почв*",))
    assert near_sides("carbon ~ ") is None
    assert near_sides("a ~ b ~ c") is None
    assert near_sides("car*bon ~ soil") is None   # '*' only at a word's start or end
    assert near_sides("**soil ~ carbon") is None
    assert near_sides("l'érosion ~ sol") is None  # an apostrophe splits the word into two tokens


@pytest.mark.parametrize("row, message", [
    ('soil_carbon,en,alternative,"' + "x" * 1_000_000 + '",\n', "row 42: not a readable CSV row (field larger than field limit"),
    ('soil_carbon,en,alternative,"carbon in soils,\n', "row 42: not a readable CSV row (unexpected end of data)"),
])
def test_regression_a_malformed_row_is_a_taxonomy_error(tmp_path, row, message):
    path = _write(tmp_path / "taxonomy.csv", _valid_rows())
    with path.open("a", encoding="utf-8") as handle:
        handle.write(row)
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(path)
    assert message in str(caught.value) and len(str(caught.value)) < 1000
    from click.testing import CliRunner

    from ndc_scan.cli import main

    result = CliRunner().invoke(main, ["taxonomy", "--taxonomy", str(path)])
    assert result.exit_code == 4 and message in result.output


def test_a_term_cut_by_an_unquoted_comma_blank_lines_and_special_files(tmp_path):
    # "carbon, soil" unquoted was read as the term "carbon" (the rest dropped), labelling every passage with "carbon"
    # as soil carbon; rows were numbered without the blank lines, so a message pointed two rows too high.
    path = tmp_path / "comma.csv"
    rows = "concept,lang,kind,term,note\n" + "\n".join(",".join(r) for r in _valid_rows())
    path.write_text(rows.replace("\n", "\n\n\n", 1) + "\nsoil_carbon,en,alternative,carbon, soil,\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(path)
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert f"row {last}: 1 field(s) more than the header" in str(caught.value)
    assert "double quotes" in str(caught.value)
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(rows + '\nsoil_carbon,en,alternative,"carbon, soil",\n', encoding="utf-8")
    assert "carbon, soil" in {t.term for t in load_taxonomy(quoted).terms}
    # a device or a pipe is refused before it is read (/dev/zero had grown without end: MemoryError)
    with pytest.raises(TaxonomyError, match="is not a file"):
        load_taxonomy("/dev/zero")
