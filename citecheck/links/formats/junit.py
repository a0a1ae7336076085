"""`--format junit`: one testsuite per input file, one testcase per link occurrence.

A failing link is a <failure>; an excluded or unsupported link is <skipped>; a
warning (blocked) passes, with the reason in <system-out>.

Written as it goes, not built as a tree: the testsuites' counts come from a first
pass over the results, the testcases from a second, so a run of 500,000 links
holds one testcase at a time (xml.etree held them all: 120 MiB at 50,000 links).
Text that XML 1.0 cannot carry (control characters, lone surrogates from an
undecodable file name) is written as U+FFFD, so every forge's parser reads the file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TextIO

import msgspec

from citecheck.links.formats.report import LinksReport, archived_note, detail, is_file_origin
from citecheck.links.model import LinkResult
from citecheck.models import LinkStatus

SKIPPED = frozenset({LinkStatus.EXCLUDED, LinkStatus.UNSUPPORTED})
INDENT = "  "

# What must be escaped in an attribute or in text, and what XML 1.0 does not allow
# in a document at all, whatever the escaping (written as U+FFFD). A search finds
# most values (URLs, paths) clean, and they go out as they are.
_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_IN_ATTRIBUTE = re.compile(f'[&<>"\n\r\t{_NOT_XML}]')
_IN_TEXT = re.compile(f"[&<>\r{_NOT_XML}]")
_ESCAPES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
    "\n": "&#10;", "\r": "&#13;", "\t": "&#09;",
}


def _escaped(match: re.Match[str]) -> str:
    return _ESCAPES.get(match.group(), "\ufffd")


def _attribute(value: str) -> str:
    return _IN_ATTRIBUTE.sub(_escaped, value) if _IN_ATTRIBUTE.search(value) else value


def _text(value: str) -> str:
    return _IN_TEXT.sub(_escaped, value) if _IN_TEXT.search(value) else value


def _tag(name: str, attributes: dict[str, str], end: str = ">") -> str:
    spelled = "".join(f' {key}="{_attribute(value)}"' for key, value in attributes.items())
    return f"<{name}{spelled}{end}"


def _seconds(milliseconds: float | None) -> str:
    return f"{(milliseconds or 0.0) / 1000:.3f}"


class _Suite(msgspec.Struct, gc=False):
    """The counts of one run of consecutive results from the same file."""

    name: str
    tests: int = 0
    failures: int = 0
    skipped: int = 0
    milliseconds: float = 0.0

    def attributes(self) -> dict[str, str]:
        return {
            "name": self.name, "tests": str(self.tests), "failures": str(self.failures),
            "skipped": str(self.skipped), "errors": "0", "time": _seconds(self.milliseconds),
        }


def _suites(report: LinksReport) -> tuple[list[_Suite], bool]:
    """One per file, in the order first met; and whether each file's results come
    together (a run collects a file's links at once, so they do: one pass writes
    the testcases; a report put together otherwise takes a pass per file)."""
    suites: dict[str, _Suite] = {}
    current: _Suite | None = None
    together = True
    for result in report.results:
        path = report.display_path(result.link.origin.path)
        if current is None or current.name != path:
            current = suites.get(path)
            if current is None:
                current = suites[path] = _Suite(path)
            else:
                together = False
        current.tests += 1
        current.milliseconds += result.elapsed_ms or 0.0
        if report.is_failure(result):
            current.failures += 1
        elif result.status in SKIPPED:
            current.skipped += 1
    return list(suites.values()), together


def _members(report: LinksReport, suites: list[_Suite], together: bool) -> Iterator[LinkResult]:
    """The results suite by suite, in the order of `suites`."""
    if together:
        yield from report.results
        return
    for suite in suites:
        for result in report.results:
            if report.display_path(result.link.origin.path) == suite.name:
                yield result


def _testcase(report: LinksReport, result: LinkResult, path: str) -> str:
    """One testcase; `path` is the suite's name, already escaped."""
    origin = result.link.origin
    where = f"line {origin.line}" if origin.line is not None else "line ?"
    if origin.column is not None:
        where += f" col {origin.column}"
    case = (
        f'{INDENT * 2}<testcase classname="{path}" name="{_attribute(result.link.url)} ({where})"'
        f' time="{_seconds(result.elapsed_ms)}"'
    )
    if origin.line is not None and is_file_origin(origin.path):
        case += f' file="{path}" line="{origin.line}"'
    inner = INDENT * 3
    status = result.status.value
    if report.is_failure(result):
        note = archived_note(report, result)
        why = f"{detail(result)}; {note}" if note else detail(result)
        body = (
            f'{inner}<failure type="{status}" message="{_attribute(why)}">'
            f"{_text(f'{status}: {result.link.url}')}\n{_text(why)}</failure>\n"
        )
    elif result.status in SKIPPED:
        body = f'{inner}<skipped message="{_attribute(f"{status}: {detail(result)}")}" />\n'
    elif report.is_warning(result):
        note = archived_note(report, result)
        text = f"warning: {status}: {detail(result)}" + (f"; {note}" if note else "")
        body = f"{inner}<system-out>{_text(text)}</system-out>\n"
    else:
        return f"{case} />\n"
    return f"{case}>\n{body}{INDENT * 2}</testcase>\n"


def write_junit(report: LinksReport, out: TextIO) -> None:
    """The JUnit XML of `report`, written to `out` a testcase at a time."""
    suites, together = _suites(report)
    errors = len(report.input_failures)
    root = {
        "name": "citecheck links",
        "tests": str(sum(suite.tests for suite in suites) + errors),
        "failures": str(sum(suite.failures for suite in suites)),
        "skipped": str(sum(suite.skipped for suite in suites)),
        "errors": str(errors),
        "time": _seconds(report.elapsed_ms),
    }
    out.write('<?xml version="1.0" encoding="utf-8"?>\n')
    if not suites and not errors:
        out.write(_tag("testsuites", root, " />") + "\n")
        return
    out.write(_tag("testsuites", root) + "\n")
    pending: list[str] = []  # written a few hundred testcases at a time
    results = _members(report, suites, together)
    for suite in suites:
        pending.append(f"{INDENT}{_tag('testsuite', suite.attributes())}\n")
        path = _attribute(suite.name)
        for _ in range(suite.tests):
            pending.append(_testcase(report, next(results), path))
            if len(pending) >= 500:
                out.write("".join(pending))
                pending.clear()
        pending.append(f"{INDENT}</testsuite>\n")
    for failure in report.input_failures:
        unread = {"name": failure.source, "tests": "1", "failures": "0", "skipped": "0",
                  "errors": "1", "time": "0.000"}
        case = {"classname": failure.source, "name": "read input"}
        error = {"type": "unreadable", "message": failure.message}
        pending.append(
            f"{INDENT}{_tag('testsuite', unread)}\n{INDENT * 2}{_tag('testcase', case)}\n"
            f"{INDENT * 3}{_tag('error', error, ' />')}\n"
            f"{INDENT * 2}</testcase>\n{INDENT}</testsuite>\n"
        )
    pending.append("</testsuites>\n")
    out.write("".join(pending))


def render_junit(report: LinksReport) -> str:
    buffer = io.StringIO()
    write_junit(report, buffer)
    return buffer.getvalue()
