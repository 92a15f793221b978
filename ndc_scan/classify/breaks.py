"""Targets of a sentence that a page break cuts in two.

Passages are per page, so a sentence that runs from one page onto the next is two passages: "…including by
restoring an additional 15 million hectares of" ends page 7 of Brazil's INDC, "degraded pasturelands by 2030 and …"
opens page 8. Each half alone has no target: the figure is on one page, the concept (or the year) on the other.

A passage **runs on** when it ends open with a word that cannot end a sentence, written in lower case and standing
alone: a preposition, an article, a conjunction ("of", "with", "de", "des", "para", "и"…), or a comma or hyphen;
and it is the last paragraph of its page, but for footnotes ("10 Sources: …") and side cells or captions that close
no sentence after it; and the next page opens with a paragraph that starts in lower case, under the same headings
(no list item such as "ii." or "b)", no heading in between). Arabic has no case and is left alone.

The two halves are read together: the passage and the next page's first sentence, joined by a space, go through
the same rules as any passage (``rules.Levels``: ties, aims, context). A target they find that neither half finds
alone (by value, unit and year, for its concept; the next page's figure in any year: it is listed there already) is
the passage's: it is cited on the page where its sentence
begins, with the whole sentence as its quote, and its offsets index that joined text. A concept named only on the
next page gets a label on this passage, level quantified target, copied from the next page's label of that
concept (its terms, confidence, model verdict); a label the learned model overruled gets none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Optional

from ..records import Match, Passage, Prediction, Target
from .cues import LIST_ITEM
from .rules import Levels
from .targets import sentence_bounds

#: Words that do not end a sentence, per language (lower case): a page that ends on one of them goes on overleaf.
_OPEN_WORDS = frozenset("""
    a an the of to in on at by for from with into onto through about between among under over than as and or nor
    including such its their our this these those which whose that per via towards toward within without
    de des du la le les l d et ou à au aux en par pour sur dans avec un une son sa ses leur leurs ce cette ces qui
    que dont notamment entre sous vers selon afin
    del el los las y o al con su sus para por una desde hasta sobre según mediante e em no na nos nas da do das dos
    com um uma pelo pela pelos pelas ao aos
    и в во на с со по для к ко от из о об до а или что как при за под над между через их его ее её
""".split())
_LAST_WORD = re.compile(r"(?:^|\s)([^\W\d_]+)$")       # a word of letters that stands alone: not "a(ii)a"
_OPEN_END = re.compile(r"[\w,(\-–]\s*$")
#: A footnote at the foot of a page: its number, then its text ("10 Sources: EPE. Balanço Energético Nacional …").
_FOOTNOTE = re.compile(r"^\s*(?:\d{1,3}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*[^\W\d_]")
_CLOSED = (".", ";", ":", "!", "?", "»", '"', "”")


def runs_on(passage: Passage) -> bool:
    """Whether ``passage`` ends in the middle of a sentence (an open word, a comma or a hyphen last)."""
    text = passage.text.rstrip()
    if not _OPEN_END.search(text):
        return False
    if text.endswith((",", "-", "–", "(")):
        return True
    last = _LAST_WORD.search(text)
    return last is not None and last.group(1).islower() and last.group(1) in _OPEN_WORDS


def goes_on(passage: Passage) -> bool:
    """Whether ``passage`` starts in the middle of a sentence: a lower-case letter first, no list item."""
    text = passage.text.lstrip()
    return (bool(text) and text[0].isalpha() and text[0].islower() and not LIST_ITEM.match(text)
            and not text.startswith("o "))                  # a letter o drawn as a bullet


def continuations(passages: Sequence[Passage]) -> list[tuple[Passage, Passage]]:
    """(passage, its continuation) for each page break that cuts a sentence (passages in reading order)."""
    by_page: dict[int, list[Passage]] = {}
    for passage in passages:
        by_page.setdefault(passage.page_no, []).append(passage)
    pairs = []
    for page_no, on_page in by_page.items():
        following = by_page.get(page_no + 1)
        if not following or following[0].kind != "paragraph" or not goes_on(following[0]):
            continue
        for index in range(len(on_page) - 1, -1, -1):
            passage = on_page[index]
            if passage.kind == "paragraph" and runs_on(passage):
                if passage.heading_path == following[0].heading_path:
                    pairs.append((passage, following[0]))
                break
            if not _aside(passage):
                break
    return pairs


def _aside(passage: Passage) -> bool:
    """Whether a passage after the last line of a page's text can be set apart from it: a footnote, or a side cell or
    caption that closes no sentence ("Reduced GHG emissions … through agro forestry practices", RWA 2015 p5)."""
    return bool(_FOOTNOTE.match(passage.text)) or not passage.text.rstrip().endswith(_CLOSED)


def joined(before: Passage, after: Passage) -> tuple[Passage, int]:
    """The passage ``before`` with the first sentence of ``after`` added after a space (offsets of ``before``'s
    text stay; its page, heading and kind too), and where ``after``'s text starts in it."""
    first = sentence_bounds(after.text)
    cut = first[0][1] if first else len(after.text)
    text = before.text + " " + after.text[:cut]
    return replace(before, end=before.start + len(text), text=text), len(before.text) + 1


def across_breaks(passages: Sequence[Passage], found: Mapping[str, list[Match]], predictions: Sequence[Prediction],
                  language: Optional[str] = None) -> list[Prediction]:
    """``predictions`` with the targets of sentences cut by a page break given to the passage where each begins."""
    pairs = continuations(passages)
    if not pairs:
        return list(predictions)
    labels = {(p.passage_id, p.concept): p for p in predictions}
    added: dict[tuple[str, str], Prediction] = {}
    for before, after in pairs:
        both, shift = joined(before, after)
        if not any(c.isdigit() for c in both.text):
            continue
        matches = list(found.get(before.passage_id, ())) + [
            replace(m, passage_id=before.passage_id, start=m.start + shift, end=m.end + shift)
            for m in found.get(after.passage_id, ()) if m.end + shift <= len(both.text)]
        for concept, targets in Levels(both, matches, language).targets.items():
            mine = labels[(before.passage_id, concept)].targets if (before.passage_id, concept) in labels else ()
            theirs = labels[(after.passage_id, concept)].targets if (after.passage_id, concept) in labels else ()
            # new: not this page's own (a yearless twin of it is replaced), nor the next page's figure in any year
            new = [t for t in targets
                   if not any(_same(t, o) for o in mine) and not any(_figure(t) == _figure(o) for o in theirs)]
            if not new:
                continue
            key = (before.passage_id, concept)
            label = added.get(key) or labels.get(key) or _copied(labels.get((after.passage_id, concept)), before)
            if label is None or not label.counted:
                continue
            kept = tuple(t for t in label.targets if not any(_figure(t) == _figure(n) for n in new))
            added[key] = replace(label, level=3, rule_level=3, targets=kept + tuple(new))
    return [added.pop((p.passage_id, p.concept), p) for p in predictions] + list(added.values())


def _copied(label: Optional[Prediction], passage: Passage) -> Optional[Prediction]:
    """The next page's label of a concept, as a label of ``passage`` (None when there is none)."""
    return None if label is None else replace(label, passage_id=passage.passage_id, targets=())


def _figure(target: Target) -> tuple:
    return target.norm_value, target.norm_value_max, target.norm_unit


def _same(target: Target, other: Target) -> bool:
    return _figure(target) == _figure(other) and target.year == other.year
