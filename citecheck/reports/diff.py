"""What changed between two runs, as text for a terminal, JSON, or Markdown for a PR comment.

    render_diff(diff, "text" | "json" | "md") -> str
"""

from __future__ import annotations

import json
from collections.abc import Callable

from citecheck.errors import UsageError
from citecheck.reports.markdown import escape
from citecheck.reports.view import humanize, plural
from citecheck.store.history import DEAD_LINK, Change, RunDiff


def verdict_of(diff: RunDiff) -> str:
    """One word for the whole diff: worse, better, changed or unchanged."""
    if diff.worse:
        return "worse"
    if diff.better:
        return "better"
    return "unchanged" if diff.unchanged else "changed"


def headline(diff: RunDiff) -> str:
    counts = f"{plural(len(diff.new_problems), 'new problem')}, {len(diff.fixed)} fixed"
    return f"Run {diff.old_run_id} → run {diff.new_run_id}: {verdict_of(diff)} ({counts})"


def _state(value: str | None) -> str:
    return humanize(value) if value else "absent"


def _transition(change: Change) -> str:
    return f"{_state(change.before)} → {_state(change.after)}"


def _what(change: Change) -> str:
    label = change.label or change.key
    if change.kind in ("dead_link", "link", "reference"):
        return label
    return f"“{label}” ({change.key})"


def _sections(diff: RunDiff) -> list[tuple[str, str, tuple[Change, ...]]]:
    """(title, the word for each line, changes), worst news first."""
    problems_links = tuple(c for c in diff.new_problems if c.kind == DEAD_LINK)
    problems_claims = tuple(c for c in diff.new_problems if c.kind != DEAD_LINK)
    fixed_links = tuple(c for c in diff.fixed if c.kind == DEAD_LINK)
    fixed_claims = tuple(c for c in diff.fixed if c.kind != DEAD_LINK)
    return [
        ("Got worse", "new dead link", problems_links),
        ("Got worse", "newly not supported", problems_claims),
        ("Got better", "fixed link", fixed_links),
        ("Got better", "now supported", fixed_claims),
        ("Verdicts changed", "verdict changed", diff.changed_verdicts),
        ("Link statuses changed", "link changed", diff.changed_links),
        ("References added", "added", diff.new_references),
        ("References removed", "removed", diff.removed_references),
    ]


def _where(change: Change) -> str:
    return f" — {change.document}" if change.document else ""


def render_diff_text(diff: RunDiff) -> str:
    lines = [headline(diff)]
    current = None
    for title, word, changes in _sections(diff):
        if not changes:
            continue
        if title != current:
            lines += ["", f"{title}:"]
            current = title
        for change in changes:
            url = f" {change.url}" if change.url and change.url != change.label else ""
            lines.append(
                f"  {word}: {_what(change)} ({_transition(change)}){url}{_where(change)}"
            )
    return "\n".join(lines) + "\n"


def render_diff_json(diff: RunDiff) -> str:
    body = {"verdict": verdict_of(diff), **diff.to_json()}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render_diff_markdown(diff: RunDiff) -> str:
    icon = {"worse": "❌", "better": "✅"}.get(verdict_of(diff), "➖")
    lines = ["## citecheck: what changed", "", f"**{icon} {escape(headline(diff))}**", ""]
    current = None
    for title, word, changes in _sections(diff):
        if not changes:
            continue
        if title != current:
            if current is not None:
                lines.append("")
            lines += [f"### {title}", ""]
            current = title
        for change in changes:
            where = f" — {escape(change.document)}" if change.document else ""
            lines.append(
                f"- {word}: {escape(_what(change))} ({escape(_transition(change))}){where}"
            )
    if diff.unchanged:
        lines.append("Nothing changed.")
    return "\n".join(lines).rstrip("\n") + "\n"


DIFF_FORMATS: dict[str, Callable[[RunDiff], str]] = {
    "text": render_diff_text,
    "json": render_diff_json,
    "md": render_diff_markdown,
}


def render_diff(diff: RunDiff, fmt: str = "text") -> str:
    try:
        renderer = DIFF_FORMATS[fmt]
    except KeyError:
        known = ", ".join(DIFF_FORMATS)
        raise UsageError(f"unknown diff format {fmt!r} (known: {known})") from None
    return renderer(diff)
