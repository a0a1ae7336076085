"""Identifiers -> the URL to check a citation through, when it gives no URL of its own."""

from __future__ import annotations

import re

from citecheck.identifiers.doi import doi_url, normalize_doi
from citecheck.models import Reference

# New-style "2001.01234v2" and old-style "math.GT/0309136" arXiv ids.
_ARXIV = re.compile(
    r"^(?:arxiv:)?\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)$", re.I
)
_DIGITS = re.compile(r"^\d{1,9}$")


def identifier(reference: Reference, kind: str) -> str | None:
    return next((value for name, value in reference.identifiers if name == kind), None)


def arxiv_url(text: str) -> str | None:
    match = _ARXIV.match(text.strip())
    return f"https://arxiv.org/abs/{match['id']}" if match else None


def pubmed_url(text: str) -> str | None:
    pmid = text.strip()
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if _DIGITS.match(pmid) else None


def pmc_url(text: str) -> str | None:
    number = text.strip().upper().removeprefix("PMC")
    if not _DIGITS.match(number):
        return None
    return f"https://www.ncbi.nlm.nih.gov/pmc/articles/PMC{number}/"


def reference_check_url(reference: Reference) -> str | None:
    """The URL to check: the citation's own, else its DOI's (through the doi.org
    redirect), else its arXiv, PubMed or PMC page; None when it gives none of these."""
    if reference.url:
        return reference.url
    if (doi := identifier(reference, "doi")) and normalize_doi(doi):
        return doi_url(doi)
    for kind, to_url in (("arxiv", arxiv_url), ("pmid", pubmed_url), ("pmc", pmc_url)):
        if (value := identifier(reference, kind)) and (url := to_url(value)):
            return url
    return None
