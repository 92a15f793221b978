"""The taxonomy: concepts and their terms per language, as data a policy expert edits.

Two CSV files (UTF-8), both checked on load with every bad row reported at once:

* ``concepts.csv`` — ``id,name,definition``: the 10 concepts of the spec;
* ``taxonomy.csv`` — ``concept,lang,kind,term,note``: one term per row; ``kind``
  is ``preferred``, ``alternative``, ``negative`` (a phrase that cancels an
  overlapping match of the same concept, e.g. "coastal erosion") or ``near``: two
  words close together in one sentence, written ``carbon ~ soil|soils`` (each side
  one word or several separated by ``|``; ``*`` at the end or start of a word
  matches any ending or beginning, e.g. ``почв*``, ``*تربه``). A near term finds
  paraphrases a phrase cannot ("increase of carbon stock in cropland soils").

The taxonomy hash (SHA-256 of both files' normalised rows) is written into
every output, so a report says which taxonomy produced it.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .defaults import DEFAULT_CONCEPTS, DEFAULT_TAXONOMY
from .errors import TaxonomyError
from .textnorm import normalise

#: The concept ids of the spec, in report order. They are a contract: never rename.
CONCEPT_IDS = (
    "soil_carbon", "sustainable_land_management", "agroforestry", "conservation_agriculture",
    "grazing_management", "soil_conservation", "soil_fertility", "land_restoration",
    "peatlands", "wetlands",
)
LANGUAGES = ("en", "fr", "es", "pt", "ar", "ru")
TERM_KINDS = ("preferred", "alternative", "negative", "near")


@dataclass(frozen=True)
class Term:
    concept: str
    lang: str
    kind: str
    term: str


@dataclass(frozen=True)
class Concept:
    id: str
    name: str
    definition: str


@dataclass(frozen=True)
class Taxonomy:
    concepts: tuple          # tuple[Concept, ...] in CONCEPT_IDS order
    terms: tuple             # tuple[Term, ...]
    hash: str                # hex SHA-256, first 16 characters shown in reports
    path: str

    def terms_for(self, lang: str) -> list[Term]:
        return [t for t in self.terms if t.lang == lang]

    @property
    def short_hash(self) -> str:
        return self.hash[:12]

    def concept_name(self, concept_id: str) -> str:
        return next(c.name for c in self.concepts if c.id == concept_id)


def load_taxonomy(path: Optional[str | Path] = None, concepts_path: Optional[str | Path] = None) -> Taxonomy:
    """Load and validate the taxonomy; raise TaxonomyError listing every bad row."""
    path = Path(path) if path else DEFAULT_TAXONOMY
    concepts_path = Path(concepts_path) if concepts_path else DEFAULT_CONCEPTS
    concepts = _load_concepts(concepts_path)
    rows = _read_csv(path, ("concept", "lang", "kind", "term"))
    problems: list[str] = []
    terms: list[Term] = []
    seen: dict[tuple[str, str, str], tuple[int, str]] = {}
    for number, row in rows:
        concept, lang = (row.get("concept") or "").strip(), (row.get("lang") or "").strip()
        # Words as the tagger sees them: one space between two (a double space or a tab could never match).
        kind, term = (row.get("kind") or "").strip(), " ".join(normalise(row.get("term") or "").split())
        where = f"row {number}"
        if concept not in CONCEPT_IDS:
            problems.append(f"{where}, column concept: {concept!r} is not a concept id ({', '.join(CONCEPT_IDS)})")
        if lang not in LANGUAGES:
            problems.append(f"{where}, column lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
        if kind not in TERM_KINDS:
            problems.append(f"{where}, column kind: {kind!r} is not one of {', '.join(TERM_KINDS)}")
        if not term:
            problems.append(f"{where}, column term: empty term")
            continue
        if not any(char.isalpha() and char != "\u0640" for char in term):       # a tatweel is not a letter here
            problems.append(f"{where}, column term: {term!r} has no letter (punctuation or a number alone would "
                            "match between any two words, or every year)")
            continue
        if kind == "near" and near_sides(term) is None:
            problems.append(f"{where}, column term: near term {term!r} must be two sides separated by '~', "
                            "each one word or several separated by '|' (letters and digits, one optional '*' "
                            "at the start or end), e.g. 'carbon ~ soil|soils'")
            continue
        key = (concept, lang, term.lower())
        polarity = "negative" if kind == "negative" else "positive"
        if key in seen:
            first_row, first_polarity = seen[key]
            if first_polarity != polarity:
                problems.append(f"{where}, column term: {term!r} is both positive and negative for "
                                f"{concept}/{lang} (see row {first_row})")
            else:
                problems.append(f"{where}, column term: duplicate of row {first_row} ({concept}/{lang}/{term!r})")
            continue
        seen[key] = (number, polarity)
        terms.append(Term(concept, lang, kind, term))
    for concept_id in CONCEPT_IDS:
        for lang in ("en", "fr", "es", "pt"):
            if not any(t.concept == concept_id and t.lang == lang and t.kind != "negative" for t in terms):
                problems.append(f"concept {concept_id} has no term in {lang}")
    if problems:
        raise TaxonomyError(str(path), problems)
    digest = hashlib.sha256()
    for item in concepts:
        digest.update(f"{item.id}\x1f{item.name}\x1f{item.definition}\n".encode())
    for term_row in sorted(terms, key=lambda t: (t.concept, t.lang, t.kind, t.term)):
        digest.update(f"{term_row.concept}\x1f{term_row.lang}\x1f{term_row.kind}\x1f{term_row.term}\n".encode())
    return Taxonomy(concepts=concepts, terms=tuple(terms), hash=digest.hexdigest(), path=str(path))


def near_sides(term: str) -> Optional[tuple]:
    """Split a near term ``"a|b ~ c"`` into ``(("a", "b"), ("c",))``; None when it is malformed.

    Each word is one token as the tagger sees it: letters and digits only (a hyphen or an
    apostrophe splits a word into several tokens, so it could never match), with at most
    one ``*`` at its start or its end.
    """
    parts = term.split("~")
    if len(parts) != 2:
        return None
    sides = tuple(tuple(word.strip() for word in part.split("|")) for part in parts)
    for side in sides:
        for word in side:
            stem = word[1:] if word.startswith("*") else word[:-1] if word.endswith("*") else word
            if not stem.isalnum():
                return None
    return sides


def _load_concepts(path: Path) -> tuple[Concept, ...]:
    rows = _read_csv(path, ("id", "name", "definition"))
    by_id, problems = {}, []
    for number, row in rows:
        concept_id = (row.get("id") or "").strip()
        if concept_id not in CONCEPT_IDS:
            problems.append(f"row {number}, column id: {concept_id!r} is not a concept of the spec")
        elif concept_id in by_id:
            problems.append(f"row {number}, column id: {concept_id!r} appears twice")
        else:
            by_id[concept_id] = Concept(concept_id, (row.get("name") or concept_id).strip(), (row.get("definition") or "").strip())
    missing = [c for c in CONCEPT_IDS if c not in by_id and not any(c in p for p in problems)]
    problems += [f"concept {c} is missing" for c in missing]
    if problems:
        raise TaxonomyError(str(path), problems)
    return tuple(by_id[c] for c in CONCEPT_IDS)


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    if path.exists() and not path.is_file():     # a device or a pipe would be read for ever ("/dev/zero")
        raise TaxonomyError(str(path), ["is not a file; pass a CSV file (concept,lang,kind,term)"])
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, strict=True)        # strict: an unclosed quote is an error, not a row
            header = reader.fieldnames or []
            missing = [column for column in required if column not in header]
            if missing:
                raise TaxonomyError(str(path), [f"header: missing column(s) {', '.join(missing)}; "
                                                f"expected {','.join(required)}"])
            extra = []
            for row in reader:
                rows.append((reader.line_num, row))           # the file's line: blank lines counted too
                if row.get(None):                             # DictReader's restkey: the fields past the header
                    extra.append(f"row {reader.line_num}: {len(row[None])} field(s) more than the header "
                                 f"({', '.join(header)}); put a value that holds a comma (a term) in double quotes")
            if extra:
                raise TaxonomyError(str(path), extra)
            return rows
    except csv.Error as exc:        # an unclosed quote, or a field longer than the csv module takes (128 KB)
        line = (rows[-1][0] if rows else 1) + 1     # the line after the last row read: where the bad row starts
        raise TaxonomyError(str(path), [f"row {line}: not a readable CSV row ({exc}); check its quotes"]) from exc
    except OSError as exc:
        raise TaxonomyError(str(path), [f"cannot be read ({exc.strerror}); pass --taxonomy with an existing file"]) from exc
    except UnicodeDecodeError as exc:
        raise TaxonomyError(str(path), [f"is not UTF-8 ({exc}); save it as 'CSV UTF-8' from Excel"]) from exc
