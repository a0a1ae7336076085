"""Short citations: {{sfn|Smith|2020|p=12}} points at a full {{cite ...}} elsewhere
on the page (usually under "Sources") whose first author's surname and year match."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mwparserfromhell.nodes import Template

from citecheck.documents.wikitext_refs import template_name

SHORT_TEMPLATES = frozenset({"sfn", "sfnp", "harvnb", "harvp", "harv"})
_YEAR = re.compile(r"^(?:\d{4}[a-z]?|n\.d\.[a-z]?|nd)$", re.I)
_YEAR_IN_DATE = re.compile(r"\d{4}")
_SURNAME_KEYS = ("last", "last1", "surname", "surname1", "author", "author1", "editor-last")


@dataclass(frozen=True)
class ShortCitation:
    marker: str  # "Smith 2020", "Smith Jones 2019a"
    key: tuple[str, str]  # (first surname, year), lowercase
    pages: str | None


def _value(template: Template, key: str) -> str:
    if not template.has(key):
        return ""
    return re.sub(r"\s+", " ", str(template.get(key).value.strip_code())).strip()


def full_citation_key(template: Template) -> tuple[str, str] | None:
    """(first surname, year) a short citation would use to point at this full citation."""
    surname = next((v for k in _SURNAME_KEYS if (v := _value(template, k))), "")
    if surname and not template.has("last") and not template.has("last1"):
        surname = surname.split()[-1]  # author=Jane Smith -> Smith
    year = _value(template, "year")
    if not year and (found := _YEAR_IN_DATE.search(_value(template, "date"))):
        year = found.group(0)
    if not surname or not year:
        return None
    return surname.lower(), year.lower()


def short_citation(template: Template) -> ShortCitation | None:
    """Read an {{sfn}}-like template, or None when it is not one or is unreadable."""
    if template_name(template) not in SHORT_TEMPLATES:
        return None
    positional = [
        re.sub(r"\s+", " ", str(p.value.strip_code())).strip()
        for p in template.params
        if not p.showkey
    ]
    positional = [value for value in positional if value]
    year_at = next((i for i, v in enumerate(positional) if _YEAR.match(v)), None)
    if not year_at:  # no year, or no author before it
        return None
    names, year = positional[:year_at], positional[year_at]
    pages = _value(template, "p") or _value(template, "pp") or _value(template, "loc") or None
    return ShortCitation(" ".join([*names, year]), (names[0].lower(), year.lower()), pages)
