"""url -> Fetch: pooling, politeness per host, retries, redirects, size cap, the
address guard at every hop and after DNS resolution, soft-404 detection.

    options.py       FetchOptions
    urls.py          is this URL fetchable at all (INVALID / UNSUPPORTED)
    classify.py      an HTTP answer as a LinkStatus, soft 404s, HEAD -> GET decisions
    retries.py       which answers are retried, backoff with jitter, Retry-After
    headers.py       global, per-host and GitHub-token headers
    hosts.py         per-host pacing and back-off shared by the whole run
    chain.py         deadline, per-hop guard, redirect chains, building the Fetch
    errors.py        transport failures as statuses, for both engines
    sync_engine.py   requests: single fetches, WARC replay and recording
    async_engine.py  fast live fetch_many: queues per host, politeness, redirects
    transport.py     what the async engine needs of an HTTP client
    transport_reqwest.py  pyreqwest (the default), names pinned to checked addresses
    transport_aiohttp.py  aiohttp (fallback), the guard inside its resolver
    inflate.py       gzip and deflate decoded as aiohttp decodes them, for reqwest
    resolver.py      resolving a name and refusing private addresses, for both
    fetcher.py       Fetcher, which picks the engine

`Fetcher.fetch` never raises for a problem with one URL: the problem becomes the
Fetch's status and a one-line `error`.
"""

from typing import TYPE_CHECKING, Any

from citecheck.fetch.chain import Deadline
from citecheck.fetch.classify import (
    ACCEPT,
    BLOCKED_CODES,
    REDIRECT_CODES,
    classify_answer,
    soft_404_reason,
)
from citecheck.fetch.errors import describe_request_error
from citecheck.fetch.fetcher import Fetcher
from citecheck.fetch.headers import is_github_host, parse_header_token, request_headers
from citecheck.fetch.hosts import HostPacer
from citecheck.fetch.options import FetchOptions, Method
from citecheck.fetch.retries import RETRY_CODES, backoff_delay, retry_delay, retry_wait
from citecheck.fetch.urls import SUPPORTED_SCHEMES, UrlProblem, ascii_host, host_key, url_problem

if TYPE_CHECKING:
    from citecheck.fetch.sync_engine import make_session

__all__ = [
    "ACCEPT",
    "BLOCKED_CODES",
    "REDIRECT_CODES",
    "RETRY_CODES",
    "SUPPORTED_SCHEMES",
    "Deadline",
    "FetchOptions",
    "Fetcher",
    "HostPacer",
    "Method",
    "UrlProblem",
    "ascii_host",
    "backoff_delay",
    "classify_answer",
    "describe_request_error",
    "host_key",
    "is_github_host",
    "make_session",
    "parse_header_token",
    "request_headers",
    "retry_delay",
    "retry_wait",
    "soft_404_reason",
    "url_problem",
]


def __getattr__(name: str) -> Any:
    # make_session lives with the requests engine: loaded on first use, not with the
    # package, so importing citecheck.fetch does not load requests (~80 ms)
    if name == "make_session":
        from citecheck.fetch.sync_engine import make_session

        return make_session
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
