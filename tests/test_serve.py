"""The workbench (``ndc-scan serve``) in-process: pages, downloads, search, evidence, review, and every security item.

Requests go through Starlette's test client to the whole app, security layer included; the browser tests
(``test_serve_browser.py``) drive the same app in headless Chromium.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import openpyxl
import pytest
from click.testing import CliRunner

from ndc_scan.cli import main
from ndc_scan.records import Decision
from ndc_scan.review.queue import Filters, load_queue
from ndc_scan.serve import server
from ndc_scan.serve.app import create_app
from ndc_scan.serve.security import CSP, PDF_CSP
from ndc_scan.serve.workbench import Workbench
from ndc_scan.store import Store, scan_in_progress
from ndc_scan.store import search as search_index

from .conftest import sql

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
LOCAL = "http://127.0.0.1:8765"


def client(store, *, host="127.0.0.1", token=None, reviewer=None, base=LOCAL):
    from starlette.testclient import TestClient

    made = TestClient(create_app(Workbench(store), host=host, token=token), base_url=base, follow_redirects=False)
    if reviewer:
        made.cookies.set("ndc_reviewer", quote(reviewer))
    return made


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def item_key(page: str) -> str:
    return re.search(r'id="item" data-key="([^"]+)"', page).group(1)


def post(browser, action: str, page: str, **fields):
    return browser.post(f"/review/{action}", data={"csrf": csrf(page), "key": item_key(page),
                                                   "next": fields.pop("next", "/review"), **fields})


# ---------------------------------------------------------------------------------------------- overview


def test_overview_filters_by_level_and_concept_and_sorts(workbench_store):
    browser = client(workbench_store)
    everything = browser.get("/")
    assert everything.status_code == 200
    assert "Niger" in everything.text and "Qatar" in everything.text
    targets = browser.get("/?concept=land_restoration&level=3")
    rows = re.findall(r'<th scope="row"><a href="/country/(\w+)"', targets.text)
    assert rows == ["NER", "unknown"]        # Niger, and the hostile fixture (no country) restores 30 000 ha
    none = browser.get("/?concept=peatlands&level=3")
    assert re.findall(r'<th scope="row">', none.text) == []
    by_level = browser.get("/?sort=land_restoration&dir=desc")
    order = re.findall(r'<th scope="row"><a href="/country/(\w+)"', by_level.text)
    assert order[0] == "NER"
    ascending = browser.get("/?sort=country&dir=asc")
    names = re.findall(r'<th scope="row"><a href="/country/\w+">([^<]+)</a>', ascending.text)
    assert names == sorted(names, key=str.casefold)
    assert browser.get("/?sort=country&dir=desc").text.index("Qatar") < browser.get("/?sort=country&dir=desc").text.index(">Niger<")
    odd = browser.get("/?level=7&concept=nonsense&sort=evil")
    dropped = re.search(r'class="problem">Not understood and left out: ([^<]*)\.<', odd.text).group(1)
    assert sorted(dropped.split(", ")) == ["concept=nonsense", "level=7", "sort=evil"]


def test_overview_filters_by_language_kind_and_region(workbench_store):
    browser = client(workbench_store)
    arabic = browser.get("/?language=ar")
    assert re.findall(r'<th scope="row"><a href="/country/(\w+)"', arabic.text) == ["QAT"]
    africa = browser.get("/?region=Sub-Saharan+Africa&kind=indc")
    assert re.findall(r'<th scope="row"><a href="/country/(\w+)"', africa.text) == ["NER"]
    assert 'data-iso3="NER" fill="#1a7f37"' in browser.get("/?map=land_restoration").text   # the map: Niger quantifies
    every = browser.get("/?versions=all")
    assert re.search(r"3 documents shown of 3\s+\(every document\)", every.text)
    assert "<small>hostile_workbench.pdf</small>" in every.text


def test_overview_downloads_are_the_view(workbench_store):
    browser = client(workbench_store)
    csv_answer = browser.get("/overview.csv?concept=land_restoration&concept=soil_carbon&level=3&language=fr")
    assert csv_answer.headers["content-type"].startswith("text/csv")
    lines = csv_answer.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("iso3,country,document,kind,year,language,region,income_group,read_status,soil_carbon,"
                               "land_restoration,found,to_review,reviewed,doc_id")
    assert len(lines) == 2 and lines[1].startswith("NER,Niger,NER_indc_2015.pdf,INDC,2015,fr,Sub-Saharan Africa")
    assert ",absent,quantified target," in lines[1]
    workbook = openpyxl.load_workbook(io.BytesIO(browser.get("/overview.xlsx?language=fr").content))
    sheet = workbook["overview"]
    assert [c.value for c in sheet[1]][:3] == ["iso3", "country", "document"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["NER"]
    assert sheet.freeze_panes == "C2"
    assert browser.get("/overview.pdf").status_code == 404


# ---------------------------------------------------------------------------------------------- search


def test_search_finds_a_french_phrase_grouped_by_country(workbench_store):
    browser = client(workbench_store)
    found = browser.get("/search?q=%22restauration+des+terres%22")
    assert found.status_code == 200
    assert re.search(r"<h2><a href=\"/country/NER\">Niger</a> <small>\d+</small></h2>", found.text)
    assert "<mark>restauration des terres</mark>" in found.text.lower() or "<mark>Restauration des terres</mark>" in found.text
    folded = browser.get("/search?q=terres+degradees")          # accents and capitals ignored
    assert "/country/NER" in folded.text
    arabic = browser.get("/search?q=" + quote('"سطح البحر"'))
    assert "/country/QAT" in arabic.text


@pytest.mark.parametrize("text", ['"', "NEAR(", "*", "a OR", ")", "OR OR", "col:x", "^x", "'", "-x", "\u202e"])
def test_search_never_fails_on_query_syntax(workbench_store, text):
    """Words are always quoted for FTS5, so nothing a user types is an FTS5 syntax error."""
    assert client(workbench_store).get("/search?q=" + quote(text)).status_code == 200


def test_search_index_is_built_on_demand_and_again_after_a_scan(workbench_store):
    with Store(workbench_store, create=False) as db:
        assert not search_index.is_fresh(db)
        assert search_index.build(db) > 100
        assert search_index.is_fresh(db)
        db.db.execute("UPDATE documents SET extracted_at = extracted_at + 1")    # as a scan re-reading a file does
        db.db.commit()
        assert not search_index.is_fresh(db)
    assert "/country/NER" in client(workbench_store).get("/search?q=restauration").text      # rebuilt by the search
    with Store(workbench_store, create=False) as db:
        assert search_index.is_fresh(db)


# ---------------------------------------------------------------------------------------------- evidence


def _passage_with_term(store, concept="land_restoration"):
    with Store(store, create=False) as db:
        return next(r for r in db.labels_that_count() if r["concept"] == concept and r["iso3"] == "NER"
                    and r["terms"])


def test_evidence_view_shows_the_passage_its_terms_and_evidence(workbench_store):
    label = _passage_with_term(workbench_store)
    page = client(workbench_store).get(f"/evidence/{label['passage_id']}?concept=land_restoration")
    assert page.status_code == 200
    assert '<img src="/page/' in page.text and f'/{label["page_no"]}.jpg"' in page.text
    assert page.text.count('<rect class="hl passage"') >= 1 and page.text.count('<rect class="hl own"') >= 1
    assert f'href="/pdf/{label["doc_id"]}#page={label["page_no"]}"' in page.text
    assert "Land restoration and degradation neutrality" in page.text and "Around it" in page.text
    if label["heading_path"]:
        assert "Section:" in page.text
    image = client(workbench_store).get(f"/page/{label['doc_id']}/{label['page_no']}.jpg")
    assert image.headers["content-type"] == "image/jpeg" and image.content[:3] == b"\xff\xd8\xff"
    for page_no in (0, 999):                                  # no such page: not found, not an error
        assert client(workbench_store).get(f"/page/{label['doc_id']}/{page_no}.jpg").status_code == 404
    pdf = client(workbench_store).get(f"/pdf/{label['doc_id']}")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_store_without_boxes_shows_the_page_and_says_what_to_run(workbench_store):
    """A store scanned before schema 6 has no word boxes: the page is shown without highlights, with the command."""
    label = _passage_with_term(workbench_store)
    with Store(workbench_store, create=False) as db:
        db.db.execute("DELETE FROM page_boxes")
        db.db.commit()
        assert not db.is_current(label["doc_id"], "pdfplumber-2", ocr=False)     # the next scan reads it again
    page = client(workbench_store).get(f"/evidence/{label['passage_id']}")
    assert page.status_code == 200 and '<rect class="hl' not in page.text and "<img src=\"/page/" in page.text
    assert "scanned before word boxes were kept" in page.text
    assert re.search(r"<code>ndc-scan scan \S+/in --store \S+store.sqlite</code>", page.text)


def test_missing_pdf_is_named_with_the_remedy(workbench_store, tmp_path):
    label = _passage_with_term(workbench_store)
    with Store(workbench_store, create=False) as db:
        db.db.execute("UPDATE documents SET path = ? WHERE doc_id = ?", (str(tmp_path / "gone.pdf"), label["doc_id"]))
        db.db.commit()
    page = client(workbench_store).get(f"/evidence/{label['passage_id']}")
    assert "start the workbench with <code>--pdfs FOLDER</code>" in page.text and "<img" not in page.text
    assert client(workbench_store).get(f"/page/{label['doc_id']}/1.jpg").status_code == 404
    assert client(workbench_store).get("/evidence/" + "0" * 24).status_code == 404


# ---------------------------------------------------------------------------------------------- review


def test_review_asks_the_name_once_and_remembers_it(workbench_store):
    browser = client(workbench_store)
    first = browser.get("/review?country=NER")
    assert first.status_code == 303 and first.headers["location"].startswith("/reviewer?next=")
    form = browser.get(first.headers["location"])
    bad = browser.post("/reviewer", data={"csrf": csrf(form.text), "name": "   ", "next": "/review"})
    assert bad.status_code == 400 and "Not a usable name" in bad.text
    good = browser.post("/reviewer", data={"csrf": csrf(form.text), "name": "Ana Diallo", "next": "/review?country=NER"})
    assert good.status_code == 303 and good.headers["location"] == "/review?country=NER"
    assert browser.get("/review?country=NER").status_code == 200
    assert "Reviewer: Ana Diallo" in browser.get("/").text
    away = browser.post("/reviewer", data={"csrf": csrf(form.text), "name": "Ana", "next": "//evil.example/x"})
    assert away.headers["location"] == "/"                    # never a return address on another site


def test_review_decisions_are_the_records_the_terminal_writes(workbench_store):
    browser = client(workbench_store, reviewer="ana")
    with Store(workbench_store, create=False) as db:
        queue = load_queue(db, "ana", Filters(countries=("NER",)))
    page = browser.get("/review?country=NER")
    assert item_key(page.text) == f"{queue[0].text_hash}:{queue[0].concept}"     # the terminal's order
    assert f"1/{len(queue)} · decided 0 · skipped 0 · left {len(queue)}" in page.text
    for key in ("a", "r", "l", "c", "i", "s", "u"):
        assert f'data-key="{key}"' in page.text
    done = post(browser, "accept", page.text, next="/review?country=NER")
    assert done.status_code == 303 and done.headers["location"].startswith("/review?country=NER&done=Stored")
    page = browser.get("/review?country=NER")
    assert item_key(page.text) == f"{queue[1].text_hash}:{queue[1].concept}"
    post(browser, "level", page.text, level="1")                 # a level correction
    page = browser.get("/review?country=NER")
    post(browser, "correct", page.text, concepts=["wetlands", "peatlands"], level="2")
    page = browser.get("/review?country=NER")
    post(browser, "ignore", page.text)
    page = browser.get("/review?country=NER")
    skipped = item_key(page.text)
    post(browser, "skip", page.text)
    with Store(workbench_store, create=False) as db:
        stored = db.decisions(reviewer="ana")
        sources = {r["source"] for r in sql(db, "SELECT source FROM decisions")}
    assert [d.decision for d in stored] == ["accept", "correct", "correct", "ignore"]
    assert all(isinstance(d, Decision) for d in stored) and sources == {"workbench"}
    assert stored[0].level == queue[0].level and stored[0].passage_id == queue[0].passage_id
    assert stored[1].level == 1 and stored[1].concepts == (queue[1].concept,)
    assert stored[2].concepts == ("peatlands", "wetlands") and stored[2].level == 2    # in the spec's order
    assert skipped not in {f"{d.text_hash}:{d.concept}" for d in stored}                # a skip is not stored
    page = browser.get("/review?country=NER")
    assert "decided 4 · skipped 1" in page.text
    browser.post("/review/undo", data={"csrf": csrf(page.text), "next": "/review?country=NER"})   # the skip
    undone = browser.post("/review/undo", data={"csrf": csrf(page.text), "next": "/review?country=NER"})
    assert "done=Undone%3A+ignore" in undone.headers["location"]
    with Store(workbench_store, create=False) as db:
        assert [d.decision for d in db.decisions(reviewer="ana")] == ["accept", "correct", "correct"]
    assert item_key(browser.get("/review?country=NER").text) == f"{stored[3].text_hash}:{stored[3].concept}"


def test_a_key_pressed_twice_stores_one_decision(workbench_store):
    browser = client(workbench_store, reviewer="ana")
    page = browser.get("/review")
    post(browser, "accept", page.text)
    again = post(browser, "reject", page.text)                  # the same item's form, sent again
    assert "Already+decided" in again.headers["location"]
    with Store(workbench_store, create=False) as db:
        assert [d.decision for d in db.decisions()] == ["accept"]


def test_two_browsers_reviewing_at_once_lose_nothing(workbench_store):
    """Two reviewers, and one reviewer in two browsers, deciding at the same time: every decision is stored once."""
    ana, ben, ana_again = (client(workbench_store, reviewer=name) for name in ("ana", "ben", "ana"))
    errors: list[str] = []

    def review(browser, action, times):
        for _ in range(times):
            page = browser.get("/review?country=NER")
            if 'id="item"' not in page.text:
                return
            answer = post(browser, action, page.text, next="/review?country=NER")
            if answer.status_code != 303:
                errors.append(answer.text)

    threads = [threading.Thread(target=review, args=args) for args in ((ana, "accept", 6), (ben, "reject", 6),
                                                                       (ana_again, "accept", 6))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(workbench_store, create=False) as db:
        decisions = db.decisions()
    by_ana = [d.key for d in decisions if d.reviewer == "ana"]
    assert len([d for d in decisions if d.reviewer == "ben"]) == 6
    assert len(by_ana) == len(set(by_ana)) >= 6                 # ana's two browsers never decided one label twice
    stats = client(workbench_store).get("/stats").text
    assert 'id="disputes"' in stats                              # ana accepted what ben rejected: shown as disputes
    assert re.search(r"<th scope=\"row\">ben</th><td class=\"num\">6</td>", stats)


def test_stats_show_kappa_and_disputes(workbench_store):
    ana, ben = client(workbench_store, reviewer="ana"), client(workbench_store, reviewer="ben")
    for browser, action in ((ana, "accept"), (ben, "reject"), (ana, "accept"), (ben, "accept")):
        post(browser, action, browser.get("/review?country=NER").text)
    stats = client(workbench_store).get("/stats").text
    assert 'id="disputes"' in stats and "; disputed: accepted by ana" in stats
    assert re.search(r"<th scope=\"row\">All concepts</th>(<td class=\"num\">[^<]*</td>){8}<td class=\"num\">0.5</td>",
                     stats)


def test_decisions_count_in_the_pages_without_a_rescan(workbench_store):
    workbench = Workbench(workbench_store)
    with Store(workbench_store, create=False) as db:
        target = next(i for i in load_queue(db, "ana", Filters(countries=("NER",), all_labels=True))
                      if i.concept == "land_restoration" and i.level == 3)
    before = workbench.refresh()
    from starlette.testclient import TestClient

    browser = TestClient(create_app(workbench), base_url=LOCAL, follow_redirects=False)
    browser.cookies.set("ndc_reviewer", "ana")
    page = browser.get("/review?country=NER&concept=land_restoration&all=1")
    while item_key(page.text) != f"{target.text_hash}:{target.concept}":
        post(browser, "skip", page.text, next="/review?country=NER&concept=land_restoration&all=1")
        page = browser.get("/review?country=NER&concept=land_restoration&all=1")
    post(browser, "reject", page.text)
    assert workbench.stale(before)
    browser.get("/")                                            # starts the rebuild in the background
    deadline = time.monotonic() + 60
    while (workbench.building() or workbench.stale(workbench.snapshot())) and time.monotonic() < deadline:
        time.sleep(0.2)
    country = browser.get("/country/NER").text
    assert "rejected by ana" in country


def test_a_metadata_change_makes_the_pages_stale(workbench_store):
    """A new --metadata file changes a document's country in place (no document added, nothing read again): the
    workbench's tables are stale after it (the store's generation, not counts of documents and labellings)."""
    import dataclasses

    workbench = Workbench(workbench_store)
    before = workbench.refresh()
    with Store(workbench_store) as db:
        document = db.document(db.document_ids()[0])
        db.update_meta(dataclasses.replace(document, meta=dataclasses.replace(document.meta, iso3="FRA")))
    assert workbench.stale(before)


# ---------------------------------------------------------------------------------------------- security


def test_bound_to_another_address_every_request_needs_the_token(workbench_store):
    token = "t" * 24
    with pytest.raises(ValueError, match="needs an access token"):
        create_app(Workbench(workbench_store), host="0.0.0.0")
    browser = client(workbench_store, host="0.0.0.0", token=token, base="http://192.0.2.7:8765")
    for path in ("/", "/static/workbench.css", "/search?q=x", "/stats", "/nowhere"):
        refused = browser.get(path)
        assert refused.status_code == 401 and "needs its access token" in refused.text
    assert browser.get("/", headers={"authorization": "Bearer wrong-token-of-length"}).status_code == 401
    assert browser.get("/?token=" + "u" * 24).status_code == 401
    local = client(workbench_store, host="0.0.0.0", token=token)          # from this machine too
    assert local.get("/").status_code == 401
    entry = browser.get(f"/search?q=sol&token={token}")
    assert entry.status_code == 303 and entry.headers["location"] == "/search?q=sol"     # token out of the address
    assert "ndc_token=" + token in entry.headers["set-cookie"] and "HttpOnly" in entry.headers["set-cookie"]
    assert browser.get("/search?q=sol").status_code == 200                 # the cookie carries it
    assert client(workbench_store, host="0.0.0.0", token=token).get(
        "/", headers={"authorization": f"Bearer {token}"}).status_code == 200


def test_loopback_workbench_refuses_other_host_names(workbench_store):
    """DNS rebinding: a site whose name points at 127.0.0.1 must not read the workbench."""
    browser = client(workbench_store, base="http://evil.example:8765")
    assert browser.get("/").status_code == 421
    assert client(workbench_store, base="http://localhost:8765").get("/").status_code == 200


@pytest.mark.parametrize("level", ["²", "9", "x"])
def test_regression_a_level_that_is_no_level_is_refused_not_a_server_error(workbench_store, level):
    # "²" passed str.isdigit() and int() raised: a 500 and a traceback in the server log (adversarial review).
    browser = client(workbench_store, reviewer="ana")
    page = browser.get("/review")
    answer = post(browser, "level", page.text, level=level)
    assert answer.status_code == 400 and "is not 1, 2 or 3" in answer.text
    with Store(workbench_store, create=False) as db:
        assert db.decisions() == []


def test_forms_need_the_sessions_csrf_secret(workbench_store):
    browser = client(workbench_store, reviewer="ana")
    page = browser.get("/review")
    forged = browser.post("/review/accept", data={"csrf": "forged", "key": item_key(page.text), "next": "/review"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    other_site = browser.post("/review/accept", headers={"origin": "http://evil.example"},
                              data={"csrf": csrf(page.text), "key": item_key(page.text), "next": "/review"})
    assert other_site.status_code == 403
    stranger = client(workbench_store, reviewer="ana")          # another browser: its own session and secret
    assert stranger.post("/review/accept", data={"csrf": csrf(page.text), "key": item_key(page.text),
                                                 "next": "/review"}).status_code == 403
    with Store(workbench_store, create=False) as db:
        assert db.decisions() == []
    assert "SameSite=Strict" in client(workbench_store).get("/").headers["set-cookie"]


def test_every_answer_has_a_content_security_policy_without_external_sources(workbench_store):
    browser = client(workbench_store, reviewer="ana")
    label = _passage_with_term(workbench_store)
    for path in ("/", "/search?q=terres", "/country/NER", f"/evidence/{label['passage_id']}", "/review", "/stats",
                 "/static/workbench.js", "/nowhere", "/country/XXX", f"/page/{label['doc_id']}/1.jpg"):
        answer = browser.get(path)
        assert answer.headers["content-security-policy"] == CSP, path
        assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["x-frame-options"] == "DENY"
        if answer.headers["content-type"].startswith("text/html"):
            assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", answer.text), path    # no inline script
            assert " style=" not in answer.text and "<style" not in answer.text, path        # no inline style
            assert not re.search(r"(src|href)=\"(https?:)?//", answer.text.replace('href="http://www4', "")), path
    assert "http" not in CSP and "'unsafe-inline'" not in CSP
    pdf = browser.get(f"/pdf/{label['doc_id']}")          # the browser's PDF viewer needs its own, still without script
    assert pdf.headers["content-security-policy"] == PDF_CSP and "script" not in PDF_CSP
    assert len(pdf.headers.get_list("content-security-policy")) == 1


def test_hostile_pdf_text_is_shown_as_text(workbench_store):
    with Store(workbench_store, create=False) as db:
        rows = [r for r in db.labels_that_count() if r["file_name"] == "hostile_workbench.pdf"]
    assert {r["concept"] for r in rows} >= {"land_restoration", "agroforestry"}
    browser = client(workbench_store, reviewer="ana")
    pages = [browser.get(f"/evidence/{r['passage_id']}").text for r in rows]
    pages.append(browser.get("/search?q=javascript").text)
    pages.append(browser.get("/search?q=onerror").text)
    pages.append(browser.get("/review?document=hostile_workbench.pdf&all=1").text)
    joined = "\n".join(pages)
    assert "&lt;img src=x onerror=&#34;window.__pwned=3&#34;&gt;" in joined or "&lt;img src=x onerror=" in joined
    assert "<img src=x" not in joined
    assert "\u202e" not in joined and "\u2067" not in joined            # direction controls never act ...
    assert "[U+202E]" in joined and "[U+2067]" in joined                # ... they are shown
    assert 'href="javascript:' not in joined and "javascript:alert(document.cookie)" in joined


def test_read_only_while_a_scan_writes_the_store(workbench_store):
    """A scan holding the store (another process): pages still answer, with a banner; decisions are refused."""
    browser = client(workbench_store, reviewer="ana")
    page = browser.get("/review")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom ndc_scan.store import Store\n"
        f"with Store({str(workbench_store)!r}) as db, db.lock():\n    print('held', flush=True)\n    time.sleep(60)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert scan_in_progress(workbench_store) == holder.pid
        for path in ("/", "/country/NER", "/review", "/search?q=terres"):
            answer = browser.get(path)
            assert answer.status_code == 200 and "A scan is writing this store" in answer.text, path
        refused = post(browser, "accept", page.text)
        assert refused.status_code == 503 and "Nothing was stored" in refused.text
        with Store(workbench_store, create=False) as db:
            assert db.decisions() == []
    finally:
        holder.kill()
        holder.wait()
    assert scan_in_progress(workbench_store) is None
    assert post(browser, "accept", browser.get("/review").text).status_code == 303


# ---------------------------------------------------------------------------------------------- command line


def test_serve_command_prints_the_address_and_checks_its_arguments(workbench_store, tmp_path, monkeypatch):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: started.append((self.config.host, self.config.port)))
    result = CliRunner().invoke(main, ["serve", "--store", str(workbench_store), "--port", "8799"])
    assert result.exit_code == 0, result.output
    assert "Read 3 documents of 2 countries" in result.output and "Open http://127.0.0.1:8799/\n" in result.output
    assert started == [("127.0.0.1", 8799)]
    network = CliRunner().invoke(main, ["serve", "--store", str(workbench_store), "--host", "0.0.0.0", "--port", "8799"])
    assert re.search(r"Open http://127.0.0.1:8799/\?token=[\w-]{32}\n", network.output)
    assert "every request needs the token" in network.output
    missing = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 2 and "none.sqlite: no such store" in missing.output
    short = CliRunner().invoke(main, ["serve", "--store", str(workbench_store), "--token", "abc"])
    assert short.exit_code == 2 and "--token is too short" in short.output


def test_serve_refuses_a_port_in_use(workbench_store):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--store", str(workbench_store), "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "pass --port with another number" in result.output
    assert server.urls("::1", 8765, None) == ["http://[::1]:8765/"]


def test_a_word_ndc_is_cited_by_section_and_paragraph_without_a_page_picture(tmp_path):
    """A Word NDC has no pages: its evidence names the section and paragraph, shows no page picture and serves no
    PDF; it has no word boxes, and a re-scan still reads nothing again."""
    from ndc_scan import scan

    from .conftest import FIXTURES

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "NER_indc_2015.docx").write_bytes((FIXTURES / "NER_indc_2015.docx").read_bytes())
    store = tmp_path / "store.sqlite"
    scan([inputs], out=None, store=store, ocr=False)
    with Store(store, create=False) as db:
        label = next(r for r in db.labels_that_count() if r["concept"] == "land_restoration")
        assert db.page_boxes(label["doc_id"], label["page_no"]) is None
    page = client(store).get(f"/evidence/{label['passage_id']}?concept=land_restoration")
    assert page.status_code == 200 and "is a Word, HTML or text NDC: it has no pages" in page.text
    assert re.search(r"› NER_indc_2015.docx › (“[^<]+” )?¶ \d+</nav>", page.text)
    assert '<img src="/page/' not in page.text and "--pdfs FOLDER" not in page.text
    assert client(store).get(f"/pdf/{label['doc_id']}").status_code == 404
    assert "NER_indc_2015.docx · " in client(store).get("/search?q=restauration").text
    assert scan([inputs], out=None, store=store, ocr=False).extracted == 0
