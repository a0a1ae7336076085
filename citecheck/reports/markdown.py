"""The Markdown report, meant for a pull-request comment.

Headline first, then a summary table, then problems, then the details folded in
`<details>` blocks. Every string that comes from a document or a source goes
through `escape` (or `link`), so a title with `|`, `<script>` or backticks can
neither break a table nor inject HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from citecheck.reports.view import (
    ClaimView,
    DocumentView,
    Problem,
    ReferenceView,
    ReportView,
    VerdictView,
    as_view,
    format_score,
    humanize,
    safe_href,
)
from citecheck.schema import ReportJSON

_VERDICT_ICON = {
    "supported": "✅",
    "partially_supported": "🟡",
    "not_supported": "❌",
    "unverifiable": "❔",
}
# Backslash-escaping ASCII punctuation is always literal in CommonMark/GFM.
_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
# What only means something where a line starts: "# x", "- x", "+ x", "1. x", "1) x".
_LINE_START = re.compile(r"^([#+=-]|\d+(?=[.)]))")
_WHITESPACE = re.compile(r"\s+")
# Percent-encode all but these in link targets: spaces, parentheses, `<>`, `|` and
# backticks would end the destination or break a table cell.
_URL_SAFE = ":/?#[]@!$&'*+,;=%~"


def escape(text: str | None) -> str:
    """One line of document text made inert in Markdown, in tables and in inline HTML."""
    if not text:
        return ""
    flat = _WHITESPACE.sub(" ", text).strip()
    # Entities, not backslashes, for HTML: they also hold inside <summary> and <details>.
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MD_PUNCTUATION.sub(r"\\\1", flat)
    match = _LINE_START.match(flat)
    if match:
        at = match.end() if match.group(1).isdigit() else 0  # "1\. x", but "\# x"
        flat = flat[:at] + "\\" + flat[at:]
    return flat


def link(text: str | None, url: str | None) -> str:
    """`[text](url)` when the URL is http(s), else the escaped text alone."""
    label = escape(text) or escape(url) or "link"
    href = safe_href(url)
    if href is None:
        return label
    return f"[{label}]({quote(href, safe=_URL_SAFE)})"


def _headline_line(view: ReportView) -> str:
    icon = {"bad": "❌", "warn": "⚠️"}.get(view.mood, "✅")
    return f"**{icon} {escape(view.headline)}**"


def _run_line(view: ReportView) -> str | None:
    run = view.run
    if run is None:
        return None
    parts = [f"Run {escape(run.id)}" if run.id else "Run"]
    if run.command:
        parts.append(escape(run.command))
    if run.status:
        parts.append(escape(run.status))
    if run.started_at:
        parts.append(f"started {escape(run.started_at)}")
    if run.finished_at:
        parts.append(f"finished {escape(run.finished_at)}")
    return " · ".join(parts)


def _summary_table(view: ReportView) -> list[str]:
    rows = ["| What | Status | Count |", "| --- | --- | ---: |"]
    for status, count in view.link_counts:
        rows.append(f"| Links | {escape(humanize(status))} | {count} |")
    for label, count in view.verdict_counts:
        status = f"{_VERDICT_ICON.get(label, '')} {escape(humanize(label))}".strip()
        rows.append(f"| Claim verdicts | {status} | {count} |")
    rows.append(f"| References | total | {int(view.summary.get('references', 0))} |")
    rows.append(f"| Claims | total | {int(view.summary.get('claims', 0))} |")
    return rows


def _where(problem: Problem, many_documents: bool) -> str:
    return f" — in {escape(problem.document)}" if many_documents else ""


def _link_state(ref: ReferenceView) -> str:
    state = humanize(ref.link.status)
    if ref.link.http_status is not None:
        state += f" ({ref.link.http_status})"
    return escape(state)


def _problem_line(problem: Problem, many_documents: bool) -> str:
    where = _where(problem, many_documents)
    ref, claim, verdict, check = problem.reference, problem.claim, problem.verdict, problem.check
    if problem.category == "dead_link" and ref is not None:
        detail = f"`{ref.link.status}`"
        if ref.link.http_status is not None:
            detail += f" (HTTP {ref.link.http_status})"
        if ref.link.error and ref.link.error != f"HTTP {ref.link.http_status}":
            detail += f": {escape(ref.link.error)}"
        url = f" — {link(ref.url, ref.href)}" if ref.url else ""
        return f"- **{escape(ref.label)}**: {detail}{url}{where}"
    if problem.category == "not_supported" and claim is not None and verdict is not None:
        score = format_score(verdict.score)
        return (
            f"- “{escape(claim.text)}” is not supported by **{escape(verdict.source_label)}** "
            f"(score {score}){where}"
        )
    if problem.category == "warning" and check is not None:
        about = verdict.source_label if verdict is not None else (ref.label if ref else "")
        about_text = f" ({escape(about)})" if about else ""
        name = f"**{escape(check.name)}** {escape(check.level)}"
        return f"- {name}{about_text}: {escape(check.message)}{where}"
    return f"- {escape(problem.message)}{where}"


_PROBLEM_SECTIONS = (
    ("dead_link", "Dead links without an archive copy"),
    ("not_supported", "Claims not supported by their source"),
    ("warning", "Warnings"),
    ("document", "Parts of documents that could not be read"),
)


@dataclass(frozen=True)
class _Block:
    """A folded section: its opening lines, its items (each a list of lines), its closing.

    When the comment would be too long, items are dropped from the end of each block;
    the opening and closing always stay so that every `<details>` is closed.
    """

    head: list[str]
    items: list[list[str]]
    tail: list[str]


def _problem_blocks(view: ReportView) -> list[_Block]:
    if not view.problems:
        return [_Block(["## Problems", "", "None found.", ""], [], [])]
    blocks = [_Block(["## Problems", ""], [], [])]
    many = len(view.documents) > 1
    for category, title in _PROBLEM_SECTIONS:
        items = [p for p in view.problems if p.category == category]
        if items:
            blocks.append(
                _Block(
                    [f"### {title} ({len(items)})", ""],
                    [[_problem_line(p, many)] for p in items],
                    [""],
                )
            )
    return blocks


def _archive_cell(ref: ReferenceView) -> str:
    if ref.archive_href is not None:
        return link(f"archived {ref.archive_date}" if ref.archive_date else "archived",
                    ref.archive_href)
    if ref.archive_status:
        return escape(humanize(ref.archive_status))
    return "—"


def _references_block(doc: DocumentView) -> _Block:
    head = [
        f"<details><summary>References ({len(doc.references)})</summary>",
        "",
        "| Marker | Title | Work | Date | Link | Archive |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    rows = []
    for ref in doc.references:
        title = link(ref.title or ref.url or "untitled", ref.href)
        cells = [
            escape(ref.marker),
            title,
            escape(ref.work) or "—",
            escape(ref.date) or "—",
            _link_state(ref),
            _archive_cell(ref),
        ]
        rows.append(["| " + " | ".join(cells) + " |"])
    return _Block(head, rows, ["", "</details>", ""])


def _verdict_lines(verdict: VerdictView) -> list[str]:
    icon = _VERDICT_ICON.get(verdict.verdict, "")
    label = f"{icon} **{escape(humanize(verdict.verdict))}**".lstrip()
    line = f"- {label} ({format_score(verdict.score)}) — {escape(verdict.source_label)}"
    if verdict.missing:
        # On the verdict's own line: a line after the quote would join the quote.
        line += " · missing: " + ", ".join(escape(term) for term in verdict.missing)
    lines = [line]
    best = verdict.best_evidence
    if best is not None:
        lines.append(f"  > {escape(best.text)}")
    for check in verdict.checks:
        lines.append(f"  - {check.level}: **{escape(check.name)}** {escape(check.message)}")
    return lines


def _claim_lines(claim: ClaimView) -> list[str]:
    # Escaped brackets: "[2][4]" would otherwise read as a reference-style link.
    markers = "".join(f"\\[{escape(m)}\\]" for m in claim.markers)
    lines = [f"**{escape(claim.id)}** {escape(claim.text)} {markers}".rstrip(), ""]
    if not claim.verdicts:
        lines += ["- not verified yet", ""]
        return lines
    for verdict in claim.verdicts:
        lines += _verdict_lines(verdict)
    return [*lines, ""]


def _claims_block(doc: DocumentView) -> _Block:
    return _Block(
        [f"<details><summary>Claims ({len(doc.claims)})</summary>", ""],
        [_claim_lines(claim) for claim in doc.claims],
        ["</details>", ""],
    )


def _detail_blocks(view: ReportView) -> list[_Block]:
    blocks = [_Block(["## Details", ""], [], [])]
    for doc in view.documents:
        heading = escape(doc.heading)
        if doc.heading != doc.source:
            heading += f" ({escape(doc.source)})"
        blocks.append(_Block([f"### {heading}", ""], [], []))
        blocks += [_references_block(doc), _claims_block(doc)]
    return blocks


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _fit(blocks: list[_Block], budget: int) -> tuple[list[str], int]:
    """The blocks' lines within `budget` characters, and how many items were left out.

    Every block keeps its head and tail (their room is set aside first); items go in,
    in order, while they fit.
    """
    lines: list[str] = []
    left = budget - sum(_size(b.head) + _size(b.tail) for b in blocks)
    omitted = 0
    for block in blocks:
        lines += block.head
        for item in block.items:
            if _size(item) <= left:
                lines += item
                left -= _size(item)
            else:
                omitted += 1
        lines += block.tail
    return lines, omitted


# GitHub refuses a comment longer than this; a job summary is allowed more.
GITHUB_COMMENT_LIMIT = 65_536
_NOTE_ROOM = 500  # for the truncation note, and for counting differences (UTF-16)


def render_markdown(
    report: ReportJSON | ReportView, max_chars: int = GITHUB_COMMENT_LIMIT
) -> str:
    """The report as Markdown, at most `max_chars` characters: when the whole does not
    fit, the problems come first and details are left out, with a note saying so."""
    view = as_view(report)
    head = ["# citecheck report", "", _headline_line(view), ""]
    run_line = _run_line(view)
    if run_line:
        head += [run_line, ""]
    head += [*_summary_table(view), ""]
    blocks = _problem_blocks(view) + (_detail_blocks(view) if view.documents else [])
    everything = [*head, *(line for b in blocks for part in (b.head, *b.items, b.tail)
                           for line in part)]
    if _size(everything) <= max_chars:
        return "\n".join(everything).rstrip("\n") + "\n"
    fitted, omitted = _fit(blocks, max_chars - _size(head) - _NOTE_ROOM)
    note = (
        f"_Shortened to fit a GitHub comment ({max_chars:,} characters): {omitted} "
        f"{'entry' if omitted == 1 else 'entries'} left out. The HTML and JSON reports "
        "have everything._"
    )
    return "\n".join([*head, note, "", *fitted]).rstrip("\n") + "\n"


__all__ = ["escape", "link", "render_markdown"]
