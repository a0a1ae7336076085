"""Crossref's record of a DOI, compared with what the citation says (title, authors, year).

REST API `GET {base}/works/{doi}` (base configurable, so tests use a fake on 127.0.0.1),
with a `mailto:` in the User-Agent as Crossref's etiquette asks: polite requests get
the reliable pool. A 404 means Crossref has no record: the DOI may still be real and
registered elsewhere (DataCite, mEDRA), so it is a warning, and doi.org is the judge.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
from rapidfuzz import fuzz

from citecheck.identifiers.doi import normalize_doi
from citecheck.identifiers.urls import identifier
from citecheck.models import Check, Level, Reference

DEFAULT_BASE_URL = "https://api.crossref.org"
DEFAULT_MAILTO = "citecheck@example.org"
TITLE_THRESHOLD = 85.0  # rapidfuzz ratio, 0-100, on folded titles
_DATE_FIELDS = ("issued", "published-print", "published-online", "published", "created")


class CrossrefUnavailable(Exception):
    """Crossref could not be asked (network, 5xx, 429): not the same as "no record"."""


@dataclass(frozen=True)
class CrossrefWork:
    doi: str
    titles: tuple[str, ...]  # title (and title: subtitle)
    family_names: tuple[str, ...]
    years: frozenset[int]
    container: str | None = None


def fold(text: str) -> str:
    """Case, accents and punctuation removed: "Brückner's" -> "bruckner s"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", " ", plain.casefold()).strip()


def work_from_message(message: dict[str, Any]) -> CrossrefWork:
    titles = [str(t) for t in message.get("title") or []]
    subtitles = [str(s) for s in message.get("subtitle") or []]
    if titles and subtitles:
        titles.append(f"{titles[0]}: {subtitles[0]}")
    families = tuple(
        str(author.get("family") or author.get("name") or "")
        for author in message.get("author") or []
        if isinstance(author, dict) and (author.get("family") or author.get("name"))
    )
    years: set[int] = set()
    for field in _DATE_FIELDS[:4]:  # "created" is when the DOI was made, not published
        parts = (message.get(field) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and isinstance(parts[0][0], int):
            years.add(parts[0][0])
    containers = message.get("container-title") or []
    return CrossrefWork(
        doi=str(message.get("DOI", "")),
        titles=tuple(titles),
        family_names=families,
        years=frozenset(years),
        container=str(containers[0]) if containers else None,
    )


class CrossrefClient:
    """Looks DOIs up, once each per client."""

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        mailto: str = DEFAULT_MAILTO,
        session: requests.Session | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.user_agent = f"citecheck/0.1 (https://example.org/citecheck; mailto:{mailto})"
        self.session = session or requests.Session()
        self.timeout = timeout
        self._cache: dict[str, CrossrefWork | None] = {}

    def work(self, doi: str) -> CrossrefWork | None:
        """Crossref's record of `doi`, None when it has none; CrossrefUnavailable otherwise."""
        key = doi.lower()
        if key in self._cache:
            return self._cache[key]
        url = f"{self.base_url}/works/{quote(doi, safe='')}"
        try:
            response = self.session.get(
                url, headers={"User-Agent": self.user_agent}, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise CrossrefUnavailable(f"cannot reach Crossref ({type(error).__name__})") from None
        if response.status_code == 404:
            self._cache[key] = None
            return None
        if response.status_code != 200:
            raise CrossrefUnavailable(f"Crossref answered HTTP {response.status_code}")
        try:
            message = response.json()["message"]
        except (ValueError, KeyError, TypeError):
            raise CrossrefUnavailable("Crossref's answer was not the JSON expected") from None
        work = work_from_message(message)
        self._cache[key] = work
        return work


def _surname(name: str) -> str:
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0]
    return name.split()[-1] if name.split() else name


def title_matches(cited: str, work: CrossrefWork) -> bool:
    folded = fold(cited)
    main = fold(re.split(r"[:.?!]\s", cited, maxsplit=1)[0])
    return any(
        max(fuzz.ratio(folded, fold(title)), fuzz.ratio(main, fold(title))) >= TITLE_THRESHOLD
        for title in work.titles
    )


def authors_match(cited: tuple[str, ...], work: CrossrefWork) -> bool:
    found = {fold(name) for name in work.family_names}
    return any(
        fuzz.ratio(fold(_surname(name)), family) >= 90 for name in cited for family in found
    )


def crossref_checks(reference: Reference, client: CrossrefClient) -> tuple[Check, ...]:
    """Compare the citation with Crossref's record of its DOI (nothing when it has no DOI)."""
    raw = identifier(reference, "doi")
    doi = normalize_doi(raw) if raw else None
    if doi is None:
        return ()
    try:
        work = client.work(doi)
    except CrossrefUnavailable as error:
        return (Check("doi_unverified", Level.INFO, f"DOI {doi} not compared: {error}"),)
    if work is None:
        return (
            Check(
                "doi_not_found",
                Level.WARNING,
                f"Crossref has no record of DOI {doi} (a DOI of another agency, or a wrong one)",
            ),
        )
    checks: list[Check] = []
    if reference.title and work.titles and not title_matches(reference.title, work):
        checks.append(
            Check(
                "doi_title_mismatch",
                Level.WARNING,
                f"DOI {doi} is {work.titles[0]!r} at Crossref; the citation says "
                f"{reference.title!r}",
            )
        )
    if reference.authors and work.family_names and not authors_match(reference.authors, work):
        checks.append(
            Check(
                "doi_author_mismatch",
                Level.WARNING,
                f"DOI {doi} is by {', '.join(work.family_names[:3])} at Crossref; the citation "
                f"names {', '.join(reference.authors[:3])}",
            )
        )
    year = int(reference.date[:4]) if reference.date and reference.date[:4].isdigit() else None
    if year is not None and work.years and year not in work.years:
        shown = "/".join(str(y) for y in sorted(work.years))
        checks.append(
            Check(
                "doi_year_mismatch",
                Level.WARNING,
                f"DOI {doi} was published in {shown} per Crossref; the citation says {year}",
            )
        )
    return tuple(checks)
