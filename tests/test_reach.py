"""A taxonomy change labels again only the documents a changed term can match in (``passages.reach``).

On the small sample NDCs (CAN in French, PRY in Spanish, SRB scanned, read without OCR): the labels a
re-scan keeps are exactly those a full re-labelling gives.
"""

import json
import re
import shutil
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from ndc_scan import scan
from ndc_scan.defaults import DEFAULT_MODEL_DIR, DEFAULT_TAXONOMY
from ndc_scan.passages.reach import Reach, changed_terms, fold
from ndc_scan.passages.tag import prepare
from ndc_scan.records import Passage
from ndc_scan.store import Store
from ndc_scan.taxonomy import load_taxonomy

from .conftest import ROOT, sql

LABELLED = ROOT / "corpora" / "labels" / "passages.jsonl"

#: In PRY only, and only through lemmas: the text says "sistemas productivos agropecuarios".
PRY_TERM = "sustainable_land_management,es,alternative,sistema productivo agropecuario,test\n"
#: In no document.
NOWHERE_TERM = "soil_carbon,en,alternative,carbon in farm soils,test\n"
#: Both words are in PRY, never in one sentence: the reach cannot rule PRY out; tagging finds no match.
APART_TERM = "soil_carbon,es,near,carbono ~ ganadería,test\n"

LABELS = ("SELECT d.file_name, l.passage_id, l.concept, l.level, l.confidence, l.conditional, l.component, l.terms, "
          "l.method, l.rule_level, l.probability, l.counted, l.review FROM predictions l "
          "JOIN documents d USING (doc_id) WHERE l.taxonomy_hash=? ORDER BY 1, 2, 3")
MATCHES = ("SELECT d.file_name, m.passage_id, m.concept, m.term, m.matched_text, m.start, m.\"end\", m.preferred "
           "FROM matches m JOIN documents d USING (doc_id) WHERE m.taxonomy_hash=? ORDER BY 1, 2, 6, 4")
TARGETS = "SELECT * FROM targets WHERE taxonomy_hash=? ORDER BY passage_id, concept, start"


def _scan(inputs, store, taxonomy):
    return scan([inputs], out=None, store=store, model=DEFAULT_MODEL_DIR, ocr=False, jobs=1, taxonomy=taxonomy)


