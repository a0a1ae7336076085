"""What the fetcher may do: timeouts, caps, politeness, retries, headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import msgspec

Method = Literal["get", "head-then-get", "head"]


# A Struct, not a dataclass: start-up cost, see citecheck/models.py. gc=False: no cycles
# (the header mappings hold strings). Unhashable (dict fields), as the dataclass was.
class FetchOptions(msgspec.Struct, frozen=True, gc=False):
    timeout: float = 15.0  # read timeout per request
    connect_timeout: float = 5.0
    deadline: float = 30.0  # overall per URL incl. redirects, retries and body
    max_bytes: int = 10 * 2**20  # body cap; the body is cut there and Fetch.truncated=True
    max_redirects: int = 10
    user_agent: str = "citecheck/0.1 (+https://example.org/citecheck)"
    allow_private: bool = False
    offline: bool = False  # fetch nothing: every URL is EXCLUDED with error "offline"
    insecure: bool = False  # accept any TLS certificate (self-signed, expired, other name)

    # Politeness, shared by every request of one Fetcher (redirect hops and retries too).
    max_concurrency: int = 128  # requests in flight at once, overall
    host_concurrency: int = 10  # requests in flight at once to one host
    # Between request starts to one host. 0 like lychee's --host-request-interval 0ms:
    # host_concurrency already bounds the load on a host, a 429 backs that host off
    # below, and lychee's 50 ms default makes 500 links on one host take 25 s.
    host_request_interval: float = 0.0

    # "get": one GET (with need_body=False only an HTML page's head is read, for the
    # soft-404 check). "head-then-get": HEAD, then GET when HEAD fails (405, 501, any
    # other error) or a body is needed (need_body, or a 2xx HTML page to check for a
    # soft 404). "head": HEAD only, GET only on 405/501 (no soft-404 check by title).
    method: Method = "get"

    max_retries: int = 3  # extra tries after 429, 5xx or a timeout
    retries: int | None = None  # the old name of max_retries; wins when set
    retry_after_max: float = 30.0  # longest wait honoured (Retry-After or backoff)
    retry_backoff: float = 0.5  # first backoff; doubles per try, with jitter

    headers: Mapping[str, str] = msgspec.field(default_factory=dict)  # sent to every host
    host_headers: Mapping[str, Mapping[str, str]] = msgspec.field(default_factory=dict)  # per host
    github_token: str | None = None  # Authorization: Bearer, only to GitHub hosts
    accept_encoding: str = "gzip, deflate"

    @property
    def retry_budget(self) -> int:
        return self.max_retries if self.retries is None else self.retries
