"""ISBNs checked with isbnlib: ISBN-10 or ISBN-13 with a valid check digit."""

from __future__ import annotations

import isbnlib


def normalize_isbn(text: str) -> str | None:
    """The ISBN's digits ("978-0-306-40615-7" -> "9780306406157"), or None when invalid."""
    canonical = isbnlib.canonical(text)
    if canonical and (isbnlib.is_isbn13(canonical) or isbnlib.is_isbn10(canonical)):
        return str(canonical)
    return None


def isbn_problem(text: str) -> str | None:
    """Why `text` is not a valid ISBN, or None when it is one."""
    if normalize_isbn(text) is not None:
        return None
    digits = isbnlib.canonical(text) or ""
    if len(digits) not in (10, 13):
        return f"ISBN {text} has {len(digits)} digits; an ISBN has 10 or 13"
    return f"ISBN {text} has a wrong check digit"
