"""ndc-scan fetch against a local registry: real NDC files served on 127.0.0.1 under the catalog's URL paths.

The catalog rows are the UNFCCC registry's own (ndc_scan/data/unfccc_ndc_registry_catalog.csv); the server
(tests/registry_server.py) answers each row's path with a real PDF of ../shared/corpora/ndc, or with one of
the failures a registry gives: 404, 500 then success, an HTML error page with status 200, a redirect, a
response slower than the timeout, a connection that breaks off half-way.
"""

import csv
import hashlib
from urllib.parse import urlsplit

import pandas as pd
import pytest
from click.testing import CliRunner

from ndc_scan.cli import main
from ndc_scan.defaults import DATA_DIR
from ndc_scan.errors import FetchError
from ndc_scan.fetch.catalog import Selection, file_names, read_catalog, select
from ndc_scan.fetch.download import HttpSettings
from ndc_scan.fetch.fetcher import fetch
from ndc_scan.fetch.ledger import FAILURES, FETCHED, read_fetched
from ndc_scan.read.overrides import load_metadata_csv

from .conftest import corpus_pdf
from .registry_server import RegistryServer, Route

REGISTRY = DATA_DIR / "unfccc_ndc_registry_catalog.csv"
FAST = HttpSettings(rate=0, timeout=5, retries=2, backoff=0.05)


def registry_rows(*codes: str) -> list[dict]:
    with open(REGISTRY, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["code"] in codes]


