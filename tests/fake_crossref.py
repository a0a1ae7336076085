"""A fake Crossref REST API on 127.0.0.1: `GET /works/{doi}` -> `{"status": "ok", "message": …}`.

    with serve_crossref({"10.5555/jea.2021.1": WORK}) as base_url:
        client = CrossrefClient(base_url=base_url, mailto="tests@example.org")

Unknown DOIs get a 404; DOIs listed in `failing`
get a 503, as during an outage.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from httpservers import Route, ServerURL, serve


def work(doi: str, title: str, families: list[str], year: int, **extra: Any) -> dict[str, Any]:
    """A Crossref work message with the fields citecheck reads."""
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "author": [{"given": "A.", "family": family, "sequence": "first"} for family in families],
        "issued": {"date-parts": [[year]]},
        "container-title": ["Journal of Example Astronomy"],
        **extra,
    }


@contextlib.contextmanager
def serve_crossref(
    works: Mapping[str, dict[str, Any]], failing: tuple[str, ...] = ()
) -> Iterator[ServerURL]:
    # The client asks for /works/{doi} with the DOI percent-encoded whole ("/" -> %2F);
    # any other path gets the server's 404, as Crossref answers for an unknown DOI.
    routes: dict[str, Route] = {}
    for doi in failing:
        routes[_path(doi)] = Route(503, body=b"busy", headers={"Content-Type": "text/plain"})
    for doi, message in works.items():
        body = {"status": "ok", "message-type": "work", "message": message}
        routes[_path(doi)] = Route(
            200, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
    with serve(routes) as base_url:
        yield base_url


def _path(doi: str) -> str:
    return "/works/" + quote(doi, safe="")
