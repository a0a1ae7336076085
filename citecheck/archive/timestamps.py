"""ISO dates at any precision <-> the Wayback Machine's 14-digit timestamps."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime

_ISO_DATE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?"
    r"(?:Z|[+-]00:?00)?)?)?)?"
)
_DIGITS = re.compile(r"\d{4,14}")


def now_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S")


def end_of_period(when: str | None) -> str:
    """The last second of the period `when` names, as a Wayback timestamp.

    "2019" -> "20191231235959", "2019-02" -> "20190228235959", None -> now (UTC).
    A date says "as of then": a capture from any moment of that day, month or year
    shows the source as the citer could have seen it. Also accepts Wayback
    timestamps of 4-14 digits. Raises ValueError on anything else.
    """
    if when is None:
        return now_timestamp()
    text = when.strip()
    if _DIGITS.fullmatch(text):
        parts = _split_digits(text)
    else:
        match = _ISO_DATE.fullmatch(text)
        if match is None:
            raise ValueError(f"not an ISO date: {when!r}")
        parts = [int(value) for value in match.groups() if value is not None]
    return _fill_to_end(parts, when)


def is_timestamp(value: str) -> bool:
    """True for a valid 14-digit Wayback timestamp."""
    if not re.fullmatch(r"\d{14}", value):
        return False
    try:
        datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def _split_digits(text: str) -> list[int]:
    widths = (4, 2, 2, 2, 2, 2)
    parts: list[int] = []
    position = 0
    for width in widths:
        chunk = text[position : position + width]
        if len(chunk) < width:
            if chunk:
                raise ValueError(f"not a Wayback timestamp: {text!r}")
            break
        parts.append(int(chunk))
        position += width
    return parts


def _fill_to_end(parts: list[int], original: str) -> str:
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    if not 1 <= month <= 12:
        raise ValueError(f"not a valid date: {original!r}")
    last_day = calendar.monthrange(year, month)[1]
    day = parts[2] if len(parts) > 2 else last_day
    hour = parts[3] if len(parts) > 3 else 23
    minute = parts[4] if len(parts) > 4 else 59
    second = parts[5] if len(parts) > 5 else 59
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ValueError(f"not a valid date: {original!r}") from None
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )
