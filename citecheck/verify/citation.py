"""Citation-level checks: the cited metadata against what the page says about itself.

A title, date, author or work that disagrees with the page's own usually means the URL
now serves other content (a recycled address, a redirect to a different article).
`wikipedia_mirror` catches citogenesis (the source copies Wikipedia); `republished_copy`
catches a blog or aggregator copy of another publisher's article. Each check fires only
on positive evidence: a page that says nothing about itself raises nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from citecheck.dates import normalize_date
from citecheck.models import Check, Level, Reference, SourceText
from citecheck.verify.checks import (
    parse_iso_date,
    quote_not_found,
    squashed_page,
    subject_absent,
)
from citecheck.verify.terms import fold, squash

TITLE_SIMILAR_AT = 60.0  # rapidfuzz token_set_ratio: "Title | Site" still matches "Title"
NAME_SIMILAR_AT = 80.0
DATE_TOLERANCE_DAYS = 2  # time zones and "updated" stamps move a day or two
MIRROR_SHARED_SENTENCES = 3  # article sentences found verbatim in the source
_WORD = re.compile(r"[^\W_]+")


def _compact(text: str) -> str:
    """Letters and digits only, no leading "the": "The Fenwick Gazette" -> "fenwickgazette"."""
    return "".join(_WORD.findall(re.sub(r"^\s*the\s+", "", fold(text))))


def _host(url: str | None) -> str:
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
    return re.sub(r"^(www\d?|m|amp|mobile)\.", "", host)


def _same_site(host_a: str, host_b: str) -> bool:
    if not host_a or not host_b:
        return True  # nothing to compare
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)


def _names_match(cited: str, page: str) -> bool:
    a, b = _compact(cited), _compact(page)
    if not a or not b or a in b or b in a:
        return True
    return fuzz.token_set_ratio(squash(cited), squash(page)) >= NAME_SIMILAR_AT


def _work_matches_host(work: str, host: str) -> bool:
    """"Fenwick Gazette" and fenwickgazette.example, or "The Times" and thetimes.example."""
    labels = [label for label in host.split(".")[:-1] if len(label) > 2]
    compact = _compact(work)
    full = "".join(_WORD.findall(fold(work)))
    return any(label in (compact, full) or compact in label or full in label
               for label in labels)


def title_mismatch(reference: Reference, source: SourceText) -> Check | None:
    if not reference.title or not source.title:
        return None
    cited, page = squash(reference.title), squash(source.title)
    if not cited or not page or fuzz.token_set_ratio(cited, page) >= TITLE_SIMILAR_AT:
        return None
    if fuzz.partial_ratio(cited, squash(" ".join(source.sentences[:5]))) >= 90:
        return None  # the page's own headline (in its text) is the cited title
    return Check("title_mismatch", Level.WARNING,
                 f"the citation's title is {reference.title!r}; the page's is {source.title!r}")


def _days_apart(a: tuple[int, int | None, int | None], b: tuple[int, int, int]) -> int:
    from datetime import date

    return abs((date(a[0], a[1] or 1, a[2] or 1) - date(*b)).days)


def date_mismatch(reference: Reference, source: SourceText) -> Check | None:
    """The cited date and the page's differ at the precision both give."""
    if not reference.date or not source.date or getattr(source, "date_is_guess", False):
        return None
    cited = parse_iso_date(normalize_date(reference.date) or reference.date)
    page = parse_iso_date(source.date)
    if cited is None or page is None:
        return None
    if all(a is None or b is None or a == b for a, b in zip(cited, page, strict=True)):
        return None  # equal at the precision both give
    if all(part is not None for part in (*cited, *page)):
        try:
            if _days_apart(cited, (page[0], page[1] or 1, page[2] or 1)) <= DATE_TOLERANCE_DAYS:
                return None
        except ValueError:  # an impossible date in the citation: compare no further
            return None
    return Check("date_mismatch", Level.WARNING,
                 f"the citation is dated {reference.date}; the page says {source.date}")


def _surname(name: str) -> str:
    name = re.sub(r"\([^)]*\)", " ", name)
    if "," in name:
        return fold(name.split(",")[0]).strip()
    words = _WORD.findall(fold(name))
    return words[-1] if words else ""


def author_mismatch(reference: Reference, source: SourceText) -> Check | None:
    """None of the cited authors is the page's author (nor named at its top)."""
    if not reference.authors or not source.author:
        return None
    byline = squash(" ".join([source.author, *source.sentences[:8]]))
    surnames = [s for s in (_surname(a) for a in reference.authors) if len(s) > 1]
    if not surnames or any(re.search(rf"\b{re.escape(s)}\b", byline) for s in surnames):
        return None
    return Check("author_mismatch", Level.WARNING,
                 f"the citation names {', '.join(reference.authors)}; the page's author is "
                 f"{source.author!r}")


