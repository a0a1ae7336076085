"""A CSL-JSON bibliography (Zotero, pandoc, citeproc) -> Document: one Reference per item.

CSL-JSON is plain JSON with a published schema, so the standard library reads it:
a list of items (or one item, or `{"items": [...]}`), each with `id`, `type`, `title`,
`author` (`family`/`given` or `literal`), `issued` (`date-parts` or `raw`),
`container-title`, `publisher`, `URL`, `DOI`, `ISBN`, `ISSN`, `PMID`, `accessed`.
"""

from __future__ import annotations

import json
from typing import Any

from citecheck.dates import normalize_date
from citecheck.documents.assemble import assemble
from citecheck.documents.claims import normalise_space, slugify
from citecheck.models import Document, Reference

KIND = "csljson"

_IDENTIFIERS = {"DOI": "doi", "ISBN": "isbn", "ISSN": "issn", "PMID": "pmid", "PMCID": "pmc"}
_USED = frozenset(
    {"id", "type", "title", "author", "editor", "issued", "container-title", "publisher",
     "URL", "accessed", "citation-key", *_IDENTIFIERS}
)  # fmt: skip


def items_of(data: Any) -> list[Any] | None:
    """The items of a CSL-JSON document, or None when `data` does not look like one."""
    if isinstance(data, dict):
        data = data.get("items", [data])
    if not isinstance(data, list) or not data:
        return None
    if not all(isinstance(item, dict) for item in data):
        return None
    if not any("type" in item or "title" in item for item in data):
        return None
    return data


def looks_like_csljson(text: str) -> bool:
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return False
    try:
        return items_of(json.loads(stripped)) is not None
    except ValueError:
        return False


def _text(value: Any) -> str | None:
    if isinstance(value, list):  # some exporters write ISBN/ISSN as lists
        value = value[0] if value else None
    if value is None or isinstance(value, dict):
        return None
    return normalise_space(str(value)) or None


def _person(person: Any) -> str | None:
    if not isinstance(person, dict):
        return _text(person)
    if literal := _text(person.get("literal")):
        return literal
    parts = [
        _text(person.get(key))
        for key in ("given", "non-dropping-particle", "family", "suffix")
    ]
    return " ".join(part for part in parts if part) or None


def _date(value: Any) -> str | None:
    if not isinstance(value, dict):
        return normalize_date(str(value)) if value else None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            numbers = [int(part) for part in parts[0][:3]]
        except (TypeError, ValueError):
            numbers = []
        if numbers:
            year, *rest = numbers
            return normalize_date("-".join([f"{year:04d}", *(f"{n:02d}" for n in rest)]))
    raw = value.get("raw") or value.get("literal")
    return normalize_date(str(raw)) if raw else None


def item_reference(item: dict[str, Any], index: int) -> Reference:
    key = _text(item.get("id")) or _text(item.get("citation-key")) or str(index)
    people = item.get("author") or item.get("editor") or []
    if not isinstance(people, list):
        people = []
    authors = tuple(name for person in people if (name := _person(person)))
    identifiers = tuple(
        (kind, value) for field, kind in _IDENTIFIERS.items() if (value := _text(item.get(field)))
    )
    extra = tuple(
        (field, text)
        for field, value in item.items()
        if field not in _USED and (text := _text(value))
    )
    return Reference(
        id=f"csl-{slugify(key)}",
        marker=key,
        url=_text(item.get("URL")),
        title=_text(item.get("title")),
        authors=authors,
        date=_date(item.get("issued")),
        work=_text(item.get("container-title")),
        publisher=_text(item.get("publisher")),
        access_date=_date(item.get("accessed")),
        kind=_text(item.get("type")),
        identifiers=identifiers,
        raw=json.dumps(item, ensure_ascii=False),
        extra=extra,
    )


def parse(text: str, source: str) -> Document:
    try:
        data = json.loads(text)
    except ValueError as error:
        return assemble(
            source=source, kind=KIND, references=(), claims=(),
            problems=[f"not valid JSON: {error}"],
        )  # fmt: skip
    items = items_of(data)
    if items is None:
        return assemble(
            source=source, kind=KIND, references=(), claims=(),
            problems=["not CSL-JSON: expected a list of items with a type or title"],
        )  # fmt: skip
    references = [item_reference(item, index) for index, item in enumerate(items, start=1)]
    return assemble(source=source, kind=KIND, references=references, claims=())
