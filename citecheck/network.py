"""The run's options and its network: the fetcher (live or replayed from a WARC), the
Wayback Machine, the WARC recorder and the Crossref client.

Kept apart from the pipeline so that `citecheck links`, which needs the network and
nothing of the text and verdict machinery, loads fast.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from citecheck.fetch import Fetcher, FetchOptions
from citecheck.models import Capture, Fetch

# The archive, Crossref and WARC clients are imported where they are made: each
# loads requests (and Crossref rapidfuzz), which a `links` run mostly does not need.
if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

    from citecheck.archive import Wayback
    from citecheck.archive_replay import ReplayArchive
    from citecheck.identifiers.crossref import CrossrefClient
    from citecheck.replay import RecordedResponse, WarcRecorder


# A Struct, not a dataclass: start-up cost, see citecheck/models.py (gc=False: no cycles).
class RunOptions(msgspec.Struct, frozen=True, gc=False):
    db: Path = Path("citecheck.db")
    max_age: timedelta = timedelta(days=1)
    fetch: FetchOptions = msgspec.field(default_factory=FetchOptions)
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
        from citecheck.archive import wayback_base_url

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
        self._options = options
        factory: Callable[[], requests.Session] | None = None
        # The replay WARC is read once, here: its sessions and its archive share the records.
        self.replay_records: dict[str, RecordedResponse] | None = None
        self.replay_archive: ReplayArchive | None = None
        if options.replay:
            from citecheck.archive_replay import ReplayArchive
            from citecheck.replay import read_warc, replay_sessions

            self.replay_records = read_warc(options.replay)
            factory = replay_sessions(self.replay_records)
            self.replay_archive = ReplayArchive(self.replay_records)
        self._session_factory = factory
        self.recorder: WarcRecorder | None = None
        if options.record:
            from citecheck.replay import WarcRecorder

            self.recorder = WarcRecorder(options.record)
        # Replayed pages live on reserved domains that do not resolve: no DNS checks then.
        # A replay never touches the network, so the address guard has nothing to protect.
        fetch_options = (
            msgspec.structs.replace(options.fetch, allow_private=True) if factory else options.fetch
        )
        self.fetcher = Fetcher(
            fetch_options,
            session_factory=factory,
            recorder=self.recorder,
            resolve_dns=options.replay is None,
        )
        # Made on first use (`links` never asks for it): see the `crossref` property.
        self._crossref: CrossrefClient | None = None
        self._crossref_lock = threading.Lock()
        self.wayback: Wayback | None = None
        if options.archive and not options.fetch.offline:
            from citecheck.archive import Wayback, wayback_base_url

            self.wayback = Wayback(
                wayback_base_url(options.wayback_url),
                session=self._new_session(),
                timeout=options.fetch.timeout,
                user_agent=options.fetch.user_agent,
            )

    def _new_session(self) -> requests.Session:
        if self._session_factory is not None:
            return self._session_factory()
        import requests

        return requests.Session()

    @property
    def crossref(self) -> CrossrefClient | None:
        """The Crossref client, when the run compares DOIs with Crossref's metadata."""
        options = self._options
        if not options.crossref or options.fetch.offline:
            return None
        with self._crossref_lock:  # pipeline workers may ask at once: one client
            if self._crossref is None:
                from citecheck.identifiers.crossref import (
                    DEFAULT_BASE_URL,
                    DEFAULT_MAILTO,
                    CrossrefClient,
                )

                self._crossref = CrossrefClient(
                    base_url=options.crossref_url or DEFAULT_BASE_URL,
                    mailto=options.mailto or DEFAULT_MAILTO,
                    session=self._new_session(),
                    timeout=options.fetch.timeout,
                )
            return self._crossref

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
