"""The workbench in headless Chromium (Playwright), served by uvicorn on 127.0.0.1 as ``ndc-scan serve`` does.

Overview filtered and sorted, a French phrase searched, highlight boxes checked against PDFium's own
positions of the quoted words, five items reviewed with the keyboard and found again after a reload, two
browser contexts reviewing at once, a hostile PDF's text shown as text, and a request without the token
refused when the workbench is open to the network. With ``NDC_SCAN_SCREENSHOTS=1`` the tests write the
README's screenshots into ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from urllib.parse import quote

import pytest

from ndc_scan.serve.app import create_app
from ndc_scan.serve.workbench import Workbench
from ndc_scan.store import Store

from .conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow
SHOTS = ROOT / "docs" / "screenshots"


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 in a thread of the test process."""

    def __init__(self, app):
        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def store(workbench_scan, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "store.sqlite"
    shutil.copy(workbench_scan, path)
    return path


@pytest.fixture(scope="module")
def live(store):
    with LiveServer(create_app(Workbench(store))) as server:
        yield server


class Watched:
    """A browser context whose console errors and requests are recorded (every request must stay on the server)."""

    def __init__(self, browser, live, reviewer: str | None = None):
        self.context = browser.new_context(viewport={"width": 1360, "height": 900})
        if reviewer:
            self.context.add_cookies([{"name": "ndc_reviewer", "value": quote(reviewer), "url": live.url}])
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.live = live

    def go(self, path: str):
        return self.page.goto(self.live.url + path, wait_until="load")

    def outside(self) -> list[str]:
        return [url for url in self.requests if not url.startswith((self.live.url, "data:"))]

    def close(self) -> None:
        self.context.close()


def rows(page) -> list[str]:
    return page.eval_on_selector_all("#matrix tbody th a", "links => links.map(a => a.textContent)")


def test_overview_filters_and_sorts_in_the_browser(browser, live):
    watched = Watched(browser, live)
    page = watched.page
    watched.go("/")
    assert set(rows(page)) == {"Niger", "Qatar", "unknown"}
    page.check("input[name=concept][value=land_restoration]")
    page.check("input[name=level][value='3']")
    page.click("button:has-text('Apply')")
    page.wait_for_url("**/?*level=3*")
    assert rows(page) == ["Niger", "unknown"]
    assert page.inner_text("#matrix thead").count("Land restoration") == 1           # one concept column shown
    page.uncheck("input[name=level][value='3']")
    page.click("button:has-text('Apply')")
    page.wait_for_load_state("load")
    page.click("#matrix thead a:has-text('Country')")                                  # sorted: descending now
    page.wait_for_load_state("load")
    assert rows(page) == sorted(rows(page), key=str.casefold, reverse=True)
    page.click("#matrix thead a:has-text('Land restoration')")                        # strongest level first
    page.wait_for_load_state("load")
    assert rows(page)[0] in ("Niger", "unknown") and rows(page)[-1] == "Qatar"
    watched.go("/")
    page.click("#world path[data-iso3=NER]")
    page.wait_for_url("**/country/NER")
    assert "Levels per concept" in page.inner_text("main")
    assert watched.errors == [] and watched.outside() == []
    watched.close()


def test_search_a_french_phrase(browser, live):
    watched = Watched(browser, live)
    page = watched.page
    watched.go("/")
    page.fill("header input[name=q]", '"restauration des terres"')
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.inner_text(".hits h2 a") == "Niger"
    marks = page.eval_on_selector_all(".hits mark", "marks => marks.map(m => m.textContent.toLowerCase())")
    assert marks and set(marks) == {"restauration des terres"}
    page.click(".hits li a >> nth=0")
    page.wait_for_url("**/evidence/*")
    assert watched.errors == [] and watched.outside() == []
    watched.close()


def test_highlight_boxes_lie_over_the_quoted_words_on_the_rendered_page(browser, live, store):
    """The boxes drawn over the page are where PDFium itself finds the matched words (its text search)."""
    import pypdfium2

    with Store(store, create=False) as db:
        label = next(r for r in db.labels_that_count() if r["iso3"] == "NER" and r["concept"] == "land_restoration"
                     and "restauration des terres" in r["text"].lower())
        path = db.document(label["doc_id"]).path
    watched = Watched(browser, live)
    page = watched.page
    watched.go(f"/evidence/{label['passage_id']}?concept=land_restoration")
    page.wait_for_function("document.getElementById('page-image').complete && "
                           "document.getElementById('page-image').naturalWidth > 0")
    image = page.locator("#page-image").bounding_box()
    own = page.locator("rect.hl.own")
    drawn = [own.nth(i).bounding_box() for i in range(own.count())
             if "restauration des terres" in (own.nth(i).text_content() or "").lower()]     # <title>: concept: words
    lines = [page.locator("rect.hl.passage").nth(i).bounding_box() for i in range(page.locator("rect.hl.passage").count())]
    assert drawn and lines
    fractions = [((b["x"] - image["x"]) / image["width"], (b["y"] - image["y"]) / image["height"],
                  (b["x"] + b["width"] - image["x"]) / image["width"],
                  (b["y"] + b["height"] - image["y"]) / image["height"]) for b in drawn]
    pdf = pypdfium2.PdfDocument(path)
    pdf_page = pdf[label["page_no"] - 1]
    width, height = pdf_page.get_size()
    textpage = pdf_page.get_textpage()
    found = []
    searcher = textpage.search("restauration des terres", match_case=False)
    while (hit := searcher.get_next()) is not None:
        start, count = hit
        boxes = [textpage.get_charbox(i, loose=False) for i in range(start, start + count)]
        boxes = [b for b in boxes if b[2] > b[0]]
        found.append((min(b[0] for b in boxes) / width, 1 - max(b[3] for b in boxes) / height,
                      max(b[2] for b in boxes) / width, 1 - min(b[1] for b in boxes) / height))
    searcher.close()
    textpage.close()
    pdf.close()
    assert found, "PDFium finds the phrase on the page"

    def overlap(a, b) -> float:
        w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
        h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
        return w * h / ((b[2] - b[0]) * (b[3] - b[1]))

    for box in fractions:                                  # every highlighted term lies on a word PDFium found
        assert max(overlap(box, word) for word in found) > 0.5, (box, found)
    for word in found:                                     # and the passage highlight covers the whole phrase
        assert max(overlap(b, word) for b in [((box["x"] - image["x"]) / image["width"],
                                                (box["y"] - image["y"]) / image["height"],
                                                (box["x"] + box["width"] - image["x"]) / image["width"],
                                                (box["y"] + box["height"] - image["y"]) / image["height"])
                                               for box in lines]) > 0.8
    assert watched.errors == [] and watched.outside() == []
    watched.close()


def _progress(page) -> str:
    return page.inner_text("#progress")


def _press(page, *keys: str) -> None:
    """Press keys that end in a decision and wait for the next item (or the end of the queue)."""
    before = page.get_attribute("#item", "data-key")
    with page.expect_navigation():
        for key in keys:
            page.keyboard.press(key)
    page.wait_for_load_state("load")
    assert page.locator("#item").count() == 0 or page.get_attribute("#item", "data-key") != before


def test_review_five_items_with_the_keyboard_and_find_them_after_a_reload(browser, live, store):
    watched = Watched(browser, live)
    page = watched.page
    watched.go("/review?country=NER")
    page.wait_for_url("**/reviewer?next=*")
    page.fill("input[name=name]", "Ana Diallo")
    page.click("button:has-text('Start reviewing')")
    page.wait_for_url("**/review?country=NER")
    assert "decided 0" in _progress(page)
    keys = page.inner_text(".keys")
    for label in ("a accept", "r reject", "l level", "c concepts", "i ignore", "s skip", "u undo"):
        assert label in " ".join(keys.split())
    _press(page, "a")
    _press(page, "r")
    _press(page, "l", "2")
    page.keyboard.press("c")
    assert page.is_visible("#concepts-panel")
    _press(page, "9", "Enter", "Enter")                   # wetlands, at the item's own level
    _press(page, "i")
    assert "decided 5" in _progress(page)
    page.reload()
    assert "decided 5" in _progress(page)
    with Store(store, create=False) as db:
        stored = db.decisions(reviewer="Ana Diallo")
    assert [d.decision for d in stored][:2] == ["accept", "reject"] and stored[4].decision == "ignore"
    assert stored[2].decision in ("accept", "correct") and stored[2].level == 2
    assert stored[3].decision == "correct" and stored[3].concepts == ("wetlands",)
    _press(page, "u")                                      # undo: the ignore is taken back
    with Store(store, create=False) as db:
        assert len(db.decisions(reviewer="Ana Diallo")) == 4
    assert watched.errors == [] and watched.outside() == []
    watched.close()


def test_two_browser_contexts_review_at_the_same_time(browser, live, store):
    """Two reviewers, and one reviewer in a second browser, decide in turns on one queue: nothing is lost or doubled."""
    with Store(store, create=False) as db:
        before = len(db.decisions())
    ben, carla, ben_again = (Watched(browser, live, reviewer=name) for name in ("Ben", "Carla", "Ben"))
    for watched in (ben, carla, ben_again):
        watched.go("/review?country=NER")
    for _ in range(5):
        for watched, key in ((ben, "a"), (carla, "r"), (ben_again, "a")):
            if watched.page.locator("#item").count():
                _press(watched.page, key)
    with Store(store, create=False) as db:
        decisions = db.decisions()[before:]
    by_ben = [d.key for d in decisions if d.reviewer == "Ben"]
    assert len([d for d in decisions if d.reviewer == "Carla"]) == 5
    assert len(by_ben) == len(set(by_ben)) >= 5           # Ben's two browsers never decide one label twice
    carla.page.reload()
    assert "decided 5" in _progress(carla.page)
    for watched in (ben, carla, ben_again):
        assert watched.errors == []
        watched.close()


def test_hostile_pdf_text_is_shown_as_text(browser, live, store):
    with Store(store, create=False) as db:
        passages = [r["passage_id"] for r in db.labels_that_count() if r["file_name"] == "hostile_workbench.pdf"]
    watched = Watched(browser, live)
    page = watched.page
    for passage_id in dict.fromkeys(passages):
        watched.go(f"/evidence/{passage_id}")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("#passage img").count() == 0 and page.locator("a[href^='javascript:']").count() == 0
    watched.go("/search?q=onerror")
    assert "<img src=x onerror=" in page.inner_text(".hits")
    watched.go("/search?q=gpj")
    assert "[U+202E]gpj.exe" in page.inner_text(".hits")  # the override is shown, and turns nothing around
    assert page.evaluate("window.__pwned") is None
    assert watched.outside() == []
    watched.close()


def test_a_request_without_the_token_is_refused_when_open_to_the_network(browser, store):
    """The app as ``ndc-scan serve --host 0.0.0.0`` makes it (served here on 127.0.0.1 only)."""
    token = "k" * 32
    with LiveServer(create_app(Workbench(store), host="0.0.0.0", token=token)) as server:
        context = browser.new_context()
        page = context.new_page()
        refused = page.goto(server.url + "/")
        assert refused.status == 401 and "needs its access token" in page.inner_text("body")
        assert page.goto(server.url + "/static/workbench.js").status == 401
        opened = page.goto(f"{server.url}/?token={token}")
        assert opened.status == 200 and page.url == server.url + "/"                 # the token left the address
        assert page.goto(server.url + "/country/NER").status == 200                   # the cookie carries it
        context.close()
        other = browser.new_context()
        assert other.new_page().goto(server.url + "/country/NER").status == 401       # another browser: refused
        other.close()


@pytest.mark.skipif(not os.environ.get("NDC_SCAN_SCREENSHOTS"), reason="writes the README's screenshots: "
                    "NDC_SCAN_SCREENSHOTS=1 python -m pytest tests/test_serve_browser.py -k screenshots")
def test_readme_screenshots(browser, tmp_path):
    """docs/screenshots/*.png: the workbench on the 8 sample NDCs, as small palette PNGs."""
    from PIL import Image

    from ndc_scan import scan
    from ndc_scan.defaults import DEFAULT_MODEL_DIR

    store = tmp_path / "store.sqlite"
    scan([SAMPLE], out=None, store=store, model=DEFAULT_MODEL_DIR, ocr=False, jobs=2)
    with Store(store, create=False) as db:
        label = next(r for r in db.labels_that_count() if r["iso3"] == "NER" and r["concept"] == "land_restoration"
                     and "restauration des terres" in r["text"].lower())
    SHOTS.mkdir(parents=True, exist_ok=True)
    with LiveServer(create_app(Workbench(store))) as server:
        watched = Watched(browser, server, reviewer="Ana Diallo")
        for name, path in (("overview", "/?sort=land_restoration&dir=desc"), ("country", "/country/NER"),
                           ("search", "/search?q=%22restauration+des+terres%22"),
                           ("evidence", f"/evidence/{label['passage_id']}?concept=land_restoration"),
                           ("review", "/review?country=NER")):
            watched.go(path)
            watched.page.wait_for_load_state("networkidle")
            shot = SHOTS / f"{name}.png"
            watched.page.screenshot(path=str(shot))
            Image.open(shot).convert("RGB").quantize(colors=96).save(shot, optimize=True)
            assert shot.stat().st_size < 400_000
        assert watched.errors == []
        watched.close()
