"""A fake MediaWiki Action API on 127.0.0.1, for citecheck's Wikipedia client.

    pages = {"Harrowgate Tide Mill": FakePage(wikitext, revision_id=1234567)}
    with serve_mediawiki(pages, redirects={"Tide Mill": "Harrowgate Tide Mill"},
                         lagged=1) as api_url:   # the first answer is a maxlag error
        ...  # api_url is ".../w/api.php"; api_url.server.requests lists what it saw

It answers `action=query&prop=revisions…&titles=T&formatversion=2` as MediaWiki does:
`{"query": {"pages": [{"title", "revisions": [{"revid", "timestamp",
"slots": {"main": {"content"}}}]}]}}`, with `missing` for unknown titles and
`{"error": {"code": "maxlag", …}}` plus `Retry-After` while lagged.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from httpservers import ReceivedRequest, Route, ServerURL, serve


@dataclass(frozen=True)
class FakePage:
    wikitext: str
    revision_id: int = 1000
    timestamp: str = "2026-01-15T10:00:00Z"


class ApiURL(str):
    server: ServerURL


def _json(data: object, headers: dict[str, str] | None = None) -> Route:
    return Route(
        200,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


@contextlib.contextmanager
def serve_mediawiki(
    pages: Mapping[str, FakePage],
    *,
    redirects: Mapping[str, str] | None = None,
    lagged: int = 0,
    retry_after: str = "0",
) -> Iterator[ApiURL]:
    state = {"lagged": lagged}
    redirects = dict(redirects or {})

    def answer(request: ReceivedRequest) -> Route:
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
        if state["lagged"] > 0:
            state["lagged"] -= 1
            error = {"code": "maxlag", "info": "Waiting for a database server: 7 seconds lagged.",
                     "host": "db1", "lag": 7, "type": "db"}
            return _json({"error": error}, {"Retry-After": retry_after, "X-Database-Lag": "7"})
        if query.get("action") != "query" or query.get("formatversion") != "2":
            return _json({"error": {"code": "badparams", "info": "unexpected parameters"}})
        asked = query.get("titles", "").replace("_", " ")
        result: dict[str, object] = {}
        title = asked
        if asked in redirects and query.get("redirects"):
            title = redirects[asked]
            result["redirects"] = [{"from": asked, "to": title}]
        if not title or "[" in title:
            result["pages"] = [{"title": title, "invalidreason": "The requested page title "
                                "contains invalid characters.", "invalid": True}]
        elif title not in pages:
            result["pages"] = [{"ns": 0, "title": title, "missing": True}]
        else:
            page = pages[title]
            revision = {
                "revid": page.revision_id, "parentid": page.revision_id - 1,
                "timestamp": page.timestamp,
                "slots": {"main": {"contentmodel": "wikitext",
                                   "contentformat": "text/x-wiki", "content": page.wikitext}},
            }
            result["pages"] = [{"pageid": 42, "ns": 0, "title": title, "revisions": [revision]}]
        return _json({"batchcomplete": True, "query": result})

    with serve({"/w/api.php": answer}) as base:
        api = ApiURL(f"{base}/w/api.php")
        api.server = base
        yield api
