"""The fix for one dead link: what to write, where."""

from __future__ import annotations

from dataclasses import dataclass

WIKITEXT_PARAMS = "wikitext-params"
REPLACE_URL = "replace-url"
# The text of a wikitext fix for a citation that has its archive link already: the
# writer then only marks the link dead.
MARK_DEAD_ONLY = "|url-status=dead"
# url-status (or old deadurl) values that already say the link is dead.
DEAD_URL_STATUSES = frozenset({"dead", "yes", "true", "y", "usurped", "unfit"})


@dataclass(frozen=True)
class Fix:
    """One change to a document.

    kind `wikitext-params`: set `archive-url`, `archive-date` and `url-status=dead` on every
    {{cite …}} whose url is `original_url` (`text` shows the parameters). kind
    `replace-url`: replace `original_url` by `archive_url` wherever it is a link target
    (`text` is the replacement URL).
    """

    reference_id: str
    kind: str
    original_url: str
    archive_url: str
    archive_date: str  # ISO, "2021-04-12"; "" when the citation gives none
    text: str


@dataclass(frozen=True)
class FixOutcome:
    """A fixed text and which fixes found their place in it."""

    text: str
    applied: tuple[Fix, ...]
    not_applied: tuple[Fix, ...]
