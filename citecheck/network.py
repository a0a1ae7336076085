"""The run's options and its network: the fetcher (live or replayed from a WARC), the
Wayback Machine, the WARC recorder and the Crossref client.

Kept apart from the pipeline so that `citecheck links`, which needs the network and
nothing of the text and verdict machinery, loads fast.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

from citecheck.archive import Wayback, wayback_base_url
from citecheck.archive_replay import ReplayArchive
from citecheck.fetch import Fetcher, FetchOptions
from citecheck.identifiers.crossref import DEFAULT_BASE_URL as DEFAULT_CROSSREF_URL
from citecheck.identifiers.crossref import DEFAULT_MAILTO, CrossrefClient
from citecheck.models import Capture, Fetch
from citecheck.replay import WarcRecorder, replay_session_factory


@dataclass(frozen=True)
class RunOptions:
    db: Path = Path("citecheck.db")
    max_age: timedelta = timedelta(days=1)
    fetch: FetchOptions = field(default_factory=FetchOptions)
    replay: Path | None = None
    record: Path | None = None
    wayback_url: str | None = None
    archive: bool = True
    workers: int = 16
    wiki: str | None = None  # language edition for bare --title values
    titles: tuple[str, ...] = ()  # Wikipedia titles (or article URLs) to check
    mediawiki_api: str | None = None  # overrides the article host's /w/api.php
    crossref: bool = True  # compare DOIs with Crossref's metadata
    crossref_url: str | None = None
    mailto: str | None = None  # contact address sent to Crossref, as it asks
    drift: bool = False  # also judge live cited pages against their capture near access-date
    sources: tuple[str, ...] = ()  # pages (files or URLs) to match references without a URL

    def describe(self) -> dict[str, Any]:
        """The options as plain values, kept with the run in the store."""
        return {
            "db": str(self.db),
            "max_age_seconds": self.max_age.total_seconds(),
            "allow_private": self.fetch.allow_private,
            "offline": self.fetch.offline,
            "timeout": self.fetch.timeout,
            "max_bytes": self.fetch.max_bytes,
            "replay": str(self.replay) if self.replay else None,
            "record": str(self.record) if self.record else None,
            "wayback_url": wayback_base_url(self.wayback_url),
            "archive": self.archive,
            "workers": self.workers,
            "titles": list(self.titles),
            "drift": self.drift,
            "sources": list(self.sources),
            "crossref": self.crossref,
        }


class Network:
    """The run's fetcher and archive, live or replayed from a WARC."""

    def __init__(self, options: RunOptions) -> None:
        factory = replay_session_factory(options.replay) if options.replay else None
        self.recorder = WarcRecorder(options.record) if options.record else None
        # Replayed pages live on reserved domains that do not resolve: no DNS checks then.
        # A replay never touches the network, so the address guard has nothing to protect.
        fetch_options = (
            dataclasses.replace(options.fetch, allow_private=True) if factory else options.fetch
        )
        self.fetcher = Fetcher(
            fetch_options,
            session_factory=factory,
            recorder=self.recorder,
            resolve_dns=options.replay is None,
        )
        self.replay_archive = ReplayArchive(options.replay) if options.replay else None
        self.crossref: CrossrefClient | None = None
        if options.crossref and not options.fetch.offline:
            self.crossref = CrossrefClient(
                base_url=options.crossref_url or DEFAULT_CROSSREF_URL,
                mailto=options.mailto or DEFAULT_MAILTO,
                session=factory() if factory else requests.Session(),
                timeout=options.fetch.timeout,
            )
        self.wayback: Wayback | None = None
        if options.archive and not options.fetch.offline:
            session = factory() if factory else requests.Session()
            self.wayback = Wayback(
                wayback_base_url(options.wayback_url),
                session=session,
                timeout=options.fetch.timeout,
                user_agent=options.fetch.user_agent,
            )

    def lookup(self, url: str, when: str | None) -> Capture | None:
        if self.replay_archive is not None:
            return self.replay_archive.closest(url, when)
        if self.wayback is not None:
            return self.wayback.closest(url, when)
        return None

    def fetch_capture(self, capture: Capture) -> Fetch | None:
        if self.wayback is None:
            return None
        return self.wayback.fetch_original(capture)

    def close(self) -> None:
        self.fetcher.close()
        if self.recorder is not None:
            self.recorder.close()
