"""The HTML report: one self-contained file (inline CSS and JS) that opens from disk.

All document and source text reaches the page through jinja2 with autoescape on;
the filter script reads only `data-` attributes, and hrefs are set only from
URLs that `safe_href` accepted (http/https).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from citecheck.reports.charts import Row, bar_chart, stacked_chart
from citecheck.reports.options import NO_OPTIONS, RenderOptions
from citecheck.reports.view import (
    LINK_ORDER,
    VERDICT_ORDER,
    ClaimView,
    ReferenceView,
    ReportView,
    as_view,
    fixes,
    format_score,
    humanize,
    other_checks,
    plural,
    token,
)
from citecheck.schema import ReportJSON
from citecheck.store.tables import LINK_RESULTS, VERDICT_RESULTS

_MAX_DOMAINS_CHARTED = 12
# Not failures: fine, not checked, or not a link at all.
_NOT_FAILING = frozenset({"ok", "redirected", "pending", "no_url", "excluded", "unsupported"})

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
    env.globals["fixes"] = fixes
    env.globals["other_checks"] = other_checks
    return env




def _domain_rows(view: ReportView) -> list[Row]:
    """Domains with at least one failing link, most failures first."""
    by_domain: dict[str, Counter[str]] = {}
    for ref in view.references:
        if ref.domain:
            by_domain.setdefault(ref.domain, Counter())[ref.link.status] += 1
    failing = {
        d: sum(n for s, n in c.items() if s not in _NOT_FAILING) for d, c in by_domain.items()
    }
    chosen = sorted((d for d in failing if failing[d]), key=lambda d: (-failing[d], d))
    return [Row(d, by_domain[d]) for d in chosen[:_MAX_DOMAINS_CHARTED]]


def charts(view: ReportView, options: RenderOptions) -> dict[str, Markup]:
    """The report's inline-SVG charts, by name; a chart with nothing to show is left out."""
    found = {
        "links": bar_chart("chart-links", "Links by status", view.link_counts, LINK_ORDER),
        "verdicts": bar_chart("chart-verdicts", "Claim verdicts", view.verdict_counts,
                              VERDICT_ORDER),
    }
    if len(view.documents) > 1:
        rows = [
            Row(doc.heading, Counter(v.verdict for c in doc.claims for v in c.verdicts))
            for doc in view.documents
        ]
        found["articles"] = stacked_chart("chart-articles", "Verdicts per article", rows,
                                          VERDICT_ORDER)
    domains = _domain_rows(view)
    if domains:
        found["domains"] = stacked_chart("chart-domains", "Failures per domain", domains,
                                         LINK_ORDER)
    if options.history:
        rows = [
            Row(f"run {p.run_id} · {p.command} · {p.started_at[:10]}", p.links)
            for p in options.history
        ]
        found["history"] = stacked_chart("chart-history", "Link health over runs", rows,
                                         LINK_ORDER)
    return found


def datasette_links(view: ReportView, options: RenderOptions) -> dict[str, str]:
    """Anchor -> the Datasette page of that claim's verdicts or that reference's result."""
    if not options.datasette_url or view.run is None or not view.run.id:
        return {}
    run_id = view.run.id
    links: dict[str, str] = {}
    for ref in view.references:
        url = options.datasette_rows(LINK_RESULTS, run_id=run_id, document=ref.document,
                                     reference_id=ref.id)
        if url:
            links[ref.anchor] = url
    for claim in view.claims:
        url = options.datasette_rows(VERDICT_RESULTS, run_id=run_id, document=claim.document,
                                     claim_id=claim.id)
        if url:
            links[claim.anchor] = url
    return links


_ENV = _environment()


def render_html(report: ReportJSON | ReportView, options: RenderOptions = NO_OPTIONS) -> str:
    view = as_view(report)
    references = view.references
    link_statuses = {r.link.status for r in references}
    verdicts = {v.verdict for c in view.claims for v in c.verdicts}
    domains = {r.domain for r in references if r.domain} | {
        v.domain for c in view.claims for v in c.verdicts if v.domain
    }
    template = _ENV.get_template("report.html.j2")
    return template.render(
        view=view,
        charts=charts(view, options),
        link_options=_options(link_statuses, LINK_ORDER),
        verdict_options=_options(verdicts, VERDICT_ORDER),
        domain_options=[(d, d) for d in sorted(domains)],
        reference_verdicts=verdicts_by_reference(view),
        datasette=datasette_links(view, options),
    )