def _taxonomy(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _labels(store, taxonomy_hash):
    with Store(store) as db:
        return [[tuple(row.values()) for row in sql(db, query, (taxonomy_hash,))] for query in (LABELS, MATCHES, TARGETS)]


def _labelled_in_full(small, store, taxonomy, tmp_path):
    """The labels of ``taxonomy`` when every document is labelled again (on a copy of ``store`` that keeps no
    taxonomy's terms, so no labels can be kept); called before the store is scanned with ``taxonomy``."""
    full = tmp_path / "full.sqlite"
    shutil.copy(store, full)
    db = sqlite3.connect(full)
    db.execute("DELETE FROM taxonomies")
    db.commit()
    db.close()
    result = _scan(small, full, taxonomy)
    assert result.carried == 0 and result.retagged == 3
    return _labels(full, result.taxonomy_hash)


def test_reach_finds_every_term_the_tagger_matches_in_real_passages(taxonomy, tagger):
    """Every match the tagger makes in the 6,730 hand-labelled passages of real NDCs (six languages; phrases on
    forms and on lemmas, near terms) is one the reach of its term finds: a document is never left with labels a
    changed term would change."""
    by_lang: dict = {}
    for row in map(json.loads, LABELLED.read_text(encoding="utf-8").splitlines()):
        text = row["text"]
        passage = Passage(passage_id=row["passage_id"], doc_id="0" * 64, page_no=1, start=0, end=len(text), text=text,
                          heading_path="", kind="paragraph")
        by_lang.setdefault(row["language"], []).append(passage)
    terms: dict = {}
    for term in taxonomy.terms:
        terms.setdefault((term.concept, term.term), []).append(term)
    reach = {term: Reach([term]) for term in taxonomy.terms}
    checked, lemma_only, near = set(), set(), set()
    for lang, passages in by_lang.items():
        matches = tagger.tag(passages, lang)
        for passage in passages:
            for match in matches.get(passage.passage_id, []):
                candidates = terms[match.concept, match.term]
                assert any(reach[t].touches([passage.text]) for t in candidates), (lang, match, passage.text)
                checked.add(match.term)
                if "~" in match.term:
                    near.add(match.term)
                elif match.term.lower() not in match.matched_text.lower():
                    lemma_only.add(match.term)
    assert len(checked) >= 300 and len(near) >= 5 and len(lemma_only) >= 10, (len(checked), near, lemma_only)


def test_reach_follows_a_word_the_tagger_pins_as_its_own_lemma(taxonomy, tagger):
    """"matter" is "matt" in the lemma table but the lemma of "matters": the tagger pins it, so the reach of "soil
    organic matter" must find the plural (NOR 2020 p5)."""
    text = "litter, dead wood and soil organic matters are included."
    assert [m.term for m in tagger.tag([Passage("p", "0" * 64, 1, 0, len(text), text, "", "paragraph")], "en")["p"]
            if m.concept == "soil_fertility"] == []                       # a carbon pool: the negative holds it
    term = next(t for t in taxonomy.terms if t.term == "soil organic matter" and t.concept == "soil_fertility")
    assert Reach([term]).touches(["the soil organic matters of farmland"])


def test_reach_of_no_change_touches_nothing(small_store, taxonomy):
    assert changed_terms(taxonomy.terms, taxonomy.terms) == ()
    assert not Reach([]).touches(["sols dégradés, soil organic carbon"])


def test_a_taxonomy_change_labels_again_only_the_documents_its_terms_can_match_in(small, small_store, tmp_path):
    base = DEFAULT_TAXONOMY.read_text(encoding="utf-8")
    first = _scan(small, small_store, None)
    assert first.retagged == 0
    changed = _taxonomy(tmp_path, "taxonomy.csv", base + PRY_TERM + NOWHERE_TERM)
    full = _labelled_in_full(small, small_store, changed, tmp_path)
    result = _scan(small, small_store, changed)
    assert (result.retagged, result.carried) == (1, 2)           # PRY labelled again; CAN and SRB keep theirs
    kept = _labels(small_store, result.taxonomy_hash)
    assert [row for row in kept[1] if row[3] == "sistema productivo agropecuario"], "the new term found in PRY"
    assert any(row[4] == "sistemas productivos agropecuarios" for row in kept[1])
    assert kept == full
    # What counts is the new taxonomy's labels: reports built from the store show the new match.
    with Store(small_store) as db:
        counted = {(row["file_name"], row["taxonomy_hash"]) for row in db.labels_that_count()}
    assert {taxonomy_hash for _, taxonomy_hash in counted} == {result.taxonomy_hash}


def test_a_document_the_reach_cannot_rule_out_keeps_its_labels_when_its_matches_come_out_the_same(small, small_store,
                                                                                               tmp_path):
    """A worker tags PRY again under the new taxonomy, finds the matches it had and keeps its labels: nothing is
    classified, and the scan process does not load the model (it did before, for every such edit)."""
    from ndc_scan.classify.model import load_model

    base = DEFAULT_TAXONOMY.read_text(encoding="utf-8")
    assert _scan(small, small_store, None).retagged == 0
    changed = _taxonomy(tmp_path, "taxonomy.csv", base + APART_TERM)
    with Store(small_store) as db:
        pry = next(d for d in db.document_rows(db.document_ids()).values() if d["file_name"].startswith("PRY"))
        texts = [p.text for p in db.tagged_passages(pry["doc_id"])]
    assert Reach(changed_terms(load_taxonomy().terms, load_taxonomy(changed).terms)).touches(texts)
    full = _labelled_in_full(small, small_store, changed, tmp_path)
    model = load_model(DEFAULT_MODEL_DIR, lazy=True)
    result = scan([small], out=None, store=small_store, model=model, ocr=False, jobs=1, taxonomy=changed)
    assert (result.retagged, result.carried) == (0, 3)
    assert model.pipeline is None and model.level_pipeline is None
    assert _labels(small_store, result.taxonomy_hash) == full
    with Store(small_store) as db:
        assert {row["taxonomy_hash"] for row in db.labels_that_count()} == {result.taxonomy_hash}


def test_a_removed_term_labels_again_the_documents_it_matched_in(small, small_store, tmp_path):
    tax = load_taxonomy()
    with Store(small_store) as db:
        pry = next(d for d in db.document_ids() if db.document(d).file_name == "PRY_indc_2015.pdf")
        found = {row["term"] for row in sql(db, "SELECT term FROM matches WHERE doc_id=? AND taxonomy_hash=?",
                                           (pry, tax.hash))}
    base = DEFAULT_TAXONOMY.read_text(encoding="utf-8").splitlines(keepends=True)
    # "agricultura de conservación", PRY's only match (its "siembre directa", a misspelling, matched "siembra
    # directa" only while the lemma table sent "siembra" on to "sembrar"; the tagger now pins it as its own lemma).
    removed = next(t for t in tax.terms if t.term in found and t.term == "agricultura de conservación")
    lines = [line for line in base if not line.startswith(f"{removed.concept},es,{removed.kind},{removed.term},")]
    assert len(lines) == len(base) - 1
    changed = _taxonomy(tmp_path, "taxonomy.csv", "".join(lines))
    full = _labelled_in_full(small, small_store, changed, tmp_path)
    result = _scan(small, small_store, changed)
    assert (result.retagged, result.carried) == (1, 2)
    kept = _labels(small_store, result.taxonomy_hash)
    assert not [row for row in kept[1] if row[3] == removed.term]
    assert kept == full


def test_a_term_whose_kind_changes_labels_again_the_documents_it_matched_in(small, small_store, tmp_path):
    """A term whose kind changes (preferred → alternative: the match's ``preferred`` flag) is removed and added."""
    base = DEFAULT_TAXONOMY.read_text(encoding="utf-8")
    text = base.replace("conservation_agriculture,es,preferred,agricultura de conservación,",
                        "conservation_agriculture,es,alternative,agricultura de conservación,")
    assert text != base
    changed = _taxonomy(tmp_path, "taxonomy.csv", text)
    full = _labelled_in_full(small, small_store, changed, tmp_path)
    result = _scan(small, small_store, changed)
    assert (result.retagged, result.carried) == (1, 2)           # PRY, where it matched
    kept = _labels(small_store, result.taxonomy_hash)
    assert [row[7] for row in kept[1] if row[3] == "agricultura de conservación"] == [0]    # no longer preferred
    assert kept == full


def test_a_store_of_schema_7_labels_in_full_at_its_first_taxonomy_change_then_keeps_labels(small, small_store,
                                                                                            tmp_path):
    """A store made before taxonomies were kept (schema 7) opens without loss; it cannot tell what changed, so its
    first scan under another taxonomy labels every document; the scan after that keeps labels again."""
    db = sqlite3.connect(small_store)
    db.executescript("DROP TABLE taxonomies; UPDATE meta SET value='7' WHERE key='schema';")
    db.commit()
    db.close()
    base = DEFAULT_TAXONOMY.read_text(encoding="utf-8")
    first = _scan(small, small_store, _taxonomy(tmp_path, "one.csv", base + NOWHERE_TERM))
    assert (first.retagged, first.carried) == (3, 0)
    with Store(small_store) as db:
        assert sql(db, "SELECT value FROM meta WHERE key='schema'")[0]["value"] == "8"
    second = _scan(small, small_store, _taxonomy(tmp_path, "two.csv", base + NOWHERE_TERM + PRY_TERM))
    assert (second.retagged, second.carried) == (1, 2)


_WHITESPACE = re.compile(r"\s+")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAbZ ΣσςİßŉÉé-0123٠١\n\t\r\x0b\x1c\x85\u00a0\u2028\u3000أإآٱةىاهيب")),
               max_size=40))
def test_fold_is_the_tagger_preparation_without_whitespace_case_folded(text):
    """``fold`` takes the shortcut where a text has no Arabic letter: the same result as ``tag.prepare``, whitespace
    dropped, case-folded (Greek final sigma, dotted I, ß, Arabic digits and hyphens, every kind of space)."""
    assert fold(text) == _WHITESPACE.sub("", prepare(text)).casefold()

