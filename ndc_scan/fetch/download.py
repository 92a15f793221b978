"""Downloading one document politely and safely, with requests and urllib3's retries.

* **Retries with back-off**: connection errors, timeouts and the answers 429, 500, 502, 503, 504
  are tried again (``retries`` times, waiting ``backoff`` × 2^n seconds, or what ``Retry-After``
  says), by urllib3's ``Retry`` under a requests ``Session``.
* **Per-host rate limit**: at most ``rate`` requests a second to one host (0: no limit).
* **Timeout**: a server silent for ``timeout`` seconds (connecting, or between two reads) fails
  the try; one file may take at most ``max_time`` seconds in all.
* **Size limit**: a document larger than ``max_size`` bytes is refused (by its Content-Length,
  else as it arrives).
* **Redirects**: followed (at most 5), and only to ``http``/``https`` addresses.
* **Content checked**: an HTML page where a PDF or Word file was expected (an error or login
  page sent with status 200) is a failure, never a file; so is an empty answer.
* **Resumable**: bytes arrive in ``.NAME.part`` beside the file; an interrupted download (a
  dropped connection, Ctrl-C, a crash) is carried on from where it stopped with a ``Range``
  request (``If-Range`` guards against a changed file), else started again. The file gets its
  name only when it is whole.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit, urlunsplit

from .. import __version__
from ..errors import DownloadError
from ..read.files import fingerprint
from ..read.formats import sniff

USER_AGENT = f"ndc-scan/{__version__} (climate pledge analysis; polite fetcher)"
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_REDIRECTS = 5
_CHUNK = 1 << 16
#: What the first bytes of a download are → the extension it is saved with.
_EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "ole": ".doc", "html": ".html", "text": ".txt"}


@dataclass(frozen=True)
class HttpSettings:
    """How ``ndc-scan fetch`` talks to servers (the CLI options of the same names)."""

    rate: float = 1.0                 # requests per second per host; 0: no limit
    timeout: float = 60.0             # seconds of silence allowed (connect or read)
    max_time: float = 900.0           # seconds one file may take in all
    max_size: int = 200 * 2**20       # bytes
    retries: int = 3                  # tries after the first, for errors worth trying again
    backoff: float = 1.0              # seconds; doubled at each retry


@dataclass(frozen=True)
class Downloaded:
    """A whole file, named, with what the server said about it."""

    path: Path
    n_bytes: int
    sha256: str
    url: str                          # the address read last (after redirects)
    http_date: str
    content_type: str
    resumed_from: int = 0             # bytes kept from an interrupted download of an earlier run (the server resumed)


@dataclass
class Client:
    """A requests session with urllib3 retries and a per-host rate limit."""

    settings: HttpSettings = field(default_factory=HttpSettings)
    session: Any = None
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        cap = self.settings.timeout

        class CappedRetry(Retry):
            """urllib3's retries, waiting for what a server's Retry-After asks no longer than the time allowed for
            silence (--timeout): one answering "Retry-After: 86400" held the whole fetch for a day (found by an
            adversarial review)."""

            def get_retry_after(self, response: Any) -> Optional[float]:
                seconds = super().get_retry_after(response)
                return None if seconds is None else min(seconds, cap)

        retry = CappedRetry(total=self.settings.retries, connect=self.settings.retries, read=self.settings.retries,
                      status=self.settings.retries, other=0, redirect=MAX_REDIRECTS,
                      status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET", "HEAD"}),
                      backoff_factor=self.settings.backoff, respect_retry_after_header=True, raise_on_status=False)
        self.session = requests.Session()
        self.session.max_redirects = MAX_REDIRECTS
        self.session.headers["User-Agent"] = USER_AGENT
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def wait_turn(self, url: str) -> None:
        """Sleep until this host may be asked again (``rate`` requests a second)."""
        if self.settings.rate <= 0:
            return
        host = urlsplit(url).netloc
        ready = self._last.get(host, 0.0) + 1.0 / self.settings.rate
        now = time.monotonic()
        if ready > now:
            time.sleep(ready - now)
        self._last[host] = time.monotonic()

    def download(self, url: str, folder: Path, stem: str, expected: str) -> Downloaded:
        """Fetch ``url`` into ``folder/stem`` + the extension its bytes show; ``expected`` is the catalog's (".pdf").

        Raises ``DownloadError`` with what happened and what to do. A dropped connection is
        tried again from where it stopped, ``settings.retries`` times.
        """
        part = folder / f".{stem}.part"
        started = time.monotonic()
        resumed_from = 0
        for attempt in range(self.settings.retries + 1):
            try:
                response = self._get(url, part, started)
                resumed = self._save(response, url, part, expected, started)
                if attempt == 0:
                    resumed_from = resumed          # carried on from an earlier run's interrupted download
                break
            except _Broken as exc:
                if attempt == self.settings.retries:
                    raise DownloadError(url, f"the connection broke off {attempt + 1} time(s) ({exc}); "
                                             f"{_size(part)} kept in {part.name}",
                                        remedy="run the same command again: the download carries on where it "
                                               "stopped") from None
                time.sleep(self.settings.backoff * 2 ** attempt)
        return self._finish(part, folder, stem, expected, response, resumed_from)

    # ------------------------------------------------------------------ one request

    def _get(self, url: str, part: Path, started: float) -> Any:
        import requests

        headers = {}
        validator = _read_sidecar(part, url)
        if part.exists() and part.stat().st_size and validator is not None:
            headers["Range"] = f"bytes={part.stat().st_size}-"
            if validator:
                headers["If-Range"] = validator
        self.wait_turn(url)
        timeout = min(self.settings.timeout, max(1.0, self.settings.max_time - (time.monotonic() - started)))
        try:
            response = self.session.get(url, headers=headers, stream=True, timeout=(timeout, timeout))
        except requests.exceptions.InvalidSchema as exc:
            raise DownloadError(url, f"was redirected to an address that is not http(s) ({exc})",
                                remedy="check the URL in the catalog; ndc-scan follows only http and https") from None
        except requests.exceptions.TooManyRedirects:
            raise DownloadError(url, f"was redirected more than {MAX_REDIRECTS} times",
                                remedy="check the URL in the catalog, or open it in a browser") from None
        except (requests.exceptions.Timeout, requests.exceptions.RetryError) as exc:
            raise DownloadError(url, f"the server did not answer within {timeout:g} s "
                                     f"({self.settings.retries + 1} tries: {type(exc).__name__})",
                                remedy="try again later, or raise --timeout") from None
        except requests.exceptions.ConnectionError as exc:
            if "timed out" in str(exc).lower():
                raise DownloadError(url, f"the server did not answer within {timeout:g} s "
                                         f"({self.settings.retries + 1} tries)",
                                    remedy="try again later, or raise --timeout") from None
            raise DownloadError(url, f"cannot connect ({_reason(exc)}, {self.settings.retries + 1} tries)",
                                remedy="check the address (and --base-url) and your connection; try again later"
                                ) from None
        final = urlsplit(response.url).scheme
        if final not in ("http", "https"):          # pragma: no cover - requests has no adapter for other schemes
            raise DownloadError(url, f"was redirected to a {final} address", remedy="check the URL in the catalog")
        return response

    def _save(self, response: Any, url: str, part: Path, expected: str, started: float) -> int:
        """Check the answer and write its body into ``part`` (appending to a resumed download).

        Returns the bytes that were there already when the server agreed to resume (206), else 0.
        """
        import requests
        import urllib3

        status = response.status_code
        if status == 416 and part.exists():            # the part is the whole file already, or stale
            response.close()
            part.unlink()
            raise _Broken("the server refused to resume (416); starting again")
        if status >= 400:
            response.close()
            raise DownloadError(url, f"the server answered {status} {response.reason or ''}".rstrip()
                                + (f" after {self.settings.retries + 1} tries" if status in RETRY_STATUSES else ""),
                                remedy=_remedy(status))
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type.lower() and expected not in (".html", ".htm"):
            response.close()
            raise DownloadError(url, f"the server sent a web page ({content_type.split(';')[0]}) instead of the "
                                     f"{expected.lstrip('.').upper()} (an error or login page)",
                                remedy="open the URL in a browser; the registry may have moved the file "
                                       "(fetch a newer catalog) or be down (try again later)")
        resuming = status == 206
        total = _total(response, part.stat().st_size if resuming and part.exists() else 0)
        if total is not None and total > self.settings.max_size:
            response.close()
            raise DownloadError(url, f"is {total / 2**20:.1f} MB, more than the limit of "
                                     f"{self.settings.max_size / 2**20:.0f} MB", remedy="raise --max-size to fetch it")
        _write_sidecar(part, url, response.headers.get("ETag") or response.headers.get("Last-Modified") or "")
        written = kept = part.stat().st_size if resuming and part.exists() else 0
        try:
            with part.open("ab" if resuming else "wb") as handle:
                for chunk in response.iter_content(_CHUNK):
                    handle.write(chunk)
                    written += len(chunk)
                    if written > self.settings.max_size:
                        raise DownloadError(url, f"is larger than the limit of {self.settings.max_size / 2**20:.0f} MB",
                                            remedy="raise --max-size to fetch it")
                    if time.monotonic() - started > self.settings.max_time:
                        raise DownloadError(url, f"took longer than {self.settings.max_time:g} s "
                                                 f"({_size(part)} arrived, kept in {part.name})",
                                            remedy="run the same command again to carry on, or raise --max-time")
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError,
                urllib3.exceptions.HTTPError) as exc:
            raise _Broken(_reason(exc)) from None
        finally:
            response.close()
        return kept

    def _finish(self, part: Path, folder: Path, stem: str, expected: str, response: Any,
                resumed_from: int) -> Downloaded:
        with part.open("rb") as handle:
            head = handle.read(2048)
        found = sniff(head)
        url = response.url
        if found == "empty":
            _discard(part)
            raise DownloadError(url, "the server sent an empty file", remedy="try again later")
        if found == "html" and expected not in (".html", ".htm"):
            _discard(part)
            raise DownloadError(url, f"the server sent a web page, not the {expected.lstrip('.').upper()} (an error "
                                     "or login page saved under the document's name)",
                                remedy="open the URL in a browser; the registry may have moved the file")
        suffix = expected if found in ("binary", "text") or (found == "docx" and expected != ".pdf") \
            else _EXTENSIONS.get(found, expected)
        target = folder / f"{stem}{suffix}"
        digest, size = fingerprint(part)
        part.replace(target)
        _sidecar(part).unlink(missing_ok=True)
        return Downloaded(path=target, n_bytes=size, sha256=digest, url=url,
                          http_date=_http_date(response.headers), content_type=response.headers.get("Content-Type", ""),
                          resumed_from=resumed_from)


class _Broken(Exception):
    """The connection broke off during the body: worth trying again from where it stopped."""


def _total(response: Any, already: int) -> Optional[int]:
    length = response.headers.get("Content-Length")
    return already + int(length) if length and length.isdigit() else None


def _remedy(status: int) -> str:
    if status == 404 or status == 410:
        return "the registry no longer has the file at this address: fetch a newer catalog, or check the URL"
    if status in (401, 403):
        return "the server refuses access: open the URL in a browser; try again later"
    if status in RETRY_STATUSES:
        return "the server is busy or failing: try again later"
    return "check the URL in the catalog"


def _reason(exc: BaseException) -> str:
    text = str(exc.args[0] if exc.args else exc)
    return text if len(text) < 160 else text[:157] + "..."


def _http_date(headers: Any) -> str:
    for name in ("Last-Modified", "Date"):
        value = headers.get(name)
        if value:
            try:
                return parsedate_to_datetime(value).strftime("%Y-%m-%dT%H:%M:%SZ")
            except (TypeError, ValueError):
                return value
    return ""


def _size(path: Path) -> str:
    size = path.stat().st_size if path.exists() else 0
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size} bytes"


def _sidecar(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _write_sidecar(part: Path, url: str, validator: str) -> None:
    _sidecar(part).write_text(json.dumps({"url": url, "validator": validator}), encoding="utf-8")


def _read_sidecar(part: Path, url: str) -> Optional[str]:
    """The ETag or Last-Modified of an interrupted download of ``url`` ("" when the server sent neither),
    None when there is none to resume."""
    try:
        found = json.loads(_sidecar(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(found.get("validator", "")) if found.get("url") == url else None


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    _sidecar(part).unlink(missing_ok=True)


def rebase(url: str, base_url: Optional[str]) -> str:
    """``url`` with its scheme and host (and a path prefix) taken from ``base_url`` (``--base-url``)."""
    if not base_url:
        return url
    base, parts = urlsplit(base_url), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path, parts.query, ""))


__all__ = ["RETRY_STATUSES", "USER_AGENT", "Client", "Downloaded", "HttpSettings", "rebase"]
