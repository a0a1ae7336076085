"""Archive links that citations already carry (`archive-url`, `archive-date`, `url-status`):
are they right?

Each finding is a Check:

- `archive_url_mismatch` (error): not an archive URL, or a capture of another page (after
  normalisation: scheme, `www.`, host case, default ports and a trailing slash ignored).
- `archive_date_mismatch` (warning): the capture's timestamp and `archive-date` disagree
  by more than a day (or the timestamp lies outside a month or year given as the date).
- `archive_after_access` (info): captured after the access-date. InternetArchiveBot
  wants a capture at or before the access-date, which shows the page as the citer saw
  it; a later capture may show a changed page. A capture before it is fine.
- `archive_dead` (error): the archive has no such capture (404/410 without a memento).
- `archive_error_page` (error): the capture itself recorded an error status, is a soft
  404, or redirects to the site's homepage.
- `archive_unchecked` (info): the archive could not be asked (outage, 429, timeout):
  nothing is concluded.
- `url_status_mismatch`: `url-status=live` while the link is dead (warning), or
  `url-status=dead` while it works (info).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from citecheck.archive.timestamps import end_of_period
from citecheck.archive.urls import ArchiveLink, is_site_root, parse_archive_url, same_page
from citecheck.archive.wayback import Wayback
from citecheck.fetch import soft_404_reason
from citecheck.models import Check, Fetch, Level, LinkStatus, Reference

_GONE = frozenset({404, 410})
_TOLERANCE = timedelta(days=1)


# The names of the checks validate_archive_link can give (reports and `archive` read them).
CHECK_NAMES = frozenset(
    {
        "archive_url_mismatch",
        "archive_date_mismatch",
        "archive_after_access",
        "archive_dead",
        "archive_error_page",
        "archive_unchecked",
        "url_status_mismatch",
    }
)


def validate_archive_link(
    reference: Reference,
    *,
    wayback: Wayback | None,
    fetch: Callable[[str], Fetch] | None,
    link: Fetch | None = None,
) -> tuple[Check, ...]:
    """What is wrong with the archive link `reference` carries; () when nothing is.

    `wayback` loads Wayback captures (original bytes, Memento-Datetime); `fetch` loads
    any other archive's link; with neither, only the URL and dates are checked. `link`
    (the live link's fetch) enables the url-status checks.
    """
    checks: list[Check] = []
    if link is not None:
        checks.extend(_url_status_checks(reference, link))
    if not reference.archive_url:
        return tuple(checks)
    wayback_hosts = (urlsplit(wayback.base_url).hostname or "",) if wayback else ()
    parsed = parse_archive_url(reference.archive_url, wayback_hosts)
    if parsed is None:
        return (
            *checks,
            Check(
                "archive_url_mismatch",
                Level.ERROR,
                f"archive-url {reference.archive_url} is not an archive URL",
            ),
        )
    if parsed.original and reference.url and not same_page(parsed.original, reference.url):
        checks.append(
            Check(
                "archive_url_mismatch",
                Level.ERROR,
                f"archive-url is a capture of {parsed.original}, not of {reference.url}",
            )
        )
    checks.extend(_date_checks(reference, parsed))
    loaded = _load(parsed, wayback, fetch)
    if loaded is not None:
        checks.extend(loaded)
    return tuple(checks)


def _url_status_checks(reference: Reference, link: Fetch) -> list[Check]:
    status = (reference.url_status or "").lower()
    if status == "live" and link.status.is_dead():
        return [
            Check(
                "url_status_mismatch",
                Level.WARNING,
                f"url-status=live but the link is dead ({link.status.value}): set url-status=dead",
            )
        ]
    if status == "dead" and link.status.is_success():
        return [
            Check(
                "url_status_mismatch",
                Level.INFO,
                "url-status=dead but the link works now",
            )
        ]
    return []


def _moment(timestamp: str) -> datetime:
    padded = timestamp + "00000101000000"[len(timestamp) :]
    return datetime.strptime(padded, "%Y%m%d%H%M%S")


def _period(iso_date: str) -> tuple[datetime, datetime]:
    """The first and last second an ISO date of any precision names."""
    end = datetime.strptime(end_of_period(iso_date), "%Y%m%d%H%M%S")
    start = _moment("".join(iso_date.split("-"))[:8])
    return start, end


def _date_checks(reference: Reference, parsed: ArchiveLink) -> list[Check]:
    if parsed.timestamp is None:
        return []
    try:
        captured = _moment(parsed.timestamp)
    except ValueError:
        message = f"archive-url has an impossible timestamp {parsed.timestamp}"
        return [Check("archive_date_mismatch", Level.WARNING, message)]
    shown = captured.date().isoformat()
    checks: list[Check] = []
    if reference.archive_date:
        try:
            start, end = _period(reference.archive_date)
            disagrees = not start - _TOLERANCE <= captured <= end + _TOLERANCE
        except ValueError:
            disagrees = False  # an unreadable archive-date is the parser's to report
        if disagrees:
            checks.append(
                Check(
                    "archive_date_mismatch",
                    Level.WARNING,
                    f"archive-date {reference.archive_date} but the capture is from {shown}",
                )
            )
    if reference.access_date:
        try:
            _, accessed_end = _period(reference.access_date)
        except ValueError:
            return checks
        if captured > accessed_end:
            checks.append(
                Check(
                    "archive_after_access",
                    Level.INFO,
                    f"captured {shown}, after the access-date {reference.access_date}: it may "
                    "show a later version than the one cited (InternetArchiveBot prefers a "
                    "capture at or before the access-date)",
                )
            )
    return checks


def _load(
    parsed: ArchiveLink, wayback: Wayback | None, fetch: Callable[[str], Fetch] | None
) -> list[Check] | None:
    """Checks from loading the capture; None when there is nothing to load it with."""
    if wayback is not None and parsed.archive == "wayback" and parsed.timestamp and parsed.original:
        loaded, memento = wayback.fetch_archived(wayback.raw_url(parsed.timestamp, parsed.original))
    elif fetch is not None:
        loaded, memento = fetch(parsed.url), None
    else:
        return None
    if loaded.status is LinkStatus.BROKEN and memento is None and loaded.http_status in _GONE:
        message = f"archive-url does not load (HTTP {loaded.http_status})"
        return [Check("archive_dead", Level.ERROR, message)]
    if loaded.status is LinkStatus.BROKEN and memento is not None:
        return [
            Check(
                "archive_error_page",
                Level.ERROR,
                f"the capture is of an error page (it recorded HTTP {loaded.http_status})",
            )
        ]
    if not loaded.status.is_success():
        reason = loaded.error or (
            f"HTTP {loaded.http_status}" if loaded.http_status else loaded.status.value
        )
        return [
            Check("archive_unchecked", Level.INFO, f"archive-url could not be loaded: {reason}")
        ]
    return _error_page(parsed, loaded)


def _error_page(parsed: ArchiveLink, loaded: Fetch) -> list[Check]:
    final = parse_archive_url(loaded.final_url or parsed.url)
    final_original = final.original if final and final.original else None
    if (
        final_original
        and parsed.original
        and not is_site_root(parsed.original)
        and is_site_root(final_original)
    ):
        return [
            Check(
                "archive_error_page",
                Level.ERROR,
                f"the capture redirects to the homepage ({final_original})",
            )
        ]
    headers = {"Content-Type": loaded.content_type or ""}
    page = final_original or loaded.final_url or loaded.url
    reason = soft_404_reason(page, page, False, headers, loaded.body or b"")
    if reason:
        return [Check("archive_error_page", Level.ERROR, f"the capture is a {reason}")]
    return []
