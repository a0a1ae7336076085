"""The HTML report: one self-contained file (inline CSS and JS) that opens from disk.

All document and source text reaches the page through jinja2 with autoescape on;
the filter script reads only `data-` attributes, and hrefs are set only from
URLs that `safe_href` accepted (http/https).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined

from citecheck.reports.view import (
    LINK_ORDER,
    VERDICT_ORDER,
    ClaimView,
    ReferenceView,
    ReportView,
    build_view,
    format_score,
    humanize,
    plural,
    token,
)
from citecheck.schema import ReportJSON

_WORD = re.compile(r"\w+")
# Too common to be worth highlighting as "the claim's words found in the source".
_STOPWORDS = frozenset(
    {
        "the", "and", "for", "that", "with", "from", "this", "was", "were", "are", "has", "have",
        "had", "its", "his", "her", "their", "which", "who", "whom", "not", "but", "been", "into",
        "than", "then", "also", "after", "before", "over", "under",
    }
)


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: float
    css: str


def highlight(evidence: str, claim: str) -> list[Segment]:
    """Split `evidence` so that the words it shares with `claim` can be marked."""
    terms = {w.lower() for w in _WORD.findall(claim) if len(w) > 2} - _STOPWORDS
    segments: list[Segment] = []
    position = 0
    for match in _WORD.finditer(evidence):
        if match.group().lower() in terms:
            if match.start() > position:
                segments.append(Segment(evidence[position : match.start()], False))
            segments.append(Segment(match.group(), True))
            position = match.end()
    if position < len(evidence):
        segments.append(Segment(evidence[position:], False))
    return segments


def _bars(counts: list[tuple[str, int]]) -> list[Bar]:
    total = sum(n for _, n in counts) or 1
    return [Bar(humanize(k), n, round(100 * n / total, 1), token(k)) for k, n in counts]


def claim_filters(claim: ClaimView) -> dict[str, str]:
    """The filter values a claim card answers to: its verdicts, link statuses, domains."""
    return {
        "verdicts": " ".join(sorted({token(v.verdict) for v in claim.verdicts})),
        "links": " ".join(sorted({token(v.link_status) for v in claim.verdicts if v.link_status})),
        "domains": " ".join(sorted({v.domain for v in claim.verdicts if v.domain})),
    }


def verdicts_by_reference(view: ReportView) -> dict[str, set[str]]:
    """Reference anchor -> the verdicts given on it, so a row answers the verdict filter."""
    found: dict[str, set[str]] = {}
    for claim in view.claims:
        for verdict in claim.verdicts:
            if verdict.reference is not None:
                found.setdefault(verdict.reference.anchor, set()).add(token(verdict.verdict))
    return found


def reference_filters(ref: ReferenceView, verdicts: dict[str, set[str]]) -> dict[str, str]:
    return {
        "verdicts": " ".join(sorted(verdicts.get(ref.anchor, ()))),
        "links": token(ref.link.status),
        "domains": ref.domain or "",
    }


def _options(present: set[str], order: tuple[str, ...]) -> list[tuple[str, str]]:
    ordered = [s for s in order if s in present] + sorted(present - set(order))
    return [(token(s), humanize(s)) for s in ordered]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("citecheck.reports", "templates"),
        autoescape=True,  # always: the template name ends in .j2, not .html
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["humanize"] = humanize
    env.filters["score"] = format_score
    env.filters["token"] = token
    env.filters["plural"] = plural
    env.globals["highlight"] = highlight
    env.globals["claim_filters"] = claim_filters
    env.globals["reference_filters"] = reference_filters
    return env


_ENV = _environment()


def render_html(report: ReportJSON) -> str:
    view = build_view(report)
    references = view.references
    link_statuses = {r.link.status for r in references}
    verdicts = {v.verdict for c in view.claims for v in c.verdicts}
    domains = {r.domain for r in references if r.domain} | {
        v.domain for c in view.claims for v in c.verdicts if v.domain
    }
    template = _ENV.get_template("report.html.j2")
    return template.render(
        view=view,
        link_bars=_bars(view.link_counts),
        verdict_bars=_bars(view.verdict_counts),
        link_options=_options(link_statuses, LINK_ORDER),
        verdict_options=_options(verdicts, VERDICT_ORDER),
        domain_options=[(d, d) for d in sorted(domains)],
        reference_verdicts=verdicts_by_reference(view),
    )
