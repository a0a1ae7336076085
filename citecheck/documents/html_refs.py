"""One footnote of rendered Wikipedia HTML (`li#cite_note-…`) -> Reference.

Three readings, best first:
1. Parsoid's `data-mw` on the citation template's output holds the template and its
   exact parameters: rebuilt as wikitext and read by the wikitext reader, so both
   kinds of input give the same fields.
2. COinS (`span.Z3988[title]`, a query string): title, work, date, authors, url and
   identifiers; access-date and archive link come from the visible text
   (`span.reference-accessdate`, "abgerufen am", "consulté le", a web.archive.org link).
3. The visible text, read as a written-out citation.
"""

from __future__ import annotations

import copy
import json
import re
from urllib.parse import parse_qs, unquote

from bs4 import Tag
from msgspec.structs import replace

from citecheck.dates import normalize_date
from citecheck.documents.citation_text import (
    is_archive_url,
    parse_authors,
    parse_citation_text,
    reference_from_fields,
)
from citecheck.documents.claims import normalise_space
from citecheck.documents.wikitext_refs import reference_from_contents
from citecheck.documents.wikitext_sfn import SHORT_TEMPLATES
from citecheck.models import Reference

# "Retrieved 2 March 2024", "abgerufen am 2. März 2024", "consulté le 2 mars 2024", ...
_ACCESSED = re.compile(
    r"(?:retrieved(?:\s+on)?|accessed(?:\s+on)?|abgerufen\s+am|consulté\s+le|consultado\s+el"
    r"|geraadpleegd\s+op|consultato\s+il)\s+(?P<date>[^;,)(]*?\d{4})",
    re.I,
)
_ARCHIVED_ON = re.compile(r"archived\s+from\s+the\s+original\s+on\s+(?P<date>[^;,]*?\d{4})", re.I)
# Templates in a footnote that are not its citation: short citations ({{sfn}}, {{harvp}}, ...),
# {{r}} (a reference call) and {{efn}} (an explanatory note).
_NOT_CITATION_TEMPLATES = SHORT_TEMPLATES | {"r", "efn"}
_COINS_TITLE_KEYS = ("rft.atitle", "rft.btitle", "rft.title")
_COINS_WORK_KEYS = ("rft.jtitle", "rft.stitle")
_COINS_IDENTIFIERS = {"rft.isbn": "isbn", "rft.issn": "issn", "rft.eissn": "eissn"}
_RFT_ID_PREFIXES = {
    "info:doi/": "doi", "info:pmid/": "pmid", "info:arxiv/": "arxiv", "urn:isbn:": "isbn",
    "info:oclcnum/": "oclc", "info:bibcode/": "bibcode", "info:lccn/": "lccn",
}  # fmt: skip


def template_wikitext(element: Tag) -> str | None:
    """The wikitext of the first citation template Parsoid recorded in `element`'s data-mw."""
    candidates = [element] if element.get("data-mw") else []
    candidates += element.select('[typeof~="mw:Transclusion"][data-mw]')
    for candidate in candidates:
        try:
            data = json.loads(str(candidate["data-mw"]))
        except (ValueError, KeyError):
            continue
        for part in data.get("parts", []) if isinstance(data, dict) else []:
            template = part.get("template") if isinstance(part, dict) else None
            if not isinstance(template, dict):
                continue
            name = str(template.get("target", {}).get("wt", "")).strip()
            if name.lower() in _NOT_CITATION_TEMPLATES or not name:
                continue
            params = template.get("params", {})
            pieces = [name]
            for key, value in params.items():
                text = value.get("wt", "") if isinstance(value, dict) else str(value)
                pieces.append(f"{text}" if key.isdigit() else f"{key}={text}")
            return "{{" + "|".join(pieces) + "}}"
    return None


def _coins(element: Tag) -> dict[str, list[str]]:
    span = element.select_one("span.Z3988[title]")
    if span is None:  # a `cite` reached through a CITEREF anchor: its COinS follows it
        after = element.find_next_sibling()
        span = after if isinstance(after, Tag) and "Z3988" in (after.get("class") or []) else None
    if span is None or not span.get("title"):
        return {}
    return parse_qs(str(span["title"]), keep_blank_values=False)


