"""The inside of one wikitext <ref> -> Reference fields.

A {{cite web/news/book/journal}} (or {{citation}}, or a few other-language
templates) gives named parameters; a ref without one is read as written-out
text, with `[http://x title]` or a bare URL as its link.
"""

from __future__ import annotations

import re

import mwparserfromhell
from msgspec.structs import replace
from mwparserfromhell.nodes import ExternalLink, Template
from mwparserfromhell.wikicode import Wikicode

from citecheck.dates import normalize_date
from citecheck.documents.citation_text import (
    URL_PATTERN,
    parse_citation_text,
    reference_from_fields,
)
from citecheck.models import Reference

# Other-language parameter names -> the English ones ({{Internetquelle}}, {{lien web}}, ...).
_ALIASES = {
    "accessdate": "access-date", "abruf": "access-date", "zugriff": "access-date",
    "consulté le": "access-date", "fechaacceso": "access-date", "archiveurl": "archive-url",
    "archivedate": "archive-date", "archiv-url": "archive-url", "archiv-datum": "archive-date",
    "archive-url": "archive-url", "titel": "title", "titre": "title", "título": "title",
    "datum": "date", "fecha": "date", "werk": "work", "périodique": "work", "site": "website",
    "hrsg": "publisher", "éditeur": "publisher", "editorial": "publisher", "autor": "author",
    "auteur": "author", "deadurl": "url-status", "dead-url": "url-status", "zitat": "quote",
    "citation": "quote", "cita": "quote", "url-access": "url-access",
}  # fmt: skip
_CITE_TEMPLATES = {
    "citation", "internetquelle", "literatur", "lien web", "article", "ouvrage",
    "cita web", "cita noticia", "cita libro", "cita publicación",
}  # fmt: skip
_WORK_KEYS = ("work", "website", "newspaper", "journal", "magazine", "periodical", "encyclopedia")
_IDENTIFIER_KEYS = (
    "isbn", "doi", "issn", "eissn", "pmid", "pmc", "oclc", "arxiv", "jstor", "bibcode",
    "s2cid", "lccn", "hdl",
)  # fmt: skip
_AUTHOR_KEY = re.compile(r"^(author|last|surname|first|given)-?(\d*)$")
_USED_KEYS = frozenset(
    {"url", "title", "date", "year", "publisher", "access-date", "archive-url", "archive-date",
     "url-status", "quote", "authors", "vauthors", *_WORK_KEYS, *_IDENTIFIER_KEYS}
)  # fmt: skip


def template_name(template: Template) -> str:
    return re.sub(r"[\s_]+", " ", str(template.name.strip_code())).strip().lower()


def is_cite_template(template: Template) -> bool:
    name = template_name(template)
    return name.startswith("cite ") or name in _CITE_TEMPLATES


def _params(template: Template) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    for param in template.params:
        key = str(param.name).strip().lower()
        key = _ALIASES.get(key, key)
        if key in ("url", "archive-url", "chapter-url"):
            value = str(param.value).strip()  # keep the URL exactly as written
        else:
            value = re.sub(r"\s+", " ", param.value.strip_code()).strip()
        if value:
            params.append((key, value))
    return params


def _authors(params: dict[str, str]) -> tuple[str, ...]:
    by_index: dict[int, dict[str, str]] = {}
    for key, value in params.items():
        if match := _AUTHOR_KEY.match(key):
            role = {"surname": "last", "given": "first"}.get(match[1], match[1])
            by_index.setdefault(int(match[2] or 1), {})[role] = value
    names: list[str] = []
    for index in sorted(by_index):
        parts = by_index[index]
        if "last" in parts:
            names.append(f"{parts['first']} {parts['last']}" if "first" in parts else parts["last"])
        elif "author" in parts:
            names.append(parts["author"])
    for key, separator in (("authors", ";"), ("vauthors", ",")):
        if key in params:
            names.extend(n.strip() for n in params[key].split(separator) if n.strip())
    return tuple(names)


def _from_template(ref_id: str, marker: str, template: Template) -> Reference:
    pairs = _params(template)
    params = dict(reversed(pairs))  # the first of repeated parameters wins
    raw_date = params.get("date") or params.get("year")
    date = normalize_date(raw_date) if raw_date else None
    extra = [
        (key, value)
        for key, value in pairs
        if key not in _USED_KEYS and not _AUTHOR_KEY.match(key)
    ]
    if raw_date and date is None:
        extra.append(("date", raw_date))
    status = params.get("url-status")
    if status in ("yes", "true", "y"):
        status = "dead"
    elif status in ("no", "false", "n"):
        status = "live"
    name = template_name(template)
    return Reference(
        id=ref_id,
        marker=marker,
        url=params.get("url") or None,
        title=params.get("title"),
        authors=_authors(params),
        date=date,
        work=next((params[key] for key in _WORK_KEYS if key in params), None),
        publisher=params.get("publisher"),
        access_date=normalize_date(params.get("access-date", "")),
        archive_url=params.get("archive-url"),
        archive_date=normalize_date(params.get("archive-date", "")),
        url_status=status,
        quote=params.get("quote"),
        kind=name[5:] if name.startswith("cite ") else name,
        identifiers=tuple((key, params[key]) for key in _IDENTIFIER_KEYS if key in params),
        extra=tuple(extra),
    )


def _from_text(ref_id: str, marker: str, contents: Wikicode) -> Reference:
    links = contents.filter_external_links(recursive=True)
    written = str(contents)
    for link in links:  # "[url Title]" reads like a quoted title followed by its URL
        if link.title is not None and link.title.strip_code().strip():
            written = written.replace(str(link), f'"{link.title.strip_code().strip()}" {link.url}')
    fields = parse_citation_text(str(mwparserfromhell.parse(written).strip_code()))
    url = fields.url
    title = fields.title
    if links:
        first: ExternalLink = links[0]
        url = str(first.url).strip()
        if first.title is not None and first.title.strip_code().strip():
            title = re.sub(r"\s+", " ", first.title.strip_code()).strip()
    elif url is None and (match := URL_PATTERN.search(str(contents))):
        url = match.group(0)
    if title and url and title == url:
        title = None
    return reference_from_fields(fields, ref_id=ref_id, marker=marker, url=url, title=title)


def reference_from_contents(
    ref_id: str, marker: str, contents: Wikicode | str, raw: str, line: int | None
) -> Reference:
    """Read one ref's contents (the wikitext between <ref> and </ref>, parsed or not)."""
    code = mwparserfromhell.parse(contents) if isinstance(contents, str) else contents
    templates = code.filter_templates(recursive=False)
    cite = next((t for t in templates if is_cite_template(t)), None)
    if cite is not None:
        reference = _from_template(ref_id, marker, cite)
    else:
        reference = _from_text(ref_id, marker, code)
    for template in templates:  # {{webarchive |url= |date=}} next to the citation
        if template_name(template) in ("webarchive", "wayback") and template.has("url"):
            archive_date = (
                normalize_date(template.get("date").value.strip_code())
                if template.has("date")
                else None
            )
            reference = replace(
                reference,
                archive_url=reference.archive_url or str(template.get("url").value).strip(),
                archive_date=reference.archive_date or archive_date,
            )
    return replace(reference, raw=raw, line=line)
