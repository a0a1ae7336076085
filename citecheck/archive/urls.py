"""Archive links: read the capture time and original URL out of them, and compare URLs.

Most web archives (the Wayback Machine, the UK Web Archive, archive.today's long form,
any pywb) write a capture as `<prefix>/<timestamp>[mode_]/<original URL>`. That is all
`parse_archive_url` relies on; the host only names the archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_CAPTURE = re.compile(
    r"/(?P<timestamp>\d{4,14})(?:[a-z]{2}_|\*)?/(?P<original>(?:https?:/+)?[^/\s]+\.[^/\s]+.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SCHEME_SLASHES = re.compile(r"^(https?):/+", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ARCHIVE_HOSTS = {
    "archive.org": "wayback",
    "archive.today": "archive.today",
    "archive.ph": "archive.today",
    "archive.is": "archive.today",
    "archive.li": "archive.today",
    "archive.md": "archive.today",
    "archive.vn": "archive.today",
    "archive.fo": "archive.today",
    "webarchive.org.uk": "ukwa",
    "webcitation.org": "webcite",
    "arquivo.pt": "arquivo.pt",
    "webarchive.loc.gov": "loc",
    "perma.cc": "perma.cc",
    "ghostarchive.org": "ghostarchive",
}


@dataclass(frozen=True)
class ArchiveLink:
    """A capture named by an archive URL."""

    url: str
    archive: str  # wayback, archive.today, ukwa, ... or "other"
    timestamp: str | None  # 4-14 digits as written; None for opaque forms (archive.ph/AbCd)
    original: str | None  # the captured URL, scheme added when the link left it out


def archive_name(url: str, wayback_hosts: tuple[str, ...] = ()) -> str | None:
    """Which known archive serves `url` (a subdomain counts), None for any other host."""
    host = (urlsplit(url).hostname or "").lower()
    if host and host in {h.lower() for h in wayback_hosts}:
        return "wayback"
    for known, name in _ARCHIVE_HOSTS.items():
        if host == known or host.endswith("." + known):
            return name
    return None


def parse_archive_url(url: str, wayback_hosts: tuple[str, ...] = ()) -> ArchiveLink | None:
    """The capture an archive URL names, or None when `url` is not an archive URL.

    `wayback_hosts` adds hosts that serve the Wayback Machine (a mirror, a test server).
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    name = archive_name(url, wayback_hosts)
    after_host = url.strip()[len(f"{parts.scheme}://{parts.netloc}") :]
    match = _CAPTURE.search(after_host)
    if match is None:
        if name is None:
            return None
        return ArchiveLink(url=url, archive=name, timestamp=None, original=None)
    original = match["original"]
    if _SCHEME_SLASHES.match(original):
        original = _SCHEME_SLASHES.sub(lambda m: f"{m[1].lower()}://", original)
    else:
        original = "http://" + original
    return ArchiveLink(
        url=url, archive=name or "other", timestamp=match["timestamp"], original=original
    )


def normalize_url(url: str) -> str:
    """A comparison key: scheme, `www.`, host case, default ports, a trailing slash and the
    fragment do not matter; the path (case included) and the query do."""
    parts = urlsplit(url.strip() if "://" in url else f"http://{url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def same_page(first: str, second: str) -> bool:
    return normalize_url(first) == normalize_url(second)


def is_site_root(url: str) -> bool:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    return parts.path in ("", "/") and not parts.query