def _first(values: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if values.get(key):
            return normalise_space(values[key][0]) or None
    return None


def _coins_authors(values: dict[str, list[str]]) -> tuple[str, ...]:
    names: list[str] = []
    last, first = _first(values, "rft.aulast"), _first(values, "rft.aufirst")
    if last:
        names.append(f"{first} {last}" if first else last)
    for author in values.get("rft.au", []):
        for name in parse_authors(author):
            if name not in names:
                names.append(name)
    return tuple(names)


def _visible_text(element: Tag) -> str:
    """The text as a reader sees it, links written `"title" url` as the text reader expects."""
    copy = clone(element)  # edited below: the caller's tree stays untouched
    for link in copy.select("a.external[href]"):
        text = normalise_space(link.get_text()).strip('"')
        href = str(link["href"])
        link.replace_with(f'"{text}" {href}' if text and text != href else href)
    for hidden in copy.select("span.Z3988, style, link, .mw-cite-backlink"):
        hidden.decompose()
    return normalise_space(copy.get_text())


def clone(element: Tag) -> Tag:
    return copy.copy(element)  # bs4 copies the whole subtree, detached


def _links(element: Tag) -> tuple[str | None, str | None]:
    """(the cited URL, the archive URL) among the element's external links."""
    url = archive = None
    for link in element.select("a.external[href], a[rel~=nofollow][href]"):
        href = str(link["href"])
        if href.startswith("//"):
            href = "https:" + href
        if not href.startswith(("http://", "https://")):
            continue
        if is_archive_url(href):
            archive = archive or href
        else:
            url = url or href
    return url, archive


def _access_date(element: Tag, text: str) -> str | None:
    span = element.select_one(".reference-accessdate")
    seen = normalise_space(span.get_text()) if span is not None else text
    if match := _ACCESSED.search(seen):
        return normalize_date(match["date"])
    return None


def _from_coins(
    ref_id: str, marker: str, element: Tag, values: dict[str, list[str]]
) -> Reference:
    text = _visible_text(element)
    title = _first(values, *_COINS_TITLE_KEYS)
    date = normalize_date(_first(values, "rft.date") or "")
    authors = _coins_authors(values)
    url, archive_url = _links(element)
    rft_ids = values.get("rft_id", [])
    coins_url = next((i for i in rft_ids if i.startswith(("http://", "https://"))), None)
    if title is None or (date is None and re.search(r"\d{4}", text)):
        # Only then is the written text read: its dates can be slow to parse (dateparser).
        written = parse_citation_text(text)
        title, date = title or written.title, date or written.date
        authors, url = authors or written.authors, url or written.url
    identifiers = [
        (kind, rft_id[len(prefix) :])
        for rft_id in rft_ids
        for prefix, kind in _RFT_ID_PREFIXES.items()
        if rft_id.startswith(prefix)
    ]
    identifiers += [
        (kind, values[key][0]) for key, kind in _COINS_IDENTIFIERS.items() if values.get(key)
    ]
    archived = _ARCHIVED_ON.search(normalise_space(element.get_text()))
    cite = element if element.name == "cite" else element.select_one("cite.citation")
    classes = [str(c) for c in (cite.get("class") or [])] if cite is not None else []
    kind = next((c for c in classes if c not in ("citation", "cs1", "cs2")), None)
    return Reference(
        id=ref_id,
        marker=marker,
        url=coins_url or url,
        title=title,
        authors=authors,
        date=date,
        # COinS names the work and publisher whenever the citation does: the written
        # text would only add guesses ("Archived from the original…" as a publisher).
        work=_first(values, *_COINS_WORK_KEYS),
        publisher=_first(values, "rft.pub"),
        access_date=_access_date(element, text),
        archive_url=archive_url,
        archive_date=normalize_date(archived["date"]) if archived else None,
        kind=kind,
        identifiers=tuple(dict.fromkeys(identifiers)),
        raw=text,
    )


def reference_from_element(ref_id: str, marker: str, element: Tag) -> Reference:
    """Read one citation: a footnote's `.reference-text`, or a `cite.citation` it points at."""
    wikitext = template_wikitext(element)
    if wikitext is not None:
        reference = reference_from_contents(ref_id, marker, wikitext, wikitext, None)
        return replace(reference, raw=_visible_text(element))
    values = _coins(element)
    if values:
        return _from_coins(ref_id, marker, element, values)
    text = _visible_text(element)
    fields = parse_citation_text(text)
    url, archive_url = _links(element)
    reference = reference_from_fields(fields, ref_id=ref_id, marker=marker, raw=text, url=url)
    if archive_url and not reference.archive_url:
        reference = replace(reference, archive_url=archive_url)
    access = _access_date(element, text)
    return replace(reference, access_date=access) if access else reference


def citeref_target(element: Tag) -> tuple[str, str] | None:
    """(CITEREF anchor, link text) of a short citation ({{sfn}}) in a footnote, if it is one."""
    for link in element.select("a[href]"):
        href = str(link["href"])
        if "#CITEREF" in href:
            anchor = unquote(href.split("#", 1)[1])
            return anchor, normalise_space(link.get_text())
    return None


def short_marker(link_text: str) -> str:
    """"Holt & Berg 2009" -> "Holt Berg 2009", the wikitext name of {{sfn|Holt|Berg|2009}}."""
    words = re.sub(r"\s*(?:&|,|\band\b|\bet al\.?)\s*", " ", link_text)
    return normalise_space(words)


def short_pages(element: Tag) -> str | None:
    """The pages after a short citation's link: "Holt 2009, p. 45." -> "45"."""
    found = re.search(r"\bpp?\.\s*(?P<pages>[\w–\-, ]+?)\.?$", normalise_space(element.get_text()))
    return found["pages"].strip() if found else None
