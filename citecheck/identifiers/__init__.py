"""Citation identifiers: DOI (doi.org URL, Crossref metadata), ISBN, arXiv, PubMed,
and the fallback for citations with none of them.

    reference_check_url(ref)          the URL to check: its own, else DOI, arXiv, PubMed
    identifier_checks(ref)            isbn_invalid, doi_invalid (offline)
    crossref_checks(ref, client)      doi_not_found, doi_title/author/year_mismatch
    match_unlinked(ref, candidates)   (url, score) of the given source that fits it
    no_url_hint(ref)                  what would be needed to check it
"""

from citecheck.identifiers.checks import identifier_checks
from citecheck.identifiers.crossref import CrossrefClient, CrossrefUnavailable, crossref_checks
from citecheck.identifiers.doi import doi_url, normalize_doi
from citecheck.identifiers.isbn import normalize_isbn
from citecheck.identifiers.unlinked import match_unlinked, no_url_hint
from citecheck.identifiers.urls import arxiv_url, pmc_url, pubmed_url, reference_check_url

__all__ = [
    "CrossrefClient",
    "CrossrefUnavailable",
    "arxiv_url",
    "crossref_checks",
    "doi_url",
    "identifier_checks",
    "match_unlinked",
    "no_url_hint",
    "normalize_doi",
    "normalize_isbn",
    "pmc_url",
    "pubmed_url",
    "reference_check_url",
]
