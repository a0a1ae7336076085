"""A BibTeX bibliography -> Document: one Reference per entry, no claims.

bibtexparser v2 (2.1, a final release; the 2.0 betas are over): it keeps going past a
broken entry and says which one failed (`library.failed_blocks`), which v1 cannot, and
its middlewares decode LaTeX (`{\\"o}` -> ö), resolve `@string`s and month macros and
split author lists into name parts, so none of that is hand-written here.
"""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    MonthIntMiddleware,
    NormalizeFieldKeys,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from citecheck.dates import normalize_date
from citecheck.documents.assemble import assemble
from citecheck.documents.claims import normalise_space, slugify
from citecheck.models import Document, Reference

KIND = "bibtex"

# bibtexparser logs each broken entry; citecheck reports them as the document's problems.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

_WORK_FIELDS = ("journal", "journaltitle", "booktitle", "series", "howpublished")
_IDENTIFIER_FIELDS = {"doi": "doi", "isbn": "isbn", "issn": "issn", "pmid": "pmid", "pmcid": "pmc"}
_USED = frozenset(
    {"title", "author", "editor", "year", "month", "day", "date", "url", "urldate",
     "publisher", "institution", "organization", "school", "eprint", "archiveprefix",
     "eprinttype", *_WORK_FIELDS, *_IDENTIFIER_FIELDS}
)  # fmt: skip
_BRACES = re.compile(r"[{}]")
SIGNS = re.compile(
    r"^\s*@(?:article|book|booklet|inbook|incollection|inproceedings|conference|manual|misc"
    r"|mastersthesis|phdthesis|proceedings|techreport|report|unpublished|online|webpage|thesis"
    r"|string|preamble)\s*[{(]",
    re.I | re.M,
)


def _library(text: str) -> Library:
    return bibtexparser.parse_string(
        text,
        append_middleware=[
            NormalizeFieldKeys(),
            LatexDecodingMiddleware(),
            MonthIntMiddleware(True),
            SeparateCoAuthors(),
            SplitNameParts(),
        ],
    )


def _clean(value: object) -> str:
    return normalise_space(_BRACES.sub("", str(value)))


def _person(name: object) -> str:
    if isinstance(name, NameParts):
        parts = [*name.first, *name.von, *name.last, *name.jr]
        return _clean(" ".join(parts))
    return _clean(name)


def _date(fields: dict[str, str]) -> str | None:
    if date := fields.get("date"):
        return normalize_date(date)
    year = fields.get("year", "")
    if not re.fullmatch(r"\d{4}", year):
        return normalize_date(year) if year else None
    month = fields.get("month", "")
    if not month.isdigit():
        return year
    day = fields.get("day", "")
    parts = [year, f"{int(month):02d}"] + ([f"{int(day):02d}"] if day.isdigit() else [])
    return normalize_date("-".join(parts))


def _identifiers(fields: dict[str, str]) -> tuple[tuple[str, str], ...]:
    found = [(kind, fields[key]) for key, kind in _IDENTIFIER_FIELDS.items() if fields.get(key)]
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if fields.get("eprint") and archive in ("arxiv", ""):
        found.append(("arxiv", fields["eprint"]))
    elif fields.get("eprint") and archive in ("pubmed", "pmid"):
        found.append(("pmid", fields["eprint"]))
    return tuple(found)


def entry_reference(entry: Entry) -> Reference:
    fields: dict[str, str] = {}
    authors: tuple[str, ...] = ()
    for field in entry.fields:
        if field.key in ("author", "editor") and isinstance(field.value, list):
            if field.key == "author" or not authors:
                authors = tuple(_person(name) for name in field.value)
            continue
        fields[field.key] = _clean(field.value)
    publisher = next(
        (fields[k] for k in ("publisher", "institution", "organization", "school") if k in fields),
        None,
    )
    return Reference(
        id=f"bib-{slugify(entry.key)}",
        marker=entry.key,
        url=fields.get("url") or None,
        title=fields.get("title") or None,
        authors=authors,
        date=_date(fields),
        work=next((fields[k] for k in _WORK_FIELDS if fields.get(k)), None),
        publisher=publisher,
        access_date=normalize_date(fields.get("urldate", "")),
        kind=entry.entry_type.lower(),
        identifiers=_identifiers(fields),
        raw=entry.raw or "",
        line=entry.start_line + 1 if entry.start_line is not None else None,
        extra=tuple((k, v) for k, v in fields.items() if k not in _USED and v),
    )


def _failure(block: ParsingFailedBlock) -> str:
    line = f"line {block.start_line + 1}: " if block.start_line is not None else ""
    if isinstance(block, DuplicateBlockKeyBlock):
        return f"{line}duplicate BibTeX key {block.key!r}: kept the first"
    first_line = (block.raw or "").strip().splitlines()[:1]
    shown = f" ({first_line[0][:60]})" if first_line else ""
    reason = getattr(block.error, "abort_reason", None) or getattr(block.error, "message", None)
    reason = normalise_space(str(reason or block.error or type(block.error).__name__))
    return f"{line}BibTeX entry could not be parsed{shown}: {reason}"


def parse(text: str, source: str) -> Document:
    problems: list[str] = []
    try:
        library = _library(text)
    except Exception as error:  # bibtexparser reports most trouble per block; this is the rest
        return assemble(
            source=source, kind=KIND, references=(), claims=(),
            problems=[f"BibTeX could not be parsed: {error}"],
        )  # fmt: skip
    references = [entry_reference(entry) for entry in library.entries]
    problems.extend(_failure(block) for block in library.failed_blocks)
    if not references:
        problems.append("no BibTeX entries found")
    return assemble(
        source=source, kind=KIND, references=references, claims=(), problems=problems
    )
