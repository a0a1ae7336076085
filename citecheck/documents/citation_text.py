"""One citation written out as text (as Wikipedia renders it) -> Reference fields.

    Pannier, Bruce (2023-09-30). "Title". Work. Retrieved 2024-07-22.
    "Title". Work. 2019-08-21. Retrieved 2024-07-22.
    Haitiwaji, Gulbahar; Morgat, Rozenn (2021-01-12). "Title". The Guardian. ISSN 0261-3077.
    Doe, Jane (2019). Book Title. Springfield: Example Press. ISBN 978-0-00-000000-0.

The entry is cut into its sentence-like segments; each segment is recognised by
its shape (a date, "Retrieved DATE", "Archived from the original on DATE",
an identifier, "Place: Publisher", a URL) and what is left is work, then publisher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citecheck.archive.urls import parse_archive_url
from citecheck.dates import DATE_PATTERN, normalize_date
from citecheck.models import Reference

URL_PATTERN = re.compile(r"https?://[^\s<>\"'\]\[]+[^\s<>\"'\]\[.,;:!?)]")
_QUOTED_TITLE = re.compile(r"[\"“](?P<title>.+?)[\"”](?=[.,;:]?(?:\s|$))")
_AUTHORS_DATE = re.compile(r"^(?P<authors>.*?)\s*\((?P<date>[^()]*)\)\s*\.?\s*$")
_RETRIEVED = re.compile(rf"^Retrieved(?:\s+on)?\s+(?P<date>{DATE_PATTERN})", re.I)
_ARCHIVED = re.compile(
    rf"^Archived(?:\s+from\s+the\s+original)?(?:\s+\(PDF\))?\s+on\s+(?P<date>{DATE_PATTERN})",
    re.I,
)
_IDENTIFIER = re.compile(
    r"^(?P<kind>ISSN|ISBN|eISSN|doi|DOI|OCLC|PMID|PMC|arXiv|JSTOR|Bibcode|S2CID|LCCN)"
    r"[:\s]\s*(?P<value>\S+)"
)
_PAGES = re.compile(r"^(?:pp?\.|pages?)\s*(?P<pages>[\w–\-, ]+)$", re.I)
_PLACE_PUBLISHER = re.compile(r"^(?P<place>[^:]{2,60}):\s+(?P<publisher>.+)$")
_LANGUAGE = re.compile(r"\((?:in\s+)?(?P<language>[A-Z][a-z]+)\)")
# Segments end at ". " but not after an initial or an abbreviation like "U.S." or "p.".
_SEGMENT_END = re.compile(r"(?<!\b[A-Z])(?<!\bpp)(?<!\bp)(?<!\bNo)(?<!\bVol)\.\s+")
# Web archives whose link in a citation is its archived copy, not the cited source.


@dataclass
class CitationFields:
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    work: str | None = None
    publisher: str | None = None
    access_date: str | None = None
    url: str | None = None
    archive_url: str | None = None
    archive_date: str | None = None
    kind: str | None = None
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)


def _person(name: str) -> str:
    """'Last, First' -> 'First Last' ('France-Presse, Agence' -> 'Agence France-Presse')."""
    name = name.strip()
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            return f"{first} {last}"
    return name


def parse_authors(text: str) -> tuple[str, ...]:
    """Authors separated by ';' (or ' & ' / ' and ' between 'Last, First' pairs)."""
    text = re.sub(r"\s*\((?:eds?|editors?|trans|translator)\.?\)", "", text.strip())
    if not re.search(r"\b[A-Z]\.$", text):  # keep the period of a final initial ("Smith, J.")
        text = text.rstrip(".").strip()
    if not text:
        return ()
    pieces = re.split(r";\s*|\s+&\s+|\s+and\s+(?=[^,]+,)", text)
    authors: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece or piece.lower().rstrip(".") in ("et al", "et al"):
            continue
        piece = re.sub(r",?\s+et al\.?$", "", piece)
        authors.append(_person(piece))
    return tuple(authors)


def _segments(text: str) -> list[str]:
    return [seg.strip().rstrip(".").strip() for seg in _SEGMENT_END.split(text) if seg.strip()]


def is_archive_url(url: str) -> bool:
    """Whether a citation's link is an archived copy: a capture on a known archive's host
    (citecheck.archive.urls, the project's one list of archives), matched on the host, not
    anywhere in the text. A plain archive.org item (a scanned book) is no capture."""
    link = parse_archive_url(url)
    return link is not None and (link.archive != "wayback" or link.timestamp is not None)


def _take_urls(text: str, fields: CitationFields) -> str:
    for url in URL_PATTERN.findall(text):
        if is_archive_url(url):
            fields.archive_url = fields.archive_url or url
        else:
            fields.url = fields.url or url
    return URL_PATTERN.sub("", text)


def _read_segment(segment: str, fields: CitationFields, rest: list[str]) -> None:
    if match := _RETRIEVED.match(segment):
        fields.access_date = normalize_date(match["date"])
    elif match := _ARCHIVED.match(segment):
        fields.archive_date = normalize_date(match["date"])
    elif match := _IDENTIFIER.match(segment):
        fields.identifiers.append((match["kind"].lower(), match["value"].rstrip(".,;")))
    elif match := _PAGES.match(segment):
        fields.extra.append(("pages", match["pages"].strip()))
    elif segment.lower() in ("n.d", "n.d."):
        pass
    elif fields.date is None and (date := normalize_date(segment)) and re.fullmatch(
        DATE_PATTERN, segment.strip("()")
    ):
        fields.date = date
    elif segment.lower().startswith(("archived from the original", "archived")):
        pass  # "Archived from the original" without a readable date
    elif re.fullmatch(r"\(?(?:PDF|HTML|Video)\)?", segment, re.I):
        fields.extra.append(("format", segment.strip("()")))
    else:
        rest.append(segment)


def parse_citation_text(text: str) -> CitationFields:
    """Read what one written-out citation says; unknown parts go to `extra`."""
    fields = CitationFields()
    text = _take_urls(text, fields)
    text = re.sub(r"\s+", " ", text).strip()
    if language := _LANGUAGE.search(text):
        fields.extra.append(("language", language["language"]))
        text = (text[: language.start()] + text[language.end() :]).strip()

    title = _QUOTED_TITLE.search(text)
    if title:
        head, tail = text[: title.start()], text[title.end() :]
        fields.title = title["title"].strip()
    else:
        head, tail = "", text
    head = head.strip()
    if head:
        if match := _AUTHORS_DATE.match(head):
            fields.authors = parse_authors(match["authors"])
            fields.date = normalize_date(match["date"])
        else:
            fields.authors = parse_authors(head)
    elif not title:
        # No quoted title (books are italic, so plain here): "Authors (Date). Title. ..."
        match = re.match(r"^(?P<authors>[^()]*?)\s*\((?P<date>[^()]*)\)\.\s*(?P<rest>.*)$", tail)
        if match:
            fields.authors = parse_authors(match["authors"])
            fields.date = normalize_date(match["date"])
            tail = match["rest"]

    rest: list[str] = []
    for segment in _segments(tail.lstrip(".,; ")):
        _read_segment(segment, fields, rest)
    if fields.title is None and rest:
        fields.title = rest.pop(0)
    for segment in rest:
        if match := _PLACE_PUBLISHER.match(segment):
            fields.extra.append(("location", match["place"].strip()))
            fields.publisher = fields.publisher or match["publisher"].strip()
        elif fields.work is None and fields.publisher is None:
            fields.work = segment
        elif fields.publisher is None:
            fields.publisher = segment
        else:
            fields.extra.append(("note", segment))
    if fields.work is None and fields.title and " | " in fields.title:
        # "Headline | Site Name": the site is the work when none is given separately.
        fields.work = fields.title.rsplit(" | ", 1)[1].strip() or None
    if any(kind == "isbn" for kind, _ in fields.identifiers):
        fields.kind = "book"
    elif any(kind == "doi" for kind, _ in fields.identifiers):
        fields.kind = "journal"
    return fields


class _Keep:
    """Marks an override that was not given (None is a real value: "no title")."""


_KEEP = _Keep()


def reference_from_fields(
    fields: CitationFields,
    *,
    ref_id: str,
    marker: str,
    raw: str = "",
    line: int | None = None,
    url: str | _Keep | None = _KEEP,
    title: str | _Keep | None = _KEEP,
) -> Reference:
    """The Reference a written-out citation describes; `url`/`title`, when given, win."""
    return Reference(
        id=ref_id,
        marker=marker,
        url=fields.url if isinstance(url, _Keep) else url,
        title=fields.title if isinstance(title, _Keep) else title,
        authors=fields.authors,
        date=fields.date,
        work=fields.work,
        publisher=fields.publisher,
        access_date=fields.access_date,
        archive_url=fields.archive_url,
        archive_date=fields.archive_date,
        kind=fields.kind,
        identifiers=tuple(fields.identifiers),
        raw=raw,
        line=line,
        extra=tuple(fields.extra),
    )
