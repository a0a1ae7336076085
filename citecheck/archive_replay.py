"""A WARC file as a web archive, for `--replay`.

Replaying cannot answer CDX or availability queries (their exact query strings
would have to have been recorded), but a WARC that holds Wayback captures in the
`id_` form (`{base}/web/<14 digits>id_/<original>`) is itself an archive: this
module indexes those records and picks a capture the way the live lookup does
(the 200 capture closest before the wanted date, else the closest after).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from citecheck.archive.timestamps import end_of_period
from citecheck.archive.urls import normalize_url
from citecheck.models import ArchiveStatus, Capture
from citecheck.replay import RecordedResponse

_CAPTURE_URI = re.compile(r"^(?P<base>https?://[^/]+)/web/(?P<ts>\d{14})id_/(?P<original>.+)$")


class ReplayArchive:
    """Captures found in a WARC file, looked up like the Wayback Machine's.

    Built from the records `citecheck.replay.read_warc` read for the replay sessions,
    so the file is read once.
    """

    def __init__(self, records: Mapping[str, RecordedResponse]) -> None:
        self._captures: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for record in records.values():
            match = _CAPTURE_URI.match(record.url)
            if match:
                self._captures[normalize_url(match["original"])].append(
                    (match["ts"], record.url, record.status)
                )

    def closest(self, url: str, when: str | None = None) -> Capture:
        try:
            wanted = end_of_period(when)  # the same rule as the live lookup
        except ValueError:
            return Capture(url, ArchiveStatus.UNKNOWN, error=f"not a date: {when!r}")
        candidates = [c for c in self._captures.get(normalize_url(url), []) if c[2] == 200]
        if not candidates:
            return Capture(
                original_url=url,
                status=ArchiveStatus.NOT_FOUND,
                error="no capture in the replay WARC",
                archive="replay",
            )
        before = [c for c in candidates if c[0] <= wanted]
        after = [c for c in candidates if c[0] > wanted]
        timestamp, uri, status = max(before) if before else min(after)
        return Capture(
            original_url=url,
            status=ArchiveStatus.FOUND,
            url=uri.replace(f"{timestamp}id_/", f"{timestamp}/", 1),
            timestamp=timestamp,
            http_status=status,
            archive="wayback",
        )
