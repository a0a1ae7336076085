"""Cheap citation checks that need no model: each returns a Check or None."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from rapidfuzz import fuzz

from citecheck.dates import MONTHS
from citecheck.models import Check, Level, SourceText
from citecheck.verify.terms import STOP_WORDS, fold, squash

# Any month name or abbreviation, longest first so "sept" is tried before "sep".
_MONTH = rf"({'|'.join(sorted(MONTHS, key=len, reverse=True))})\.?"
_DATE_FORMS = (
    # 17 August 2019
    (re.compile(rf"\b(\d{{1,2}}) {_MONTH},? (\d{{4}})\b", re.IGNORECASE), ("d", "m", "y")),
    # August 17, 2019
    (re.compile(rf"\b{_MONTH} (\d{{1,2}}),? (\d{{4}})\b", re.IGNORECASE), ("m", "d", "y")),
    # August 2019
    (re.compile(rf"\b{_MONTH},? (\d{{4}})\b", re.IGNORECASE), ("m", "y")),
    # 2019-08-17
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    # 2019
    (re.compile(r"\b(1[5-9]\d\d|20\d\d)\b"), ("y",)),
)
# A year after these words is a plan or a forecast, which an earlier source can report.
_FORWARD = re.compile(
    r"\b(by|until|till|through|before|expected|scheduled|planned|plans?|will|due|"
    r"projected|forecast|target(ed)?|aims?|hopes?|intends?)\W+(\w+\W+){0,3}$",
    re.IGNORECASE,
)

DateParts = tuple[int, int | None, int | None]


def _parts(values: dict[str, str]) -> DateParts:
    month = values.get("m")
    return (
        int(values["y"]),
        (MONTHS.get(month.lower().rstrip(".")) if not month.isdigit() else int(month))
        if month else None,
        int(values["d"]) if values.get("d") else None,
    )


def event_dates(text: str) -> list[DateParts]:
    """Dates a claim gives for what it reports, at their precision (forward-looking ones
    left out). The most precise form wins where forms overlap."""
    taken: list[tuple[int, int]] = []
    found: list[DateParts] = []
    for pattern, order in _DATE_FORMS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            if _FORWARD.search(text[max(0, start - 40):start]):
                continue
            found.append(_parts(dict(zip(order, match.groups(), strict=True))))
    return found


def parse_iso_date(value: str | None) -> DateParts | None:
    match = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value or "")
    if not match:
        return None
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def _later(event: DateParts, published: DateParts) -> bool:
    """Is the event certainly after the publication, at the precision both give?"""
    for mine, theirs in zip(event, published, strict=True):
        if mine is None or theirs is None:
            return False
        if mine != theirs:
            return mine > theirs
    return False


def _show(parts: DateParts) -> str:
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts) if p is not None)


def anachronism(
    claim_text: str, reference_date: str | None, source: SourceText | None
) -> Check | None:
    """The reference was published before an event the claim cites it for."""
    published = parse_iso_date(reference_date)
    if published is None:
        return None
    later = [event for event in event_dates(claim_text) if _later(event, published)]
    if not later:
        return None
    event = max(later, key=lambda d: (d[0], d[1] or 0, d[2] or 0))
    message = (
        f"the claim dates an event to {_show(event)} but the reference is dated "
        f"{_show(published)}"
    )
    if source is not None and str(event[0]) in source.text:
        # The page mentions the year: it may have been updated after its stated date.
        return Check("anachronism", Level.INFO, message + " (the source does mention "
                     f"{event[0]}; its date may be the first publication)")
    return Check("anachronism", Level.WARNING, message)


_SUBJECT_TOKEN = re.compile(r"[^\W\d_]{3,}")


# A page is read by several checks and, in `judge`, once per claim: its whole text is
# folded once (a str caches its own hash, so a hit costs no pass over the text).
PAGE_CACHE_SIZE = 32


@lru_cache(maxsize=PAGE_CACHE_SIZE)
def squashed_page(text: str) -> str:
    """`squash` of a page's whole text, kept for the next check of the same page."""
    return squash(text)


@lru_cache(maxsize=PAGE_CACHE_SIZE)
def _folded_page(title: str | None, text: str) -> str:
    return fold(" ".join(filter(None, (title, text))))


def subject_tokens(subject: str) -> list[str]:
    """The distinctive words of an article's subject: no disambiguator, no stop words."""
    bare = re.sub(r"\([^)]*\)", " ", subject)
    if bare.count(",") == 1:  # "Doe, Jane" is "Jane Doe": the surname goes last
        surname, given = bare.split(",")
        bare = f"{given} {surname}"
    return [fold(token) for token in _SUBJECT_TOKEN.findall(bare) if fold(token) not in STOP_WORDS]


def subject_absent(subject: str | None, source: SourceText) -> Check | None:
    """The source never mentions the subject of the article citing it."""
    if not subject or not source.text:
        return None
    tokens = subject_tokens(subject)
    if not tokens:
        return None
    haystack = _folded_page(source.title, source.text)
    present = [token for token in tokens if re.search(rf"\b{re.escape(token)}", haystack)]
    # The last word (a surname, "Hastings" in "Battle of Hastings") is the distinctive one;
    # otherwise most of the words must appear, so a shared first name is not enough.
    if tokens[-1] in present or 2 * len(present) > len(tokens):
        return None
    return Check(
        "subject_absent", Level.WARNING,
        f"the source never mentions {subject!r} (looked for: {', '.join(tokens)})",
    )


QUOTE_FOUND_AT = 90.0  # rapidfuzz partial_ratio: tolerates typography and small slips
QUOTE_WORDS_FOUND = 0.9  # share of the quote's words that must appear, in order, close together
_MAX_QUOTE_HAYSTACK_WORDS = 300_000


def _words_in_order(needle: list[str], haystack: list[str]) -> bool:
    """Most of the quote's words appear in order within a span not much longer than the
    quote: a quote that drops a few words ("voted [on Tuesday] to") is still found."""
    count = len(needle)
    need = max(1, math.ceil(QUOTE_WORDS_FOUND * count))
    span = int(count * 1.5) + 3
    heads = set(needle[:2])
    for start, word in enumerate(haystack):
        if word not in heads:
            continue
        end = min(len(haystack), start + span)
        position, matched = start, 0
        for index, wanted in enumerate(needle):
            if matched + (count - index) < need:
                break  # too many misses already
            try:
                position = haystack.index(wanted, position, end) + 1
                matched += 1
            except ValueError:
                continue
        if matched >= need:
            return True
    return False


def quote_not_found(quote: str | None, source: SourceText) -> Check | None:
    """The reference's quote is not in the source, even allowing small differences."""
    if not quote or not quote.strip() or not source.text:
        return None
    needle, haystack = squash(quote), squashed_page(source.text)
    if not needle or needle in haystack:
        return None
    similarity = fuzz.partial_ratio(needle, haystack, score_cutoff=QUOTE_FOUND_AT)
    if similarity >= QUOTE_FOUND_AT:
        return None
    if _words_in_order(needle.split(), haystack.split()[:_MAX_QUOTE_HAYSTACK_WORDS]):
        return None
    shown = quote if len(quote) <= 80 else quote[:77] + "..."
    return Check("quote_not_found", Level.WARNING, f"the quote {shown!r} is not in the source")
