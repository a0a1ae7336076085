"""DOIs: read one however it is written, and the doi.org URL that resolves it."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|info:doi/)", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def normalize_doi(text: str) -> str | None:
    """"https://doi.org/10.1000/x", "doi:10.1000/x", "10.1000/x" -> "10.1000/x"; else None."""
    doi = unquote(_PREFIX.sub("", text.strip())).strip().rstrip(".,;")
    return doi if _DOI.match(doi) else None


def doi_url(doi: str) -> str:
    """The doi.org URL of a DOI (characters that mean something in a URL are escaped)."""
    return "https://doi.org/" + quote(normalize_doi(doi) or doi.strip(), safe="/:;()._-[]+")
