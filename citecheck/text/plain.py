"""Plain-text clean-up: page chrome, photo captions and the blog tail after an article."""

from __future__ import annotations

import re

# A line that is one of these, alone, starts the blog tail after an article.
_TAIL_HEADINGS = re.compile(
    r"^\s*(popular posts( from this blog)?|related (posts|articles|stories|reading)"
    r"|you (may|might) also (like|enjoy)|more from this (blog|author|site)"
    r"|recommended( for you| stories| articles)?|read (more|next)|comments?( \(\d+\))?"
    r"|\d+ comments?|share this( post| article|:)?|leave a (reply|comment)|post a comment"
    r"|newer post|older post|subscribe to( our)? newsletter|about the author"
    r"|trending( now)?|most (read|popular))\s*:?\s*$",
    re.IGNORECASE,
)
# Lines that are page chrome wherever they appear.
_CHROME_LINES = re.compile(
    r"^\s*(skip to (main )?content|skip to navigation|jump to navigation|menu|main menu|search"
    r"|sign in|log ?in|register|subscribe|home|advertisement|share|tweet|print|email"
    r"|accept( all)?( cookies)?|we use cookies.*|this (web)?site uses cookies.*)\s*$",
    re.IGNORECASE,
)
# Photo captions end in a credit: "… © Jane Doe/Agency" or "Photo: Agency".
_CAPTION = re.compile(r"(©|\(c\)|photo(graph)?:|image:|credit:)\s*[^.!?]{0,60}$", re.IGNORECASE)


def clean_plain_text(text: str) -> str:
    """Drop chrome lines and photo captions; cut the tail at a boilerplate heading."""
    kept: list[str] = []
    seen_words = 0
    for line in text.splitlines():
        if _TAIL_HEADINGS.match(line) and seen_words >= 30:
            break
        if _CHROME_LINES.match(line) or (_CAPTION.search(line) and len(line) < 300):
            continue
        kept.append(line)
        seen_words += len(line.split())
    return "\n".join(kept).strip()
