"""A fake Wayback Machine on 127.0.0.1, for tests (real HTTP over loopback, no mocks).

It serves a fixed in-memory list of captures, each a tuple
``(original_url, timestamp, statuscode, mimetype, body)``, over the endpoints a client
uses::

    from fake_wayback import FakeWayback

    captures = [
        ("https://news.example/story", "20190801120000", "200", "text/html", b"<p>Then</p>"),
        ("https://news.example/story", "20190901120000", "404", "text/html", b"gone"),
    ]
    with FakeWayback(captures=captures) as wb:
        client = Wayback(wb.base_url, cdx_per_minute=6000, pause_after_429=0.1)
        ...
        wb.fail_cdx = 503          # switch a failure mode on at any time
        assert wb.count("cdx") == 2

Endpoints (all under ``wb.base_url``):

- ``/wayback/available?url=U&timestamp=TS``: the availability API. Answers as archive.org
  does: ``{"url": U, "archived_snapshots": {"closest": {"status": "200", "available": true,
  "url": "<base>/web/TS/ORIG", "timestamp": TS}}}``, or ``{"archived_snapshots": {}}``.
  Only 200 captures count; the closest one to TS in either direction; no TS = newest.
- ``/cdx/search/cdx?url=U``: the CDX server. ``output=json`` (a header row, then rows;
  ``[]`` when nothing matches) or the default space-separated text; ``fl=`` (default
  ``urlkey,timestamp,original,mimetype,statuscode,digest,length``); ``filter=[!]field:regex``
  (repeatable, full-match); ``from=``/``to=`` (1-14 digits, padded low / high);
  ``sort=closest&closest=TS``; ``limit=N`` (``-N`` = the last N).
- ``/web/<TS>id_/<url>``: the capture's original bytes with its recorded status, its
  mimetype as Content-Type and a ``Memento-Datetime`` header; a TS with no exact capture
  redirects (302) to the nearest capture; no capture at all: 404.
- A capture whose status is 3xx has the URL it redirected to as its body, and replays as
  a redirect (Location) to that URL's capture.
- ``/web/<TS>/<url>``: playback: the same, with ``FAKE_TOOLBAR`` put before the body (as
  the real one rewrites pages), and 302 to the nearest capture when TS is not exact.

URLs match loosely, like the real archive: scheme, ``www.``, a trailing slash and host case
are ignored.

- ``/web/<TS>/<url>`` without following redirects is also lychee's "redirect method": 302
  with the nearest capture as Location, 404 (no ``Memento-Datetime``) when there is none.
- ``/timegate/<url>``: a Memento TimeGate (RFC 7089): ``Accept-Datetime`` in, 302 to the
  nearest 200 capture's playback URL with ``Vary: accept-datetime`` and a ``Link`` header
  (rel original, timemap, memento with its datetime); 404 when none; 400 for a bad date.
- ``POST /save`` (Save Page Now 2): needs ``Authorization: LOW <key>:<secret>`` matching
  ``spn_keys`` (else 401 with a JSON error), form body ``url=…``; answers
  ``{"url", "job_id"}``. ``GET /save/status/<job_id>`` answers ``{"status": "pending"}``
  ``spn_pending_polls`` times, then ``{"status": "success", "timestamp", "original_url"}``
  (and the page becomes a capture at ``spn_timestamp``), or, for a URL in
  ``spn_errors``, ``{"status": "error", "status_ext": …, "message": …}``.

Failure modes (attributes; change them at any time, they apply to the next request):

- ``fail_cdx``, ``fail_availability``, ``fail_playback``: an HTTP status (503, 429, ...) to
  answer that endpoint family with, instead of the real answer; None = answer normally.
- ``fail_timegate``, ``fail_save``: the same for the TimeGate and Save Page Now.
- ``fail_after``: after this many requests (all families), answer every request 503: an
  outage in the middle of a run.
- ``garbage``: CDX and availability answer 200 with a body that is not JSON.
- ``delay``: seconds to wait before answering any request (a slow server).
- ``blocked``: original URLs excluded from the archive: CDX answers 403 with the real
  "Blocked Site Error" text, availability answers empty, playback answers 403.

Every request is logged, in order, in ``wb.requests`` (``LoggedRequest``: endpoint family
``"cdx" | "availability" | "playback" | "timegate" | "save" | "other"``, path, decoded
query (the form, for a POST), headers);
``wb.count(family)`` counts them and ``wb.clear_log()`` empties the log.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from citecheck.archive import Wayback

CaptureTuple = tuple[str, str, str, str, bytes]

FAKE_TOOLBAR = b"<!-- fake wayback toolbar -->"
CDX_DEFAULT_FIELDS = (
    "urlkey",
    "timestamp",
    "original",
    "mimetype",
    "statuscode",
    "digest",
    "length",
)
BLOCKED_SITE_TEXT = (
    "org.archive.util.io.RuntimeIOException: "
    "org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error"
)
_WEB_PATH = re.compile(r"/web/(?P<timestamp>\d{1,14})(?P<mode>[a-z]{2}_)?/(?P<url>.+)", re.DOTALL)


@dataclass(frozen=True)
class LoggedRequest:
    family: str  # cdx, availability, playback, other
    path: str  # the raw request path, query included
    query: dict[str, list[str]]
    headers: dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class _Capture:
    original: str
    timestamp: str
    statuscode: str
    mimetype: str
    body: bytes

    @property
    def key(self) -> str:
        return url_key(self.original)

    def field(self, name: str) -> str:
        values = {
            "urlkey": self.key,
            "timestamp": self.timestamp,
            "original": self.original,
            "mimetype": self.mimetype,
            "statuscode": self.statuscode,
            "digest": base64.b32encode(hashlib.sha1(self.body).digest()).decode(),
            "length": str(len(self.body)),
        }
        return values[name]


def fast_client(base_url: str, **options: Any) -> Wayback:
    """A Wayback client for the fake: no rate limits, a 5 s timeout; `options` override."""
    settings: dict[str, Any] = {
        "cdx_per_minute": float("inf"),
        "availability_per_minute": float("inf"),
        "playback_per_minute": float("inf"),
        "timeout": 5.0,
    } | options
    return Wayback(base_url, **settings)


def url_key(url: str) -> str:
    """A loose match key: no scheme, no www., lowercase host, no trailing slash."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def pad_timestamp(value: str, *, high: bool) -> str:
    """Pad a 1-14 digit timestamp to 14 digits, to the earliest or latest moment it names."""
    template = "99991231235959" if high else "00000101000000"
    return value + template[len(value) :]


