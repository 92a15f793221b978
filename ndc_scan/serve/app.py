"""The workbench's web app (Starlette): routes, and the pages they render from Jinja2 templates.

Pages are rendered on the server; the only script is ``static/workbench.js`` (keys for review, clickable
map), shipped with the package, so the app works offline and without it. Every page reads the store
through a :class:`~ndc_scan.serve.workbench.Workbench`; every decision goes through
``review.queue.decide`` (``serve/review.py``), like the terminal and the spreadsheet.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from urllib.parse import quote as url_quote

import pandas as pd
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..aggregate.decisions import describe, resolve
from ..errors import NdcScanError
from ..records import DOCUMENT_KINDS, LEVEL_NAMES, REVIEWER_RULE, review_words, usable_reviewer
from ..report import worldmap
from ..report.plain import LEVEL_KEY, terms_in_words
from ..review.reviewer import reviewer_name
from ..review.stats import review_stats
from ..store import search as search_index
from ..taxonomy import CONCEPT_IDS
from . import overview, review
from .country import concept_names, country_page
from .evidence import evidence, inert, level_name, marked, render_jpeg
from .overview import View
from .security import PDF_CSP, Guard, csrf_ok, is_loopback
from .workbench import Snapshot, Workbench

HERE = Path(__file__).parent
REVIEWER_COOKIE = "ndc_reviewer"
PAGE_CACHE = 48               # rendered pages kept in memory


def create_app(workbench: Workbench, *, host: str = "127.0.0.1", token: Optional[str] = None):
    """The ASGI app over ``workbench``: the routes behind the security layer (``security.Guard``).

    ``token``: the access token every request must carry; required (not None) when ``host`` is not a loopback
    address.
    """
    if token is None and not is_loopback(host):
        raise ValueError(f"a workbench bound to {host} needs an access token")
    site = _Site(workbench)
    routes = [
        Route("/", site.overview), Route("/overview.{fmt:str}", site.overview_download),
        Route("/search", site.search), Route("/country/{iso3:str}", site.country),
        Route("/evidence/{passage_id:str}", site.evidence),
        Route("/page/{doc_id:str}/{page_no:int}.jpg", site.page_image), Route("/pdf/{doc_id:str}", site.pdf),
        Route("/review", site.review_page), Route("/review/{action:str}", site.review_post, methods=["POST"]),
        Route("/reviewer", site.reviewer_page), Route("/reviewer", site.reviewer_post, methods=["POST"]),
        Route("/stats", site.stats),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={NdcScanError: site.error, sqlite3.OperationalError: site.busy})
    return Guard(app, token=token, loopback=is_loopback(host), sessions=site.sessions)


class _Site:
    """The route handlers; state shared by all requests (the workbench, browser sessions, rendered pages)."""

    def __init__(self, workbench: Workbench):
        self.wb = workbench
        self.sessions = review.Sessions()
        self.templates = Jinja2Templates(directory=HERE / "templates")
        env = self.templates.env
        env.filters.update(inert=lambda text: Markup(inert("" if text is None else str(text))),
                           level_word=lambda level: level_name(level) if level else "absent",
                           review_words=review_words, terms=terms_in_words,
                           kind_name=lambda kind: DOCUMENT_KINDS.get(kind or "", kind or ""))
        env.globals.update(CONCEPT_IDS=CONCEPT_IDS, LEVEL_KEY=LEVEL_KEY, LEVEL_NAMES=LEVEL_NAMES,
                           names=concept_names(workbench.taxonomy), url_quote=url_quote)
        self._pages: dict[tuple[str, int], bytes] = {}

    # ------------------------------------------------------------------ helpers

    def render(self, request: Request, name: str, status: int = 200, **context) -> Response:
        snapshot = context.pop("snapshot", None)
        pid = self.wb.scan_pid()
        notes = []
        if pid is not None:
            notes.append(f"A scan is writing this store{f' (process {pid})' if pid > 0 else ''}: the workbench is "
                         "read-only until it ends. Pages show the store as it was; decisions are paused. Reload when "
                         "the scan has finished.")
        elif snapshot is not None and (self.wb.building() or self.wb.stale(snapshot)):
            notes.append("The tables are being brought up to date with the latest decisions and scans; "
                         "reload in a few seconds.")
        session = request.scope["state"].get("session")
        return self.templates.TemplateResponse(request, name, {
            "banner": notes, "read_only": pid is not None, "csrf": session.csrf if session else "",
            "reviewer": _reviewer(request),
            "store": str(self.wb.path), **context}, status_code=status)

    def error(self, request: Request, exc: Exception) -> Response:
        return self.render(request, "error.html", status=400, title="Cannot do that", message=str(exc))

    def busy(self, request: Request, exc: Exception) -> Response:
        return self.render(request, "error.html", status=503, title="The store is busy",
                           message=f"{self.wb.path}: {exc}. A scan is probably writing it: nothing was stored; "
                                   "try again when it has finished.")

    # ------------------------------------------------------------------ overview and search

    def overview(self, request: Request) -> Response:
        snapshot = self.wb.snapshot()
        frame, view = self._view(snapshot, request)
        rows = overview.apply(view, frame).to_dict(orient="records")          # NA levels become None
        levels = {r["iso3"]: r[view.map_concept] for r in rows if r["iso3"]}   # a country's last document wins
        names = {r["iso3"]: r["country"] for r in rows}
        world = worldmap.render(levels, title=f"{self.wb.taxonomy.concept_name(view.map_concept)}: level of "
                                              f"{'each document' if view.versions else 'the latest NDC'}", names=names)
        choices = {"language": sorted(set(frame["language"]) - {""}), "kind": list(DOCUMENT_KINDS),
                   "region": sorted(set(frame["region"])), "income": sorted(set(frame["income"]))}
        return self.render(request, "overview.html", snapshot=snapshot, view=view, rows=rows, total=len(frame),
                           choices=choices, level_choices=overview.LEVEL_CHOICES, kind_names=DOCUMENT_KINDS,
                           world=Markup(world), query=view.query())

    def overview_download(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("csv", "xlsx"):
            return Response("not found", status_code=404)
        frame, view = self._view(self.wb.snapshot(), request)
        table = overview.download_frame(view, overview.apply(view, frame), self.wb.taxonomy)
        if fmt == "csv":
            return Response(overview.to_csv(table), media_type="text/csv; charset=utf-8",
                            headers={"content-disposition": 'attachment; filename="overview.csv"'})
        return Response(overview.to_xlsx(table),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"content-disposition": 'attachment; filename="overview.xlsx"'})

    def _view(self, snapshot: Snapshot, request: Request) -> tuple[pd.DataFrame, View]:
        """The overview rows of the snapshot the query asks for (latest documents, or every one) and its view."""
        params = _params(request)
        frame = snapshot.versions if (params.get("versions") or [""])[-1] == "all" else snapshot.latest
        return frame, View.from_query(params, frame)

    def search(self, request: Request) -> Response:
        text = request.query_params.get("q", "").strip()[:400]
        hits, fresh = self.wb.search(text) if text else ([], True)
        groups: dict[str, dict] = {}
        for hit in hits:
            key = hit["iso3"] or hit["file_name"]
            group = groups.setdefault(key, {"iso3": hit["iso3"], "country": hit["country"] or "unknown", "hits": []})
            group["hits"].append({**hit, "snippet": Markup(_snippet(hit["snippet"]))})
        ordered = sorted(groups.values(), key=lambda g: (-len(g["hits"]), g["country"]))
        return self.render(request, "search.html", text=text, search_text=text, groups=ordered, hits=len(hits),
                           fresh=fresh)

    # ------------------------------------------------------------------ country and evidence

    def country(self, request: Request) -> Response:
        snapshot = self.wb.snapshot()
        iso3 = request.path_params["iso3"].upper()
        page = country_page(snapshot.tables, iso3, self.wb.taxonomy)
        if page is None:
            return self.render(request, "error.html", status=404, title="No such country in this store",
                               message=f"The store has no document of {iso3}: scan its NDC first.")
        return self.render(request, "country.html", snapshot=snapshot, page=page)

    def evidence(self, request: Request) -> Response:
        concept = request.query_params.get("concept")
        with self.wb.store() as db:
            found = evidence(db, request.path_params["passage_id"], concept if concept in CONCEPT_IDS else None,
                             self.wb.taxonomy)
        if found is None:
            return self.render(request, "error.html", status=404, title="No such passage",
                               message="The store has no passage with this id (a new scan may have cut the text "
                                       "differently): find it again from the country page or the search.")
        pdf = self.wb.pdf_path(found.document.doc_id)
        return self.render(request, "evidence.html", ev=found, pdf=pdf is not None,
                           text=Markup(marked(found.passage.text, found.spans, found.concept)),
                           folders=self.wb.scanned_folders())

    def page_image(self, request: Request) -> Response:
        doc_id, page_no = request.path_params["doc_id"], request.path_params["page_no"]
        key = (doc_id, page_no)
        with self.wb.render_lock:                 # PDFium: one thread at a time; the cache with it
            image = self._pages.get(key)
        if image is None:
            path = self.wb.pdf_path(doc_id)
            if path is None:
                return Response("PDF not found", status_code=404)
            with self.wb.render_lock:
                image = render_jpeg(path, page_no)
                self._pages[key] = image
                while len(self._pages) > PAGE_CACHE:
                    self._pages.pop(next(iter(self._pages)))
        if not image:
            return Response("no such page", status_code=404)
        return Response(image, media_type="image/jpeg", headers={"cache-control": "private, max-age=3600"})

    def pdf(self, request: Request) -> Response:
        path = self.wb.pdf_path(request.path_params["doc_id"])
        if path is None:
            return Response("PDF not found", status_code=404)
        return FileResponse(path, media_type="application/pdf", content_disposition_type="inline",
                            filename=path.name, headers={"content-security-policy": PDF_CSP})

    # ------------------------------------------------------------------ review

    def review_page(self, request: Request) -> Response:
        name = _reviewer(request)
        if name is None:
            return RedirectResponse("/reviewer?" + urlencode({"next": str(request.url.path) + "?" +
                                                              request.url.query}), status_code=303)
        filters = review.parse_filters(_params(request))
        session = request.scope["state"]["session"]
        with self.wb.store() as db:
            where = review.position(db, session, name, filters)
            shown = evidence(db, where.item.passage_id, where.item.concept, self.wb.taxonomy) if where.item else None
        return self.render(request, "review.html", where=where, item=where.item, ev=shown, filters=filters,
                           folders=self.wb.scanned_folders(),
                           filter_query=review.filters_query(filters), keys=review.KEYS,
                           text=Markup(marked(where.item.text, where.item.spans, where.item.concept)) if where.item
                           else "",
                           pdf=shown is not None and self.wb.pdf_path(shown.document.doc_id) is not None,
                           message=request.query_params.get("done", ""))

    async def review_post(self, request: Request) -> Response:
        form = await request.form()
        session = request.scope["state"]["session"]
        if not csrf_ok(_field(form, "csrf"), session.csrf):
            return self.render(request, "error.html", status=403, title="Refused",
                               message="This form is not from this browser's workbench page (CSRF check): reload "
                                       "the review page and decide again.")
        name = _reviewer(request)
        back = _local(_field(form, "next") or "/review")
        if name is None:
            return RedirectResponse("/reviewer?" + urlencode({"next": back}), status_code=303)
        if self.wb.scan_pid() is not None:
            return self.render(request, "error.html", status=503, title="A scan is writing the store",
                               message="Nothing was stored: decisions are paused while a scan writes the store. "
                                       "Go back and decide again when it has finished.")
        action = request.path_params["action"]
        done = await run_in_threadpool(self._review_action, session, name, action, form, back)
        separator = "&" if "?" in back else "?"
        return RedirectResponse(back + (separator + urlencode({"done": done}) if done else ""), status_code=303)

    def _review_action(self, session, name: str, action: str, form, back: str) -> str:
        filters = review.parse_filters(_params_of(back))
        with self.wb.store() as db:
            if action == "undo":
                undone = review.undo(db, session)
                return f"Undone: {undone}." if undone else "Nothing to undo in this session."
            text_hash, _, concept = (_field(form, "key") or "").partition(":")
            item = review.find(db, session, name, filters, (text_hash, concept))
            if item is None:
                return "That label is no longer in your queue (decided meanwhile, or the store changed)."
            if action == "skip":
                review.skip(session, item)
                return "Skipped."
            level = _field(form, "level")
            made = review.record(db, session, item, action, name,
                                 level=int(level) if level and level.isascii() and level.isdigit() else None,
                                 concepts=tuple(form.getlist("concepts")))
            return f"Stored: {describe(made)}." if made else "Already decided: nothing stored again."

    def reviewer_page(self, request: Request) -> Response:
        next_page = _local(request.query_params.get("next") or "/review")
        suggested = _reviewer(request) or _configured_reviewer()
        return self.render(request, "reviewer.html", next_page=next_page, suggested=suggested or "", rule=REVIEWER_RULE)

    async def reviewer_post(self, request: Request) -> Response:
        form = await request.form()
        session = request.scope["state"]["session"]
        next_page = _local(_field(form, "next") or "/review")
        name = (_field(form, "name") or "").strip()
        if not csrf_ok(_field(form, "csrf"), session.csrf):
            return self.render(request, "error.html", status=403, title="Refused",
                               message="This form is not from this browser's workbench page (CSRF check).")
        if not usable_reviewer(name):
            return self.render(request, "reviewer.html", status=400, next_page=next_page, suggested=name,
                               rule=REVIEWER_RULE, problem=f"Not a usable name: give {REVIEWER_RULE}.")
        response = RedirectResponse(next_page, status_code=303)
        response.set_cookie(REVIEWER_COOKIE, url_quote(name), max_age=365 * 24 * 3600, httponly=True, samesite="strict")
        return response

    def stats(self, request: Request) -> Response:
        with self.wb.store() as db:
            decisions = db.decisions()
            stats = review_stats(db)
        disputes = [r for r in resolve(decisions).values() if r.disputed]
        return self.render(request, "stats.html", stats=stats, disputes=disputes,
                           concepts=stats.concepts.to_dict(orient="records"),
                           reviewers=stats.reviewers.to_dict(orient="records"), folders=self.wb.scanned_folders())


def _params(request: Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        found.setdefault(key, []).append(value)
    return found


def _params_of(path: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(path).query)


def _field(form, name: str) -> Optional[str]:
    value = form.get(name)
    return value if isinstance(value, str) else None


def _local(path: str) -> str:
    """A return address inside the workbench (never another site: "//host" or "http://…" become "/")."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def _reviewer(request: Request) -> Optional[str]:
    value = request.cookies.get(REVIEWER_COOKIE)
    name = unquote(value) if value else None
    return name if name and usable_reviewer(name) else None


def _configured_reviewer() -> Optional[str]:
    try:
        return reviewer_name()
    except NdcScanError:
        return None


def _snippet(text: str) -> str:
    """A search snippet as HTML: escaped (and inert), the matched words in <mark>."""
    return inert(text).replace(search_index.MARK_START, "<mark>").replace(search_index.MARK_END, "</mark>")


__all__ = ["create_app"]
