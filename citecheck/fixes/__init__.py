"""Fix suggestions for dead links, and writers that apply them to a document's text.

model.py     Fix, FixOutcome
suggest.py   reference + link status + capture -> Fix
wikitext.py  archive-url / archive-date / url-status=dead on the matching {{cite …}}
links.py     Markdown, HTML, plain text: the dead URL replaced by the archive URL

Writers change nothing but those parameters and URLs: every other byte stays.
"""

from __future__ import annotations

from collections.abc import Sequence

from citecheck.fixes.links import apply_html_fixes, apply_url_fixes
from citecheck.fixes.model import REPLACE_URL, WIKITEXT_PARAMS, Fix, FixOutcome
from citecheck.fixes.suggest import suggest_fix
from citecheck.fixes.wikitext import apply_wikitext_fixes

__all__ = [
    "REPLACE_URL",
    "WIKITEXT_PARAMS",
    "Fix",
    "FixOutcome",
    "apply_fixes",
    "fix_document",
    "suggest_fix",
]


def fix_document(text: str, document_kind: str, fixes: Sequence[Fix]) -> FixOutcome:
    """Apply `fixes` to `text` and say which found their place."""
    if document_kind == "wikitext":
        fixed, applied = apply_wikitext_fixes(text, fixes)
    elif document_kind == "html":
        fixed, applied = apply_html_fixes(text, fixes)
    else:  # markdown, plaintext
        fixed, applied = apply_url_fixes(text, fixes)
    return FixOutcome(
        text=fixed,
        applied=tuple(fix for fix in fixes if fix in applied),
        not_applied=tuple(fix for fix in fixes if fix not in applied),
    )


def apply_fixes(text: str, document_kind: str, fixes: Sequence[Fix]) -> str:
    """`text` with `fixes` applied; see `fix_document` for which were."""
    return fix_document(text, document_kind, fixes).text