def _seconds(timestamp: str) -> int:
    """A 14-digit timestamp as seconds, tolerating day 31 of a short month (padding)."""
    year, month, day = int(timestamp[:4]), int(timestamp[4:6]), int(timestamp[6:8])
    clock = int(timestamp[8:10]) * 3600 + int(timestamp[10:12]) * 60 + int(timestamp[12:14])
    first_of_month = date(max(year, 1), min(max(month, 1), 12), 1).toordinal()
    return (first_of_month + max(day, 1) - 1) * 86400 + clock


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # many client threads at once must not be refused

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (timeout tests) is not an error worth a traceback


class FakeWayback:
    """A fake Wayback Machine; see the module docstring."""

    def __init__(self, captures: list[CaptureTuple] | None = None) -> None:
        self.captures = [_Capture(*capture) for capture in captures or []]
        self.fail_cdx: int | None = None
        self.fail_availability: int | None = None
        self.fail_playback: int | None = None
        self.fail_timegate: int | None = None
        self.fail_save: int | None = None
        self.fail_after: int | None = None
        self.spn_keys = ("test-access-key", "test-secret-key")
        self.spn_pending_polls = 1
        self.spn_timestamp = "20260101120000"
        self.spn_errors: dict[str, str] = {}  # url -> status_ext, e.g. "error:not-found"
        self.saved: list[str] = []  # URLs whose save job succeeded
        self._jobs: dict[str, dict[str, Any]] = {}
        self.garbage = False
        self.delay = 0.0
        self.blocked: set[str] = set()
        self.requests: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},  # shutdown() waits up to one poll interval
            daemon=True,
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, capture: CaptureTuple) -> None:
        self.captures.append(_Capture(*capture))

    def count(self, family: str) -> int:
        with self._log_lock:
            return sum(1 for request in self.requests if request.family == family)

    def clear_log(self) -> None:
        with self._log_lock:
            self.requests.clear()

    def start(self) -> FakeWayback:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # cut short any `delay` still running
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeWayback:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- answers (called from the handler threads) ----------------------------

    def _log(self, request: LoggedRequest) -> None:
        with self._log_lock:
            self.requests.append(request)

    def _wait(self) -> None:
        if self.delay > 0:
            self._stopping.wait(self.delay)

    def _matching(self, url: str) -> list[_Capture]:
        key = url_key(url)
        return [capture for capture in self.captures if capture.key == key]

    def _is_blocked(self, url: str) -> bool:
        return url_key(url) in {url_key(blocked) for blocked in self.blocked}

    def _nearest(self, candidates: list[_Capture], timestamp: str) -> _Capture | None:
        target = _seconds(pad_timestamp(timestamp, high=False))
        ordered = sorted(
            candidates, key=lambda c: (abs(_seconds(c.timestamp) - target), c.timestamp)
        )
        return ordered[0] if ordered else None

    def availability(self, query: dict[str, list[str]]) -> dict[str, Any]:
        url = query.get("url", [""])[0]
        answer: dict[str, Any] = {"url": url, "archived_snapshots": {}}
        if self._is_blocked(url):
            return answer
        usable = [c for c in self._matching(url) if c.statuscode == "200"]
        timestamp = query.get("timestamp", [""])[0]
        if timestamp:
            best = self._nearest(usable, timestamp)
        else:
            best = max(usable, key=lambda c: c.timestamp, default=None)
        if best is not None:
            answer["archived_snapshots"]["closest"] = {
                "status": best.statuscode,
                "available": True,
                "url": f"{self.base_url}/web/{best.timestamp}/{best.original}",
                "timestamp": best.timestamp,
            }
        return answer

    def timegate(self, url: str, accept_datetime: str | None) -> tuple[int, dict[str, str]]:
        """(status, headers) of a TimeGate answer."""
        usable = [c for c in self._matching(url) if c.statuscode == "200"]
        if accept_datetime:
            try:
                wanted = parsedate_to_datetime(accept_datetime).strftime("%Y%m%d%H%M%S")
            except (TypeError, ValueError):
                return 400, {}
            best = self._nearest(usable, wanted)
        else:
            best = max(usable, key=lambda c: c.timestamp, default=None)
        if best is None:
            return 404, {"Vary": "accept-datetime"}
        memento = f"{self.base_url}/web/{best.timestamp}/{best.original}"
        moment = datetime.strptime(best.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        link = (
            f'<{best.original}>; rel="original", '
            f'<{self.base_url}/web/timemap/link/{best.original}>; rel="timemap"; '
            f'type="application/link-format", '
            f'<{memento}>; rel="memento"; datetime="{format_datetime(moment, usegmt=True)}"'
        )
        return 302, {"Location": memento, "Vary": "accept-datetime", "Link": link}

    def save(self, authorization: str | None, form: dict[str, list[str]]) -> tuple[int, Any]:
        """(status, JSON) of a Save Page Now 2 request."""
        if authorization != f"LOW {self.spn_keys[0]}:{self.spn_keys[1]}":
            return 401, {
                "status": "error",
                "status_ext": "error:unauthorized",
                "message": "You need to be logged in to use Save Page Now.",
            }
        url = form.get("url", [""])[0]
        if not url:
            return 400, {"status": "error", "message": "url is required"}
        job_id = "spn2-" + hashlib.sha1(f"{url}{len(self._jobs)}".encode()).hexdigest()
        self._jobs[job_id] = {"url": url, "polls": 0}
        return 200, {"url": url, "job_id": job_id}

    def save_status(self, job_id: str) -> dict[str, Any]:
        job = self._jobs.get(job_id)
        if job is None:
            return {"status": "error", "status_ext": "error:job-not-found", "message": "?"}
        job["polls"] += 1
        if job["polls"] <= self.spn_pending_polls:
            return {"status": "pending", "job_id": job_id, "resources": []}
        url = job["url"]
        if url in self.spn_errors:
            return {
                "status": "error",
                "job_id": job_id,
                "status_ext": self.spn_errors[url],
                "message": "Couldn't resolve host or the page could not be captured.",
            }
        if not job.get("done"):
            job["done"] = True
            self.saved.append(url)
            self.add((url, self.spn_timestamp, "200", "text/html", b"<p>Saved today</p>"))
        return {
            "status": "success",
            "job_id": job_id,
            "original_url": url,
            "timestamp": self.spn_timestamp,
            "duration_sec": 1.5,
        }

    def cdx(self, query: dict[str, list[str]]) -> tuple[str, str]:
        """(content type, body) of a CDX answer."""
        url = query.get("url", [""])[0]
        rows = sorted(self._matching(url), key=lambda c: c.timestamp)
        for spec in query.get("filter", []):
            negate = spec.startswith("!")
            name, _, pattern = spec.lstrip("!").partition(":")
            rows = [r for r in rows if bool(re.fullmatch(pattern, r.field(name))) != negate]
        if "from" in query:
            low = pad_timestamp(query["from"][0], high=False)
            rows = [r for r in rows if r.timestamp >= low]
        if "to" in query:
            high = pad_timestamp(query["to"][0], high=True)
            rows = [r for r in rows if r.timestamp <= high]
        if query.get("sort", [""])[0] == "closest" and "closest" in query:
            target = _seconds(pad_timestamp(query["closest"][0], high=False))
            rows.sort(key=lambda c: (abs(_seconds(c.timestamp) - target), c.timestamp))
        if "limit" in query:
            limit = int(query["limit"][0])
            rows = rows[limit:] if limit < 0 else rows[:limit]
        fields = query["fl"][0].split(",") if query.get("fl") else list(CDX_DEFAULT_FIELDS)
        table = [[row.field(name) for name in fields] for row in rows]
        if query.get("output", [""])[0] == "json":
            return "application/json", json.dumps([fields, *table] if table else [])
        return "text/plain", "".join(" ".join(row) + "\n" for row in table)


def _handler_for(fake: FakeWayback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet; the fake has its own request log

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query, keep_blank_values=True)
            family = _family(parts.path)
            fake._log(LoggedRequest(family, self.path, query, dict(self.headers.items())))
            fake._wait()
            # A client that gave up (a timeout test) cannot be told anything.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer(family, parts.path, query)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            family = _family(parts.path)
            fake._log(LoggedRequest(family, self.path, form, dict(self.headers.items())))
            fake._wait()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                failure = self._failure(family)
                if failure is not None:
                    self._send(failure, b"fake failure\n", "text/plain")
                elif parts.path == "/save":
                    status, answer = fake.save(self.headers.get("Authorization"), form)
                    self._send(status, json.dumps(answer).encode(), "application/json")
                else:
                    self._send(404, b"not found\n", "text/plain")

        def _failure(self, family: str) -> int | None:
            if fake.fail_after is not None and len(fake.requests) > fake.fail_after:
                return 503
            return {
                "cdx": fake.fail_cdx,
                "availability": fake.fail_availability,
                "playback": fake.fail_playback,
                "timegate": fake.fail_timegate,
                "save": fake.fail_save,
            }.get(family)

        def _answer(self, family: str, path: str, query: dict[str, list[str]]) -> None:
            failure = self._failure(family)
            if failure is not None:
                self._send(failure, b"fake failure\n", "text/plain")
            elif family in ("cdx", "availability") and fake.garbage:
                self._send(200, b"<html>Service Temporarily Unavailable</html>", "text/html")
            elif family == "availability":
                body = json.dumps(fake.availability(query)).encode()
                self._send(200, body, "application/json")
            elif family == "cdx":
                url = query.get("url", [""])[0]
                if fake._is_blocked(url):
                    self._send(403, BLOCKED_SITE_TEXT.encode(), "text/plain")
                    return
                content_type, text = fake.cdx(query)
                self._send(200, text.encode(), content_type)
            elif family == "playback":
                self._playback()
            elif family == "timegate":
                url = unquote(path.removeprefix("/timegate/"))
                status, headers = fake.timegate(url, self.headers.get("Accept-Datetime"))
                self._send(status, b"", "text/plain", headers)
            elif family == "save" and path.startswith("/save/status/"):
                answer = fake.save_status(path.removeprefix("/save/status/"))
                self._send(200, json.dumps(answer).encode(), "application/json")
            else:
                self._send(404, b"not found\n", "text/plain")

        def _playback(self) -> None:
            match = _WEB_PATH.fullmatch(self.path)
            if match is None:
                self._send(404, b"not a capture path\n", "text/plain")
                return
            timestamp, mode, url = match["timestamp"], match["mode"] or "", match["url"]
            if fake._is_blocked(url):
                self._send(403, b"excluded\n", "text/plain")
                return
            nearest = fake._nearest(fake._matching(url), timestamp)
            if nearest is None:
                self._send(404, b"Wayback Machine has not archived that URL.\n", "text/plain")
                return
            if nearest.timestamp != timestamp:
                location = f"{fake.base_url}/web/{nearest.timestamp}{mode}/{nearest.original}"
                self._send(302, b"", "text/plain", {"Location": location})
                return
            moment = datetime.strptime(nearest.timestamp, "%Y%m%d%H%M%S")
            headers = {"Memento-Datetime": moment.strftime("%a, %d %b %Y %H:%M:%S GMT")}
            if nearest.statuscode.startswith("3"):
                # A captured redirect: its body is the URL it pointed to, replayed as a
                # redirect to that URL's capture (as the real archive does).
                target = nearest.body.decode()
                headers["Location"] = f"{fake.base_url}/web/{nearest.timestamp}{mode}/{target}"
                self._send(int(nearest.statuscode), b"", nearest.mimetype, headers)
                return
            body = nearest.body if mode == "id_" else FAKE_TOOLBAR + nearest.body
            self._send(int(nearest.statuscode), body, nearest.mimetype, headers)

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _family(path: str) -> str:
    if path.startswith("/cdx/"):
        return "cdx"
    if path.startswith("/wayback/available"):
        return "availability"
    if path.startswith("/web/"):
        return "playback"
    if path.startswith("/timegate/"):
        return "timegate"
    if path == "/save" or path.startswith("/save/"):
        return "save"
    return "other"