def write_catalog(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def path_of(row: dict) -> str:
    return urlsplit(row["encodedAbsUrl"]).path


def latest_row(code: str) -> dict:
    rows = [r for r in registry_rows(code) if r["status"] == "Active" and r["fileType"] == "NDC"]
    return max(rows, key=lambda r: r["submissionDate"])


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def server():
    running = RegistryServer().start()
    yield running
    running.stop()


@pytest.fixture
def registry(tmp_path, server):
    """Bosnia and Herzegovina's and Grenada's registry rows, their latest NDCs served from the corpus."""
    rows = registry_rows("BIH", "GRD")
    for code, latest, older in (("BIH", "BIH_ndc-updated_2021.pdf", "BIH_indc_2015.pdf"),
                                ("GRD", "GRD_ndc2_2020.pdf", "GRD_indc_2015.pdf")):
        for row in registry_rows(code):
            newest = path_of(row) == path_of(latest_row(code))
            server.routes[path_of(row)] = Route(file=corpus_pdf(latest if newest else older))
    return write_catalog(tmp_path / "catalog.csv", rows)


# --------------------------------------------------------------------------- catalog, filters, names

def test_latest_takes_the_english_version_of_the_newest_active_submission():
    rows = read_catalog(REGISTRY).rows
    chosen = select(rows, Selection(latest=True, parties=("ARG", "DZA", "AND")))
    by_party = {row.code: row for row in chosen}
    # Argentina's updated second NDC has an English translation; Algeria's NDC 3.0 and Andorra's third NDC do not.
    assert (by_party["ARG"].title, by_party["ARG"].language, by_party["ARG"].submitted) == \
        ("Argentina Second NDC (Updated submission)", "en", "2021-11-02")
    assert (by_party["DZA"].kind, by_party["DZA"].language) == ("ndc3", "fr")
    assert (by_party["AND"].kind, by_party["AND"].language) == ("ndc3", "es")
    assert len(chosen) == 3
    french = select(rows, Selection(latest=True, parties=("ARG",), languages=("fr", "es")))
    assert [(r.language, r.translation) for r in french] == [("es", False)]


def test_the_eu_ndc_listed_under_member_states_is_fetched_once_as_the_eus():
    rows = read_catalog(REGISTRY).rows
    chosen = select(rows, Selection(latest=True, parties=("AUT", "FRA", "EUU")))
    assert [(r.iso3, r.kind) for r in chosen] == [("EUU", "ndc3")]
    assert file_names(rows)[chosen[0].url] == "EUU_ndc3_2025"


def test_filters_by_party_kind_language_and_date():
    rows = read_catalog(REGISTRY).rows
    chosen = select(rows, Selection(kinds=("ndc3",), languages=("fr",), since="2025-10-01"))
    assert chosen and all(r.kind == "ndc3" and r.language == "fr" and r.submitted >= "2025-10-01" for r in chosen)
    assert not [r for r in select(rows, Selection()) if r.kind == "addendum"]
    assert select(rows, Selection(kinds=("addendum",), parties=("PNG",)))


def test_names_are_iso3_kind_year_with_the_language_only_where_two_documents_share_them():
    rows = read_catalog(REGISTRY).rows
    names = file_names(rows)
    by_title = {(r.code, r.title, r.language): names[r.url] for r in rows}
    assert by_title[("BIH", "Bosnia and Herzegovina First NDC (Updated submission)", "en")] == "BIH_ndc-updated_2021"
    assert by_title[("DZA", "Algeria First NDC", "fr")] == "DZA_ndc_2016_fr"
    assert by_title[("DZA", "Algeria First NDC Translation", "en")] == "DZA_ndc_2016_en"
    assert len(set(names.values())) == len(names)           # every document its own name


def test_not_a_catalog_is_one_error_naming_the_missing_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("country,link\nKenya,http://x\n", encoding="utf-8")
    with pytest.raises(FetchError, match=r"bad.csv: is not a registry catalog: no code or encodedabsurl column"):
        read_catalog(bad)


def test_regression_an_unclosed_quote_in_a_catalog_is_an_error_not_rows_swallowed(tmp_path):
    # The quote opened on line 3 swallowed every later row: 1 of 4 documents listed, exit 0 (adversarial review).
    bad = tmp_path / "catalog.csv"
    header = "code,party,title,fileType,language,version,status,submissionDate,encodedAbsUrl,originalFilename\n"
    bad.write_text(header + "KEN,Kenya,Kenya First NDC,NDC,English,1,Active,2016-12-28,http://x/ken.pdf,ken.pdf\n"
                   'TJK,Tajikistan,"Tajikistan First NDC,NDC,English,1,Active,2016-03-22,http://x/tjk.pdf,tjk.pdf\n'
                   "NER,Niger,Niger First NDC,NDC,French,1,Active,2016-09-21,http://x/ner.pdf,ner.pdf\n", encoding="utf-8")
    with pytest.raises(FetchError, match=r"catalog.csv: line 3: not a readable CSV row"):
        read_catalog(bad)


def test_the_openclimatedata_catalogs_are_read():
    indcs = read_catalog(DATA_DIR / "ocd_indcs_catalog.csv").rows
    plans = read_catalog(DATA_DIR / "ocd_national_climate_plans_catalog.csv").rows
    assert {r.kind for r in indcs} == {"indc", "addendum"}
    assert {r.kind for r in plans} >= {"ndc", "ndc-updated", "ndc2"}
    assert [r.language for r in indcs if r.code == "DZA" and r.kind == "indc"] == ["fr", "en"]


# --------------------------------------------------------------------------- downloads

def test_fetch_latest_downloads_real_files_and_a_rerun_downloads_nothing(tmp_path, server, registry):
    out = tmp_path / "ndcs"
    first = fetch(registry, out, Selection(latest=True), base_url=server.base_url, settings=FAST)
    assert sorted(r.file for r in first.fetched) == ["BIH_ndc-updated_2021.pdf", "GRD_ndc2_2020.pdf"]
    assert not first.failures and not first.present
    assert sha(out / "BIH_ndc-updated_2021.pdf") == sha(corpus_pdf("BIH_ndc-updated_2021.pdf"))
    asked = len(server.requests)
    second = fetch(registry, out, Selection(latest=True), base_url=server.base_url, settings=FAST)
    assert (len(second.fetched), len(second.present), len(server.requests)) == (0, 2, asked)
    # fetched.csv: address, file, size, SHA-256, HTTP date and the catalog row; read back as written.
    ledger = pd.read_csv(out / FETCHED, dtype=str)
    bih = ledger[ledger["file"] == "BIH_ndc-updated_2021.pdf"].iloc[0]
    assert bih["url"].startswith("https://unfccc.int/sites/default/files/NDC/2022-06/NDC%20BiH")
    assert bih["downloaded_from"].startswith(server.base_url)
    assert (int(bih["bytes"]), bih["sha256"]) == (corpus_pdf("BIH_ndc-updated_2021.pdf").stat().st_size,
                                                  sha(out / "BIH_ndc-updated_2021.pdf"))
    assert bih["http_date"].endswith("Z") and bih["title"] == "Bosnia and Herzegovina First NDC (Updated submission)"
    assert (bih["iso3"], bih["kind"], bih["year"], bih["language"], bih["submitted"]) == \
        ("BIH", "ndc-updated", "2021", "en", "2021-04-20")
    assert set(read_fetched(out)) == {r.row.url for r in first.fetched}


def test_a_changed_file_on_disk_is_fetched_again(tmp_path, server, registry):
    out = tmp_path / "ndcs"
    fetch(registry, out, Selection(latest=True, parties=("BIH",)), base_url=server.base_url, settings=FAST)
    (out / "BIH_ndc-updated_2021.pdf").write_bytes(b"%PDF-1.4 damaged")
    again = fetch(registry, out, Selection(latest=True, parties=("BIH",)), base_url=server.base_url, settings=FAST)
    assert [r.file for r in again.fetched] == ["BIH_ndc-updated_2021.pdf"]
    assert sha(out / "BIH_ndc-updated_2021.pdf") == sha(corpus_pdf("BIH_ndc-updated_2021.pdf"))


def _failing_registry(tmp_path, server):
    """Seven real registry rows: one served, and one for each way a download fails or recovers."""
    rows = {code: latest_row(code) for code in ("BIH", "GRD", "GMB", "LAO", "TZA", "PNG", "KEN")}
    server.routes[path_of(rows["BIH"])] = Route(file=corpus_pdf("BIH_ndc-updated_2021.pdf"))
    server.routes[path_of(rows["GRD"])] = Route(file=corpus_pdf("GRD_ndc2_2020.pdf"), fail_first=2)
    server.routes[path_of(rows["GMB"])] = Route(status=404)
    server.routes[path_of(rows["LAO"])] = Route(html_200=True)
    server.routes[path_of(rows["TZA"])] = Route(html_200=True, content_type="application/pdf")
    server.routes[path_of(rows["PNG"])] = Route(redirect="/mirror/PNG%20Second%20NDC.pdf")
    server.routes["/mirror/PNG%20Second%20NDC.pdf"] = Route(file=corpus_pdf("PNG_ndc2_2020.pdf"))
    server.routes[path_of(rows["KEN"])] = Route(file=corpus_pdf("KEN_indc_2015.pdf"), delay=1.5)
    return write_catalog(tmp_path / "catalog.csv", list(rows.values())), rows


def test_each_failure_is_a_row_with_its_reason_and_the_batch_carries_on(tmp_path, server):
    catalog, rows = _failing_registry(tmp_path, server)
    out = tmp_path / "ndcs"
    result = fetch(catalog, out, Selection(latest=True), base_url=server.base_url,
                   settings=HttpSettings(rate=0, timeout=0.5, retries=2, backoff=0.05))
    assert sorted(r.file for r in result.fetched) == ["BIH_ndc-updated_2021.pdf", "GRD_ndc2_2020.pdf",
                                                      "PNG_ndc2_2020.pdf"]
    assert len(server.hits(path_of(rows["GRD"]))) == 3                      # 500, 500, then the file
    assert sha(out / "PNG_ndc2_2020.pdf") == sha(corpus_pdf("PNG_ndc2_2020.pdf"))   # followed the redirect
    problems = {f.path.split("/")[-1][:12]: f.problem for f in result.failures}
    assert len(result.failures) == 4
    assert "the server answered 404" in problems[rows["GMB"]["encodedAbsUrl"].split("/")[-1][:12]]
    assert "sent a web page (text/html) instead of the PDF" in problems[rows["LAO"]["encodedAbsUrl"].split("/")[-1][:12]]
    assert "sent a web page, not the PDF" in problems[rows["TZA"]["encodedAbsUrl"].split("/")[-1][:12]]
    assert "did not answer within 0.5 s" in problems[rows["KEN"]["encodedAbsUrl"].split("/")[-1][:12]]
    # No error page was saved as a file; the failures are in fetch_failures.csv with what to do.
    assert sorted(p.name for p in out.iterdir()) == ["BIH_ndc-updated_2021.pdf", "GRD_ndc2_2020.pdf",
                                                     "PNG_ndc2_2020.pdf", FAILURES, FETCHED]
    failures = pd.read_csv(out / FAILURES)
    assert sorted(failures["file"]) == ["GMB_ndc2_2021.pdf", "KEN_ndc3_2025.pdf", "LAO_ndc-updated_2021.pdf",
                                        "TZA_ndc-updated_2021.pdf"]
    assert failures["remedy"].str.len().min() > 10


def test_regression_a_retry_after_of_a_day_is_waited_for_no_longer_than_the_timeout(tmp_path, server):
    # "429, Retry-After: 86400" held the whole fetch for a day: urllib3 sleeps what the server asks (adversarial
    # review). It now waits at most --timeout, tries again, and the file fails with the server's answer.
    import threading

    row = latest_row("BIH")
    server.routes[path_of(row)] = Route(retry_after="86400")
    done: list = []
    worker = threading.Thread(target=lambda: done.append(fetch(
        write_catalog(tmp_path / "c.csv", [row]), tmp_path / "out", base_url=server.base_url,
        settings=HttpSettings(rate=0, timeout=0.5, retries=1, backoff=0.05))), daemon=True)
    worker.start()
    worker.join(120)                  # (a hang, not a speed: the server asked for 86,400 s)
    assert done, "fetch still waiting for the server's Retry-After"
    assert [f.problem for f in done[0].failures] == ["the server answered 429 Too Many Requests after 2 tries"]
    assert len(server.hits(path_of(row))) == 2


def test_a_redirect_to_another_scheme_is_not_followed(tmp_path, server):
    row = latest_row("BIH")
    server.routes[path_of(row)] = Route(redirect="file:///etc/passwd")
    result = fetch(write_catalog(tmp_path / "c.csv", [row]), tmp_path / "out", base_url=server.base_url,
                   settings=FAST)
    assert [f.problem for f in result.failures] == \
        ["was redirected to an address that is not http(s) (No connection adapters were found for 'file:///etc/passwd')"]


def test_an_interrupted_download_is_resumed_by_the_next_run(tmp_path, server):
    row = latest_row("BIH")
    source = corpus_pdf("BIH_ndc-updated_2021.pdf")
    server.routes[path_of(row)] = Route(file=source, cut_first=True)
    catalog, out = write_catalog(tmp_path / "c.csv", [row]), tmp_path / "ndcs"
    once = HttpSettings(rate=0, timeout=5, retries=0)
    first = fetch(catalog, out, base_url=server.base_url, settings=once)
    assert [f.problem.split(" (")[0] for f in first.failures] == ["the connection broke off 1 time(s)"]
    part = out / ".BIH_ndc-updated_2021.part"
    kept = part.stat().st_size          # whole chunks of the half the server sent
    assert 0 < kept <= source.stat().st_size // 2 and not (out / "BIH_ndc-updated_2021.pdf").exists()
    assert first.failures[0].remedy == "run the same command again: the download carries on where it stopped"
    second = fetch(catalog, out, base_url=server.base_url, settings=once)
    assert [r.file for r in second.fetched] == ["BIH_ndc-updated_2021.pdf"] and second.resumed == 1
    assert server.hits(path_of(row))[-1]["Range"] == f"bytes={kept}-"
    assert sha(out / "BIH_ndc-updated_2021.pdf") == sha(source) and not part.exists()


def test_a_connection_broken_off_is_carried_on_in_the_same_run(tmp_path, server):
    row = latest_row("BIH")
    server.routes[path_of(row)] = Route(file=corpus_pdf("BIH_ndc-updated_2021.pdf"), cut_first=True)
    result = fetch(write_catalog(tmp_path / "c.csv", [row]), tmp_path / "ndcs", base_url=server.base_url,
                   settings=FAST)
    assert not result.failures and result.resumed == 0
    assert sha(tmp_path / "ndcs" / "BIH_ndc-updated_2021.pdf") == sha(corpus_pdf("BIH_ndc-updated_2021.pdf"))
    assert [h.get("Range", "") for h in server.hits(path_of(row))][1].startswith("bytes=")


def test_a_file_over_the_size_limit_is_refused(tmp_path, server):
    row = latest_row("BIH")
    server.routes[path_of(row)] = Route(file=corpus_pdf("BIH_ndc-updated_2021.pdf"))
    result = fetch(write_catalog(tmp_path / "c.csv", [row]), tmp_path / "ndcs", base_url=server.base_url,
                   settings=HttpSettings(rate=0, retries=0, max_size=100_000))
    assert [f.problem for f in result.failures] == ["is 0.2 MB, more than the limit of 0 MB"]
    assert not list((tmp_path / "ndcs").glob("*.pdf"))


def test_fetched_csv_is_a_metadata_file(tmp_path, server, registry):
    out = tmp_path / "ndcs"
    fetch(registry, out, Selection(latest=True), base_url=server.base_url, settings=FAST)
    given = load_metadata_csv(out / FETCHED)
    assert given["GRD_ndc2_2020.pdf"] == {"iso3": "GRD", "kind": "ndc2", "year": 2020, "language": "en"}
    assert given["sha256:" + sha(out / "GRD_ndc2_2020.pdf")] == given["GRD_ndc2_2020.pdf"]


# --------------------------------------------------------------------------- command line

def test_cli_fetch_then_scan_end_to_end_with_titles_and_dates_in_the_reports(tmp_path, server, registry):
    runner = CliRunner()
    out = tmp_path / "ndcs"
    fetched = runner.invoke(main, ["fetch", "--catalog", str(registry), "--latest", "--out", str(out),
                                   "--base-url", server.base_url, "--rate", "0"])
    assert fetched.exit_code == 0, fetched.output
    assert "Fetched 2 of 2 document(s)" in fetched.output and "Next: ndc-scan scan" in fetched.output
    again = runner.invoke(main, ["fetch", "--catalog", str(registry), "--latest", "--out", str(out),
                                 "--base-url", server.base_url, "--rate", "0"])
    assert "Fetched 0 of 2 document(s)" in again.output and "2 already there and unchanged" in again.output
    reports = tmp_path / "reports"
    scanned = runner.invoke(main, ["scan", str(out), "--out", str(reports), "--store", str(tmp_path / "s.sqlite"),
                                   "--rules-only", "--no-ocr", "--jobs", "1", "-q"])
    assert scanned.exit_code == 0, scanned.output
    documents = pd.read_csv(reports / "documents.csv", dtype=str).set_index("document")
    grenada = documents.loc["GRD_ndc2_2020.pdf"]
    assert (grenada["title"], grenada["submitted"]) == ("Greneda Second NDC", "2020-12-01")
    assert grenada["registry_url"] == latest_row("GRD")["encodedAbsUrl"]
    assert grenada["citation_source"] == "catalog.csv (hash)"       # the catalog it was fetched from, by hash
    assert (grenada["iso3"], grenada["kind"], grenada["year"]) == ("GRD", "ndc2", "2020")
    assert "kind" not in str(grenada["inferred"]).split(",")
    brief = (reports / "briefs" / "GRD.html").read_text(encoding="utf-8")
    assert "Greneda Second NDC" in brief and "2020-12-01" in brief
    assert "Bosnia and Herzegovina First NDC (Updated submission)" in (reports / "report.html").read_text(encoding="utf-8")


def test_cli_fetch_exits_3_when_a_document_failed_and_lists_it(tmp_path, server):
    row = latest_row("GMB")
    server.routes[path_of(row)] = Route(status=404)
    result = CliRunner().invoke(main, ["fetch", "--catalog", str(write_catalog(tmp_path / "c.csv", [row])),
                                       "--out", str(tmp_path / "ndcs"), "--base-url", server.base_url,
                                       "--rate", "0", "--retries", "0"])
    assert result.exit_code == 3
    assert "the server answered 404 Not Found -> the registry no longer has the file" in result.output


def test_cli_fetch_dry_run_lists_names_without_downloading(tmp_path):
    result = CliRunner().invoke(main, ["fetch", "--latest", "--party", "Argentina", "--party", "AUT", "--dry-run",
                                       "--out", str(tmp_path / "ndcs")])
    assert result.exit_code == 0, result.output
    assert "ARG_ndc2_2021_en.pdf  Argentina · Argentina Second NDC (Updated submission) · en · 2021-11-02" in result.output
    assert "EUU_ndc3_2025.pdf  European Union" in result.output
    assert not (tmp_path / "ndcs").exists()


def test_regression_an_out_folder_with_terminal_escapes_is_shown_escaped(tmp_path):
    # fetch printed --out as given: an escape sequence in it acted on the terminal (the scan escapes names since issue 14)
    out = tmp_path / "ndcs\x1b[2J"
    result = CliRunner().invoke(main, ["fetch", "--party", "KEN", "--latest", "--dry-run", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "ndcs\\x1b[2J/" in result.output


@pytest.mark.parametrize("args, message", [
    (["--kind", "ndc9"], "Invalid value for '--kind'"),
    (["--since", "last year"], "--since last year: not a date"),
    (["--language", "klingon"], "--language klingon: not one of"),
    (["--party", "Atlantis"], "--party 'Atlantis' is not a country code or name"),
    (["--base-url", "ftp://mirror"], "--base-url ftp://mirror: not an http(s) address"),
])
def test_cli_fetch_bad_arguments_are_one_line_and_exit_2(tmp_path, args, message):
    result = CliRunner().invoke(main, ["fetch", "--out", str(tmp_path / "n"), *args])
    assert result.exit_code == 2 and message in result.output
