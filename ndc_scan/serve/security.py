"""What stands between the workbench and the network: the access token, the Host check, the headers, CSRF.

* **Access token.** Bound to a loopback address (127.0.0.1, the default) the workbench answers this
  machine only and needs no token unless one is given. Bound to any other address (0.0.0.0 included),
  every request needs the token, whatever address it comes from: ``?token=…`` once (the URL printed at
  start; it is then kept in a cookie and taken out of the address bar), the cookie, or an
  ``Authorization: Bearer …`` header. Tokens are compared in constant time.
* **Host check.** On a loopback address, a request whose Host is not a loopback name is refused, so that
  a web page cannot reach the workbench through a DNS name that points at 127.0.0.1 (DNS rebinding).
* **Headers.** Every page carries a Content-Security-Policy with no external source and no inline
  script or style (``default-src 'none'``; scripts, styles and pictures from the workbench itself); the PDF
  itself a policy its viewer can work under (``PDF_CSP``: no script either). Every answer forbids framing,
  MIME sniffing and referrers to other sites.
* **CSRF.** Every form carries the browser session's secret (:func:`csrf_ok` checks it; session cookies
  are ``SameSite=Strict`` and ``HttpOnly``), and a POST whose Origin is another site is refused.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from html import escape
from http.cookies import CookieError, SimpleCookie
from typing import Optional
from urllib.parse import parse_qsl, urlencode

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
#: The PDF itself (opened in the browser's PDF viewer, whose page needs inline styles and the PDF as a plugin's data):
#: still no script and nothing from elsewhere. With the pages' policy Chromium's viewer shows a blank page.
PDF_CSP = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),       # "no-referrer" would make form POSTs carry "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
CSP_HEADER = (b"content-security-policy", CSP.encode())
TOKEN_COOKIE = "ndc_token"
SESSION_COOKIE = "ndc_session"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
#: Paths whose answers need no browser session (no new one is made for them).
STATELESS = ("/static/", "/page/", "/pdf/")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or name the server binds) can only be reached from this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def same(given: Optional[str], expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def cookies(scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                continue
    return {key: morsel.value for key, morsel in jar.items()}


def cookie_header(name: str, value: str, *, max_age: Optional[int] = None) -> tuple[bytes, bytes]:
    """A Set-Cookie header: HttpOnly, SameSite=Strict, the whole site."""
    age = f"; Max-Age={max_age}" if max_age is not None else ""
    return b"set-cookie", f"{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}".encode()


class Guard:
    """ASGI middleware: host check, access token, security headers, and a browser-session cookie.

    ``token`` None: no token needed (loopback only). The browser's session (``sessions``: ``get(id)``, ``new()``)
    is put in ``scope["state"]["session"]``; a new one when the browser has none, set as a cookie on the answer.
    """

    def __init__(self, app, *, token: Optional[str], loopback: bool, sessions):
        self.app, self.token, self.loopback, self.sessions = app, token, loopback, sessions

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", ())}
        host = headers.get(b"host", b"").decode("latin-1")
        if self.loopback and _host_name(host) not in LOOPBACK_NAMES:
            await _refuse(send, 421, "Wrong host", f"This workbench answers to localhost and 127.0.0.1 only, not to "
                          f"{host!r}: open the address ndc-scan serve printed.")
            return
        jar = cookies(scope)
        set_cookies: list[tuple[bytes, bytes]] = []
        if self.token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            bearer = headers.get(b"authorization", b"").decode("latin-1").removeprefix("Bearer ").strip() or None
            if same(query.get("token"), self.token):
                # Take the token out of the address (history, screenshots), keep it in a cookie.
                rest = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"))
                                  if k != "token"])
                path = scope.get("raw_path") or scope.get("path", "/").encode("utf-8")
                location = "/" + path.decode("latin-1").lstrip("/") + (f"?{rest}" if rest else "")   # never //host
                await _redirect(send, location, [cookie_header(TOKEN_COOKIE, self.token)])
                return
            if not (same(jar.get(TOKEN_COOKIE), self.token) or same(bearer, self.token)):
                await _refuse(send, 401, "Access token needed",
                              "This workbench is open to the network, so every request needs its access token: "
                              "open the address with ?token=… that ndc-scan serve printed (or pass the token given "
                              "with --token).")
                return
        if scope["method"] == "POST" and not _same_origin(headers, host):
            await _refuse(send, 403, "Refused", "A form sent from another site is refused (CSRF protection).")
            return
        session = self.sessions.get(jar.get(SESSION_COOKIE))
        if session is None and not scope.get("path", "/").startswith(STATELESS):
            session = self.sessions.new()
            set_cookies.append(cookie_header(SESSION_COOKIE, session.id))
        scope.setdefault("state", {})["session"] = session

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                given = list(message.get("headers", []))
                policy = [] if any(k.lower() == b"content-security-policy" for k, _ in given) else [CSP_HEADER]
                message["headers"] = [*given, *policy, *HEADERS, *set_cookies]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_ok(given: Optional[str], expected: str) -> bool:
    """Whether a form's CSRF field is this browser session's secret."""
    return same(given, expected)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[:host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_origin(headers: dict, host: str) -> bool:
    origin = headers.get(b"origin")
    if origin is None or origin == b"null":
        return origin is None                 # browsers send Origin with every cross-site POST
    return origin.decode("latin-1").split("://", 1)[-1] == host


async def _refuse(send, status: int, title: str, text: str) -> None:
    body = (f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title><h1>{escape(title)}</h1>"
            f"<p>{escape(text)}</p>").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), CSP_HEADER, *HEADERS]})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send, location: str, extra: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode("latin-1", "replace")), CSP_HEADER, *HEADERS, *extra]})
    await send({"type": "http.response.body", "body": b""})


__all__ = ["CSP", "PDF_CSP", "SESSION_COOKIE", "TOKEN_COOKIE", "Guard", "csrf_ok", "is_loopback", "new_token"]
