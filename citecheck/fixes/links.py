"""Markdown, HTML and plain-text fixes: the dead URL replaced by the archive URL.

The URL is replaced (not followed by the archive link) wherever it is a link target, so
the text reads the same and the link works. An occurrence inside another URL (the
archive URL itself, or a longer URL it is a prefix of) is left alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from citecheck.fixes.model import REPLACE_URL, Fix

# A URL ends where a character that cannot continue it follows; "." or "," only end
# it when no URL character follows them (the end of a sentence).
_URL_GOES_ON = r"(?![\w/~%#?&=+@:-]|[.,;!][\w/~%#?&=+-])"
_URL_BEFORE = r"(?<![\w/.:%~+-])"
_HREF = re.compile(
    r"(?P<attr>\b(?:href|src)\s*=\s*)(?P<quote>[\"'])(?P<value>.*?)(?P=quote)",
    re.IGNORECASE | re.DOTALL,
)


def apply_url_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, set[Fix]]:
    """Markdown or plain text: every bounded occurrence of a dead URL replaced."""
    applied: set[Fix] = set()
    for fix in fixes:
        if fix.kind != REPLACE_URL:
            continue
        pattern = re.compile(_URL_BEFORE + re.escape(fix.original_url) + _URL_GOES_ON)
        text, count = pattern.subn(_literal(fix.archive_url), text)
        if count:
            applied.add(fix)
    return text, applied


def _literal(value: str) -> Callable[[re.Match[str]], str]:
    """A replacement taken as is (a template string would read backslashes in a URL)."""
    return lambda _match: value


def apply_html_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, set[Fix]]:
    """HTML: href/src attributes whose (unescaped) value is a dead URL get the archive URL."""
    wanted = {fix.original_url: fix for fix in fixes if fix.kind == REPLACE_URL}
    applied: set[Fix] = set()

    def replace(match: re.Match[str]) -> str:
        fix = wanted.get(html.unescape(match["value"]).strip())
        if fix is None:
            return match[0]
        applied.add(fix)
        value = html.escape(fix.archive_url, quote=True)
        return f"{match['attr']}{match['quote']}{value}{match['quote']}"

    return _HREF.sub(replace, text), applied