def work_mismatch(reference: Reference, source: SourceText) -> Check | None:
    """The cited work/publisher is neither the page's site name nor its host."""
    cited = reference.work or reference.publisher
    if not cited:
        return None
    names = [n for n in (source.site_name, getattr(source, "originally_published", None)) if n]
    if not names:
        return None
    if any(_names_match(cited, name) for name in names):
        return None
    hosts = {_host(source.url), _host(reference.url), _host(getattr(source, "canonical_url", None))}
    if any(host and _work_matches_host(cited, host) for host in hosts):
        return None
    return Check("work_mismatch", Level.WARNING,
                 f"the citation's work is {cited!r}; the page is from {source.site_name!r}")


@lru_cache(maxsize=4)  # the same article is compared with each of its references' pages
def _long_article_sentences(article_text: str) -> tuple[str, ...]:
    """The article's sentences of eight words or more, squashed."""
    squashed = (squash(s) for s in re.split(r"(?<=[.!?])\s+", article_text)[:2000])
    return tuple(sentence for sentence in squashed if len(sentence.split()) >= 8)


def _article_sentences_in(article_text: str, source: SourceText) -> int:
    """How many of the article's longer sentences the source contains word for word."""
    haystack = squashed_page(source.text or " ".join(source.sentences))
    return sum(1 for sentence in _long_article_sentences(article_text) if sentence in haystack)


def wikipedia_mirror(
    reference: Reference, source: SourceText, article_text: str | None = None
) -> Check | None:
    """The source copies Wikipedia: its notices, its canonical link, or the article's text."""
    reasons: list[str] = []
    notices = getattr(source, "wikipedia_notices", ())
    if "from_wikipedia" in notices:
        reasons.append('it says "From Wikipedia, the free encyclopedia"')
    if "wikipedia_licence" in notices or "wikipedia_source" in notices:
        reasons.append("it credits Wikipedia (CC BY-SA)")
    canonical = _host(getattr(source, "canonical_url", None))
    if canonical.endswith("wikipedia.org") and not _host(source.url).endswith("wikipedia.org"):
        reasons.append(f"its canonical link is {getattr(source, 'canonical_url', '')}")
    if source.site_name and "wikipedia" in fold(source.site_name):
        reasons.append(f"its site name is {source.site_name!r}")
    if article_text:
        shared = _article_sentences_in(article_text, source)
        if shared >= MIRROR_SHARED_SENTENCES:
            reasons.append(f"it contains {shared} sentences of the article word for word")
    if not reasons:
        return None
    return Check("wikipedia_mirror", Level.WARNING,
                 "the source copies Wikipedia (citogenesis): " + "; ".join(reasons))


def republished_copy(reference: Reference, source: SourceText) -> Check | None:
    """A blog or aggregator copy of another publisher's article."""
    site = source.site_name or ""
    original = getattr(source, "originally_published", None)
    if original and not (site and _names_match(original, site)) and not _work_matches_host(
        original, _host(source.url)
    ):
        return Check("republished_copy", Level.WARNING,
                     f"the page{f' ({site})' if site else ''} republishes an article first "
                     f"published by {original}: cite the original")
    canonical = getattr(source, "canonical_url", None)
    page_host, canonical_host = _host(source.url), _host(canonical)
    if canonical and page_host and canonical_host and not _same_site(page_host, canonical_host):
        if canonical_host.endswith("wikipedia.org"):
            return None  # that is wikipedia_mirror's finding
        return Check("republished_copy", Level.WARNING,
                     f"the page on {page_host} names {canonical} as the original (canonical "
                     "link): cite the original")
    return None


def source_age(reference: Reference, source: SourceText) -> Check | None:
    """The page is dated after the editor accessed it: it is not the page that was cited."""
    if not reference.access_date or not source.date or getattr(source, "date_is_guess", False):
        return None
    accessed = parse_iso_date(normalize_date(reference.access_date) or reference.access_date)
    page = parse_iso_date(source.date)
    if accessed is None or page is None:
        return None
    for mine, theirs in zip(page, accessed, strict=True):
        if mine is None or theirs is None or mine < theirs:
            return None
        if mine > theirs:
            return Check("anachronism", Level.WARNING,
                         f"the page is dated {source.date}, after the citation's access date "
                         f"{reference.access_date}: the URL now serves other content")
    return None


def reference_checks(
    reference: Reference,
    source: SourceText | None,
    *,
    subject: str | None,
    article_text: str | None = None,
) -> tuple[Check, ...]:
    """Every citation-level check of one reference against its source's page."""
    if source is None:
        return ()
    found = [
        title_mismatch(reference, source),
        date_mismatch(reference, source),
        author_mismatch(reference, source),
        work_mismatch(reference, source),
        source_age(reference, source),
        wikipedia_mirror(reference, source, article_text),
        republished_copy(reference, source),
    ]
    if source.sentences:
        found += [quote_not_found(reference.quote, source), subject_absent(subject, source)]
    return tuple(check for check in found if check is not None)
