"""Batch runs: a report per article, and an index that links them.

A run over many articles (a folder, a list of Wikipedia titles) still gets its one
whole-run report; this adds `STEM/NNN-slug.{html,md,json}` per article and
`STEM/index.html` / `STEM/index.md` with each article's counts, problems first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from citecheck.reports.options import RenderOptions
from citecheck.schema import DocumentJSON, ReportJSON
from citecheck.summary import summarize

# Per-article files in these formats; CSV stays one set per run.
PER_ARTICLE_FORMATS = ("html", "md", "json")


def slug(text: str, limit: int = 60) -> str:
    words = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return words[:limit].rstrip("-") or "article"


def _name(document: DocumentJSON) -> str:
    return str(document.get("title") or document.get("source") or "article")


def write_batch_reports(
    report: ReportJSON,
    formats: Sequence[str],
    out_dir: Path,
    stem: str,
    options: RenderOptions | None = None,
) -> list[Path]:
    """Per-article reports plus an index, when the run covers more than one article."""
    from citecheck.reports import write_reports  # the registry imports this module's users

    documents = list(report.get("documents", []))
    if len(documents) < 2:
        return []
    folder = out_dir / stem
    chosen = [fmt for fmt in formats if fmt in PER_ARTICLE_FORMATS]
    rows: list[tuple[DocumentJSON, dict[str, Any], dict[str, str]]] = []
    written: list[Path] = []
    for number, document in enumerate(documents, start=1):
        name = f"{number:03d}-{slug(_name(document))}"
        single = cast(ReportJSON, {**report, "documents": [document]})
        single["summary"] = summarize([document])
        paths = write_reports(single, chosen, folder, stem=name, options=options or RenderOptions())
        written += paths
        rows.append((document, dict(single["summary"]), {p.suffix[1:]: p.name for p in paths}))
    rows.sort(key=lambda row: (-int(row[1].get("problems", 0)), _name(row[0]).lower()))
    (folder / "index.md").write_text(_index_markdown(report, rows), encoding="utf-8")
    (folder / "index.html").write_text(_index_html(report, rows), encoding="utf-8")
    return [*written, folder / "index.md", folder / "index.html"]


def _counts(summary: dict[str, Any]) -> tuple[int, int, int, int]:
    return (
        int(summary.get("references", 0)),
        int(summary.get("dead_without_archive", 0)),
        int(summary.get("not_supported", 0)),
        int(summary.get("claims", 0)),
    )


def _md_cell(text: str) -> str:
    return html.escape(text).replace("|", "\\|").replace("\n", " ")


def _index_markdown(
    report: ReportJSON, rows: list[tuple[DocumentJSON, dict[str, Any], dict[str, str]]]
) -> str:
    run = report.get("run", {})
    lines = [
        f"# citecheck run {run.get('id', '')}: {len(rows)} articles",
        "",
        "| article | references | dead, no archive | claims | not supported | report |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for document, summary, files in rows:
        references, dead, not_supported, claims = _counts(summary)
        link = f"[md]({files['md']})" if "md" in files else ""
        lines.append(
            f"| {_md_cell(_name(document))} | {references} | {dead} | {claims} | "
            f"{not_supported} | {link} |"
        )
    return "\n".join(lines) + "\n"


def _index_html(
    report: ReportJSON, rows: list[tuple[DocumentJSON, dict[str, Any], dict[str, str]]]
) -> str:
    run = report.get("run", {})
    body = []
    for document, summary, files in rows:
        references, dead, not_supported, claims = _counts(summary)
        name = html.escape(_name(document))
        target = files.get("html") or files.get("md")
        cell = f'<a href="{html.escape(target)}">{name}</a>' if target else name
        problem = ' class="problem"' if dead or not_supported else ""
        body.append(
            f"<tr{problem}><th scope=row>{cell}</th><td>{references}</td><td>{dead}</td>"
            f"<td>{claims}</td><td>{not_supported}</td></tr>"
        )
    title = f"citecheck run {html.escape(str(run.get('id', '')))}: {len(rows)} articles"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{title}</title><style>"
        "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1a1a1a}"
        "table{border-collapse:collapse;width:100%}th,td{padding:.35rem .6rem;"
        "border-bottom:1px solid #ccc;text-align:right}th[scope=row]{text-align:left;"
        "font-weight:normal}thead th{text-align:right}thead th:first-child{text-align:left}"
        "tr.problem th{font-weight:bold}a{color:#0645ad}"
        "</style></head><body><main>"
        f"<h1>{title}</h1><table><thead><tr><th scope=col>article</th>"
        "<th scope=col>references</th><th scope=col>dead, no archive</th>"
        "<th scope=col>claims</th><th scope=col>not supported</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></main></body></html>\n"
    )
