"""Citations with no URL and no identifier: found among the sources at hand by title,
work and date, or explained ("what would it take to check this?")."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from citecheck.identifiers.crossref import fold
from citecheck.identifiers.urls import identifier
from citecheck.models import Reference, SourceText

MATCH_THRESHOLD = 0.75  # combined score in [0, 1]
TITLE_FLOOR = 0.7  # the title alone must match at least this well
_HEAD = 3000  # a source without a title: look for the cited title near its top


def _title_score(title: str, source: SourceText) -> float:
    wanted = fold(title)
    scores = [0.0]
    if source.title:
        scores.append(fuzz.ratio(wanted, fold(source.title)) / 100)
        scores.append(fuzz.partial_ratio(wanted, fold(source.title)) / 100 * 0.95)
    if len(wanted) >= 12:  # long enough that a partial match in the text means something
        scores.append(fuzz.partial_ratio(wanted, fold(source.text[:_HEAD])) / 100 * 0.9)
    return max(scores)


def match_score(reference: Reference, source: SourceText) -> float:
    """How well `source` fits the citation, in [0, 1]; 0 when the title does not fit."""
    if not reference.title:
        return 0.0
    title = _title_score(reference.title, source)
    if title < TITLE_FLOOR:
        return 0.0
    parts = [(title, 0.6)]
    if reference.work and source.site_name:
        work = fuzz.token_set_ratio(fold(reference.work), fold(source.site_name)) / 100
        parts.append((work, 0.2))
    if reference.date and source.date:
        same_year = reference.date[:4] == source.date[:4]
        same_day = same_year and source.date.startswith(reference.date)
        parts.append((1.0 if same_day else 0.8 if same_year else 0.0, 0.2))
    if reference.authors and source.author:
        found = fold(source.author).split()
        surnames = [words[-1] for name in reference.authors if (words := fold(name).split())]
        hit = any(surname in found for surname in surnames)
        parts.append((1.0 if hit else 0.3, 0.1))
    return sum(score * weight for score, weight in parts) / sum(weight for _, weight in parts)


def match_unlinked(
    reference: Reference, candidates: Sequence[tuple[str, SourceText]]
) -> tuple[str, float] | None:
    """The (url, score) of the candidate source that best fits the citation, if any fits.

    Candidates are `--source` files or pages found in a replay WARC, as (url, text) pairs.
    """
    best: tuple[str, float] | None = None
    for url, source in candidates:
        score = match_score(reference, source)
        if score >= MATCH_THRESHOLD and (best is None or score > best[1]):
            best = (url, round(score, 3))
    return best


def no_url_hint(reference: Reference) -> str:
    """One line: why this citation cannot be checked, and what would make it checkable."""
    isbn = identifier(reference, "isbn")
    if isbn:
        return (
            f"a book (ISBN {isbn}) with no URL: give the pages cited with --source, "
            "or add a URL of a digitised copy"
        )
    kinds = {kind for kind, _ in reference.identifiers}
    if kinds & {"oclc", "issn", "jstor", "lccn", "bibcode", "s2cid"}:
        names = ", ".join(sorted(kinds))
        return f"identified only by {names}: add a url=, doi= or give the source with --source"
    if not reference.title:
        return "no URL, identifier or title: nothing to look the source up by"
    what = f"{reference.title!r}"
    if reference.work:
        what += f" ({reference.work})"
    return (
        f"no URL or identifier for {what}: add url= (or doi=, arxiv=, pmid=), or give a copy "
        "with --source or in a replay WARC so it can be matched by title, work and date"
    )
