"""`--format junit`: one testsuite per input file, one testcase per link occurrence.

A failing link is a <failure>; an excluded or unsupported link is <skipped>; a
warning (blocked) passes, with the reason in <system-out>.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from citecheck.links.formats.report import LinksReport, detail, is_file_origin
from citecheck.links.model import LinkResult
from citecheck.models import LinkStatus

SKIPPED = frozenset({LinkStatus.EXCLUDED, LinkStatus.UNSUPPORTED})


def _seconds(milliseconds: float | None) -> str:
    return f"{(milliseconds or 0.0) / 1000:.3f}"


def _testcase(report: LinksReport, result: LinkResult, path: str) -> ET.Element:
    origin = result.link.origin
    where = f"line {origin.line}" if origin.line is not None else "line ?"
    if origin.column is not None:
        where += f" col {origin.column}"
    case = ET.Element(
        "testcase",
        {"classname": path, "name": f"{result.link.url} ({where})",
         "time": _seconds(result.elapsed_ms)},
    )
    if origin.line is not None and is_file_origin(origin.path):
        case.set("file", path)
        case.set("line", str(origin.line))
    if report.is_failure(result):
        failure = ET.SubElement(
            case, "failure", {"type": result.status.value, "message": detail(result)}
        )
        failure.text = f"{result.status.value}: {result.link.url}\n{detail(result)}"
    elif result.status in SKIPPED:
        ET.SubElement(case, "skipped", {"message": f"{result.status.value}: {detail(result)}"})
    elif report.is_warning(result):
        out = ET.SubElement(case, "system-out")
        out.text = f"warning: {result.status.value}: {detail(result)}"
    return case


def render_junit(report: LinksReport) -> str:
    by_path: dict[str, list[LinkResult]] = defaultdict(list)
    for result in report.results:
        by_path[report.display_path(result.link.origin.path)].append(result)
    root = ET.Element("testsuites", {"name": "citecheck links"})
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for path, results in by_path.items():
        cases = [_testcase(report, result, path) for result in results]
        counts = {
            "tests": len(results),
            "failures": sum(1 for result in results if report.is_failure(result)),
            "skipped": sum(
                1 for r in results if r.status in SKIPPED and not report.is_failure(r)
            ),
        }
        suite = ET.SubElement(root, "testsuite", {"name": path})
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
        suite.set("time", _seconds(sum(r.elapsed_ms or 0.0 for r in results)))
        suite.extend(cases)
    for failure in report.input_failures:
        suite = ET.SubElement(
            root, "testsuite",
            {"name": failure.source, "tests": "1", "failures": "0", "errors": "1",
             "skipped": "0", "time": "0.000"},
        )
        case = ET.SubElement(suite, "testcase", {"classname": failure.source, "name": "read input"})
        ET.SubElement(case, "error", {"type": "unreadable", "message": failure.message})
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", str(len(report.input_failures)))
    root.set("time", _seconds(report.elapsed_ms))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
