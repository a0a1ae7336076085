"""Citation dates to ISO 8601 at the precision given ("2023-09-30", "2023-09", "2019").

The forms citations use (ISO, "30 September 2023", "September 30, 2023", "Sept. 2023",
a bare year) are matched exactly here, so the precision is never invented; anything
else that still carries a year goes to dateparser, which reports the precision it saw.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

# English month names and their usual abbreviations, lower case, to the month number:
# the one table every part of citecheck reads month names from.
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

# The full name of each month in calendar order ("january" … "december"): the longest
# spelling MONTHS gives that month.
MONTH_NAMES = tuple(
    max((name for name, number in MONTHS.items() if number == month), key=len)
    for month in range(1, 13)
)

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

_PATTERNS = [
    re.compile(rf"^{_YEAR}-(?P<mnum>\d{{1,2}})-{_DAY}$"),
    re.compile(rf"^{_YEAR}/(?P<mnum>\d{{1,2}})/{_DAY}$"),
    re.compile(rf"^{_YEAR}-(?P<mnum>\d{{2}})$"),
    re.compile(rf"^{_DAY}\s+{_MONTH},?\s+{_YEAR}$"),
    re.compile(rf"^{_MONTH}\s+{_DAY},?\s+{_YEAR}$"),
    re.compile(rf"^{_MONTH},?\s+{_YEAR}$"),
    re.compile(rf"^{_YEAR}$"),
]

# A date as it appears inside a citation, for finding one within longer text.
DATE_PATTERN = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}"
    r"|[A-Z][a-z]{2,8}\.?,?\s+\d{4}"
    r"|\d{4}-\d{2}"
    r"|\d{4})"
)

_NO_DATE = {"n.d.", "n.d", "nd", "no date", "undated", "s.d.", "o.j."}
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """Format at the precision given, or None when the parts are no real date."""
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _from_match(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    year = int(parts["year"])
    month: int | None = None
    if parts.get("mnum"):
        month = int(parts["mnum"])
    elif parts.get("month"):
        month = MONTHS.get(parts["month"].lower())
        if month is None:
            return None
    day = int(parts["day"]) if parts.get("day") else None
    return _iso(year, month, day)


@lru_cache(maxsize=1)
def _dateparser() -> Any:
    import dateparser  # imported on first need: it takes a moment to load

    return dateparser.date.DateDataParser(
        settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]}
    )


def _fallback(text: str) -> str | None:
    if not _HAS_YEAR.search(text):
        return None
    try:
        data = _dateparser().get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input; a date is optional
        return None
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj
    if data.period == "year":
        return _iso(found.year)
    if data.period == "month":
        return _iso(found.year, found.month)
    return _iso(found.year, found.month, found.day)


def normalize_date(text: str) -> str | None:
    """ISO date at the precision given, or None for "n.d.", blanks and anything unparseable."""
    if not text:
        return None
    cleaned = re.sub(r"\s+", " ", text).strip().strip(".,;").strip()
    cleaned = cleaned.strip("()[]").strip()
    if not cleaned or cleaned.lower() in _NO_DATE or cleaned.lower().rstrip(".") in _NO_DATE:
        return None
    for pattern in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            if match.groupdict().get("month") and match["month"].lower() not in MONTHS:
                break  # a month name in another language: let dateparser read it
            return _from_match(match)
    return _fallback(cleaned)
