"""WARC files: record what the fetcher saw, and answer requests from a recording.

Replay is a requests transport adapter, so the same Fetcher (or any code that
takes a requests.Session) runs unchanged against a WARC. Bodies are stored
decoded: Content-Encoding and Transfer-Encoding are dropped from the recorded
headers, and Content-Length is set to the stored body. Request records keep the
names of credential headers but never their values: a WARC is made to be shared.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse
from urllib3._collections import HTTPHeaderDict
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from citecheck.errors import ReplayError

# Headers describing the bytes on the wire, which no longer apply to a decoded body.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Request headers that carry credentials whatever the run: their values never reach a WARC.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
REDACTED = "[redacted]"
# Set on replayed responses whose record says the body was cut at record time.
WARC_TRUNCATED_ATTRIBUTE = "citecheck_warc_truncated"


class NotInReplayArchive(requests.exceptions.ConnectionError):
    """The replayed WARC holds no response for this URL."""


@dataclass(frozen=True)
class RecordedResponse:
    url: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    truncated: bool = False


def replay_key(url: str) -> str:
    """The form a URL is looked up by: scheme and host lower-cased, default port and
    fragment dropped, an empty path as "/". The query string is kept exactly."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url
    if ":" in host:
        host = f"[{host}]"
    scheme = parts.scheme.lower()
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def _replayable_headers(headers: Iterable[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    kept = [(name, value) for name, value in headers if name.lower() not in _WIRE_HEADERS]
    kept.append(("Content-Length", str(len(body))))
    return kept


def redact_headers(
    headers: Iterable[tuple[str, str]], secret_names: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """`headers` with the value of each credential header, and of each one named in
    `secret_names` (any case), replaced by REDACTED; the name stays, to show it was sent."""
    secret = CREDENTIAL_HEADERS | {name.lower() for name in secret_names}
    return [(name, REDACTED if name.lower() in secret else value) for name, value in headers]


def read_warc(path: str | Path) -> dict[str, RecordedResponse]:
    """Every response record in the WARC, keyed by `replay_key` (a later record wins)."""
    records: dict[str, RecordedResponse] = {}
    seen_any = False
    try:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.format != "warc":  # warcio also guesses at legacy ARC, even from junk
                    raise ReplayError(f"not a WARC file: {path} (no WARC record header)")
                seen_any = True
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                if not url:
                    continue
                status_line = record.http_headers.get_statuscode() or "0"
                reason = record.http_headers.statusline.partition(" ")[2]
                body = record.content_stream().read()
                records[replay_key(url)] = RecordedResponse(
                    url=url,
                    status=int(status_line),
                    reason=reason,
                    headers=tuple(_replayable_headers(record.http_headers.headers, body)),
                    body=body,
                    truncated=bool(record.rec_headers.get_header("WARC-Truncated")),
                )
    except FileNotFoundError:
        raise ReplayError(f"replay file not found: {path}") from None
    except IsADirectoryError:
        raise ReplayError(f"replay file is a directory: {path}") from None
    except ReplayError:
        raise
    except (ArchiveLoadFailed, ValueError, OSError, EOFError, AttributeError, TypeError) as exc:
        # warcio meets malformed input with assorted exceptions (a record without a
        # target URI is an AttributeError): all mean the file is not a usable WARC
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReplayError(f"not a WARC file: {path} ({first_line})") from None
    if not seen_any:
        raise ReplayError(f"not a WARC file: {path} (no records)")
    return records


class ReplayAdapter(HTTPAdapter):
    """A transport that answers from recorded responses and never touches the network."""

    def __init__(self, records: Mapping[str, RecordedResponse]) -> None:
        super().__init__(max_retries=0)
        self.records = records

    def send(  # type: ignore[override]  # same call shape as HTTPAdapter.send, looser types
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        url = request.url or ""
        recorded = self.records.get(replay_key(url))
        if recorded is None:
            raise NotInReplayArchive(f"not in replay archive: {url}", request=request)
        raw = HTTPResponse(
            body=io.BytesIO(recorded.body),
            headers=HTTPHeaderDict(list(recorded.headers)),
            status=recorded.status,
            reason=recorded.reason,
            preload_content=False,
            decode_content=False,
            request_method=request.method,
            request_url=url,
        )
        response = self.build_response(request, raw)
        setattr(response, WARC_TRUNCATED_ATTRIBUTE, recorded.truncated)
        return response


def replay_session_factory(warc_path: str | Path) -> Callable[[], requests.Session]:
    """Sessions whose http and https requests are answered from the WARC.

    The file is read once, here: a missing or unreadable file raises ReplayError now.
    A URL not in the WARC raises NotInReplayArchive (a requests ConnectionError).
    """
    return replay_sessions(read_warc(warc_path))


def replay_sessions(records: Mapping[str, RecordedResponse]) -> Callable[[], requests.Session]:
    """Sessions answered from records `read_warc` has already read."""

    def make_session() -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxies or netrc: nothing leaves the process
        adapter = ReplayAdapter(records)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    return make_session


def is_replay_session(session: requests.Session) -> bool:
    return isinstance(session.get_adapter("http://replay.example/"), ReplayAdapter)


class WarcRecorder:
    """Writes request and response records to a WARC (gzip unless the name ends in .warc).

    Thread-safe: fetch_many's workers share one recorder.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._stream: IO[bytes] | None = open(self.path, "wb")  # noqa: SIM115  # closed in close()
        except OSError as exc:
            raise ReplayError(f"cannot write WARC file {path}: {exc.strerror}") from None
        self._writer = WARCWriter(self._stream, gzip=self.path.suffix != ".warc")
        info = {"software": "citecheck", "format": "WARC File Format 1.1"}
        self._write(self._writer.create_warcinfo_record(self.path.name, info))

    def __enter__(self) -> WarcRecorder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _write(self, record: Any) -> None:
        if self._stream is None:
            raise ReplayError(f"WARC file already closed: {self.path}")
        try:
            self._writer.write_record(record)
        except OSError as exc:
            raise ReplayError(f"cannot write WARC file {self.path}: {exc.strerror}") from None

    def record(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        request_headers: list[tuple[str, str]] | None = None,
        truncated: bool = False,
        secret_headers: Iterable[str] = (),
    ) -> None:
        """Record one exchange. `body` is the decoded body; truncated marks a capped body.
        The request record redacts credential headers and those named in `secret_headers`
        (the run's own: replay looks responses up by URL, so no request header is needed)."""
        reason = reason or _reason_for(status)
        http_headers = StatusAndHeaders(
            f"{status} {reason}", _replayable_headers(headers, body), protocol="HTTP/1.1"
        )
        warc_headers = {"WARC-Truncated": "length"} if truncated else None
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        parts = urlsplit(url)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        request_http = StatusAndHeaders(
            f"GET {target} HTTP/1.1",
            redact_headers(request_headers or [("Host", parts.netloc)], secret_headers),
            is_http_request=True,
        )
        request = self._writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), http_headers=request_http
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        with self._lock:
            self._write(response)
            self._write(request)

    def close(self) -> None:
        with self._lock:
            if self._stream is not None:
                self._stream.close()
                self._stream = None


def _reason_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def write_warc(
    path: str | Path, pages: Iterable[tuple[str, int, list[tuple[str, str]], bytes]]
) -> None:
    """Build a WARC from (url, status, headers, body): for examples and test fixtures."""
    with WarcRecorder(path) as recorder:
        for url, status, headers, body in pages:
            recorder.record(url, status, _reason_for(status), list(headers), body)
