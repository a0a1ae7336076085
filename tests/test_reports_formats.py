"""CSV files, the Markdown size limit, and the HTML report's charts, fixes and Datasette links."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from citecheck.errors import UsageError
from citecheck.reports import (
    FORMATS,
    RenderOptions,
    render,
    render_files,
    render_html,
    render_json,
    render_markdown,
    write_reports,
)
from citecheck.reports import view as view_module
from citecheck.reports.csv_report import render_csv_files
from citecheck.reports.markdown import GITHUB_COMMENT_LIMIT
from citecheck.reports.view import PreparedReport, ReportView, build_view
from citecheck.schema import ReportJSON
from citecheck.store.history import RunPoint

SAMPLE = Path(__file__).parent / "fixtures" / "report_sample.json"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def sample() -> ReportJSON:
    report: ReportJSON = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return report


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- CSV ----------------------------------------------------------------------------


def test_csv_is_a_known_format_that_writes_three_files(
    sample: ReportJSON, tmp_path: Path
) -> None:
    assert "csv" in FORMATS
    paths = write_reports(sample, ["json", "csv"], tmp_path, stem="run-42")
    assert [p.name for p in paths] == [
        "run-42.json", "run-42-references.csv", "run-42-links.csv", "run-42-claims.csv",
    ]
    references = rows_of(paths[1].read_text(encoding="utf-8"))
    links = rows_of(paths[2].read_text(encoding="utf-8"))
    claims = rows_of(paths[3].read_text(encoding="utf-8"))
    assert len(references) == 9  # every reference, with or without a URL
    assert len(links) == 8  # only the references that have a URL
    assert {row["status"] for row in links} >= {"ok", "broken", "soft_404", "pending"}
    dead = [row["reference_id"] for row in links if row["dead_without_archive"] == "yes"]
    assert dead == ["ref-minutes", "ref-history"]
    assert {row["verdict"] for row in claims} >= {"supported", "not_supported", "pending"}
    assert "Zoë Müller" in paths[1].read_text(encoding="utf-8")


def test_csv_cannot_be_rendered_as_one_string(sample: ReportJSON) -> None:
    with pytest.raises(UsageError, match="several files"):
        render(sample, "csv")


def test_csv_cells_never_start_a_spreadsheet_formula(sample: ReportJSON) -> None:
    report: Any = copy.deepcopy(sample)
    ref = report["documents"][0]["references"][0]
    ref["title"] = '=HYPERLINK("https://evil.example","click")'
    report["documents"][0]["claims"][0]["text"] = "@SUM(A1:A9) and more"
    files = render_files(report, "csv")
    first = rows_of(files["references"])[0]
    assert first["title"] == "'" + ref["title"]
    assert rows_of(files["claims"])[0]["text"].startswith("'@SUM")


def test_csv_puts_fix_suggestions_in_their_own_column(sample: ReportJSON) -> None:
    report: Any = copy.deepcopy(sample)
    fix = "{{cite web |url=https://news.example/2019/08/bridge-opens |title=Bridge opens}}"
    report["documents"][0]["references"][0]["checks"] = [
        {"name": "fix", "level": "info", "message": fix}
    ]
    first = rows_of(render_files(report, "csv")["references"])[0]
    assert first["fix"] == fix and first["checks"] == ""


# -- Markdown size ------------------------------------------------------------------


def _huge_report(references: int) -> Any:
    refs, claims = [], []
    for n in range(references):
        refs.append({
            "id": f"r{n}", "marker": str(n), "url": f"https://site{n % 40}.example/page/{n}",
            "title": f"A rather long source title number {n} " + "x" * 60,
            "link": {"status": "broken" if n % 3 == 0 else "ok", "http_status": 404},
        })
        claims.append({
            "id": f"c{n}", "text": f"Claim {n} says something at length " + "y" * 80,
            "markers": [str(n)],
            "verdicts": [{"reference": f"r{n}", "verdict": "supported", "score": 0.9,
                          "evidence": [{"text": "z" * 150, "score": 0.9}]}],
        })
    return {"run": {"id": 1, "status": "complete"},
            "documents": [{"source": "big.md", "references": refs, "claims": claims}]}


def test_a_small_report_is_not_shortened(sample: ReportJSON) -> None:
    assert "Shortened to fit" not in render(sample, "md")


def test_a_huge_markdown_report_fits_a_github_comment_problems_first() -> None:
    text = render(_huge_report(3000), "md")
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert len(text.encode("utf-16-le")) // 2 <= GITHUB_COMMENT_LIMIT
    assert re.search(r"Shortened to fit a GitHub comment \(65,536 characters\): \d+ entries", text)
    assert text.index("Shortened") < text.index("## Problems") < text.index("## Details")
    assert text.count("<details>") == text.count("</details>")
    # Problems came first, so the first dead links are all listed.
    assert "\\[0\\] A rather long source title number 0" in text


def test_markdown_limit_can_be_set_lower() -> None:
    from citecheck.reports.markdown import render_markdown

    text = render_markdown(_huge_report(50), max_chars=5000)
    assert len(text) <= 5000
    assert text.count("<details>") == text.count("</details>")


# -- HTML charts, fixes, Datasette ---------------------------------------------------


def soup_of(report: Any, options: RenderOptions | None = None) -> BeautifulSoup:
    return BeautifulSoup(render(report, "html", options or RenderOptions()), "lxml")


def test_html_charts_are_inline_svg_with_their_numbers_in_words(sample: ReportJSON) -> None:
    soup = soup_of(sample)
    charts = {svg["id"]: svg for svg in soup.select("svg.chart")}
    assert {"chart-links", "chart-verdicts", "chart-articles", "chart-domains"} <= set(charts)
    for svg in charts.values():
        assert svg["role"] == "img"
        assert svg.find("title") is not None and svg.find("desc") is not None
    assert "broken 1" in charts["chart-links"].find("desc").get_text()
    domains = charts["chart-domains"].find("desc").get_text()
    assert "council.example" in domains and "news.example" not in domains  # only failures


def test_html_chart_labels_from_documents_are_escaped(sample: ReportJSON) -> None:
    report: Any = copy.deepcopy(sample)
    report["documents"][1]["title"] = HOSTILE
    html = render(report, "html")
    assert HOSTILE not in html
    assert not BeautifulSoup(html, "lxml").find_all("img")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_html_history_chart_appears_only_with_history(sample: ReportJSON) -> None:
    assert soup_of(sample).find(id="chart-history") is None
    history = [
        RunPoint(1, "check", "2026-02-01T00:00:00Z", "complete", {"ok": 5, "broken": 2}, {}),
        RunPoint(2, "check", "2026-03-01T00:00:00Z", "complete", {"ok": 7}, {}),
    ]
    chart = soup_of(sample, RenderOptions(history=history)).find(id="chart-history")
    assert chart is not None
    assert "run 1 · check · 2026-02-01: ok 5, broken 2" in chart.find("desc").get_text()


def test_a_fix_is_shown_as_copyable_code(sample: ReportJSON) -> None:
    report: Any = copy.deepcopy(sample)
    fix = '{{cite web |url=https://news.example/a |title=<script>x</script> "quoted"}}'
    report["documents"][0]["references"][0]["checks"] = [
        {"name": "fix", "level": "info", "message": fix}
    ]
    soup = soup_of(report)
    code = soup.select_one("#ref-ref-opening .fix pre code")
    assert code is not None and code.get_text() == fix
    button = soup.select_one("#ref-ref-opening .fix button.copy")
    assert button is not None and button["data-copy"] == code["id"]
    assert "<script>x</script>" not in render(report, "html")


def test_html_links_rows_to_datasette_only_when_asked(sample: ReportJSON) -> None:
    assert not soup_of(sample).select("a.datasette")
    options = RenderOptions(datasette_url="http://127.0.0.1:8001", datasette_database="audit")
    soup = soup_of(sample, options)
    claim_link = soup.select_one("#claim-claim-opened a.datasette")
    assert claim_link is not None
    assert claim_link["href"] == (
        "http://127.0.0.1:8001/audit/verdict_results?run_id=42"
        "&document=articles%2Fharbor-bridge.wiki&claim_id=claim-opened"
    )
    ref_link = soup.select_one("#ref-ref-minutes a.datasette")
    assert ref_link is not None and "link_results?run_id=42" in ref_link["href"]


# -- one view per report ----------------------------------------------------------------


@pytest.fixture
def view_builds(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The reports each `build_view` call was given (the real builder still runs)."""
    calls: list[object] = []
    real = view_module.build_view

    def counting(report: Any) -> ReportView:
        calls.append(report)
        return real(report)

    monkeypatch.setattr(view_module, "build_view", counting)
    return calls


def test_writing_every_format_builds_the_view_once(
    sample: ReportJSON, tmp_path: Path, view_builds: list[object]
) -> None:
    bare: Any = {k: v for k, v in sample.items() if k != "summary"}  # JSON needs the view too
    paths = write_reports(bare, ["json", "md", "html", "csv"], tmp_path)
    assert len(paths) == 6
    assert len(view_builds) == 1
    assert json.loads(paths[0].read_text(encoding="utf-8"))["summary"]["references"] == 9


def test_json_alone_with_a_summary_builds_no_view(
    sample: ReportJSON, tmp_path: Path, view_builds: list[object]
) -> None:
    write_reports(sample, ["json"], tmp_path)
    assert view_builds == []


def test_renderers_given_a_built_view_write_what_the_registry_writes(
    sample: ReportJSON,
) -> None:
    view = build_view(sample)
    options = RenderOptions(datasette_url="http://127.0.0.1:8001")
    assert render_markdown(view) == render(sample, "md")
    assert render_html(view, options) == render(sample, "html", options)
    assert render_csv_files(view) == render_files(sample, "csv")
    assert render_json(PreparedReport(sample)) == render_json(sample) == render(sample, "json")
