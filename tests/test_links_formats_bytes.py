"""The fast writers of `citecheck links` formats spell exactly what the slow, obvious
code would: json.dumps of the parsed document, byte for byte, for awkward values."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from citecheck.links.formats import LinksReport, render, write
from citecheck.links.formats.json_format import link_json, write_json
from citecheck.links.formats.report import DEFAULT_FAILING, Tally
from citecheck.links.model import Link, LinkResult, Origin
from citecheck.models import LinkStatus, Redirect

ROOT = Path("/srv/wiki")


def awkward_results() -> tuple[LinkResult, ...]:
    """Every kind of value a link object holds, and strings json must escape."""
    def result(url: str, path: str, line: int | None, column: int | None,
               status: LinkStatus, **fields: object) -> LinkResult:
        link = Link(url=url, origin=Origin(path, line, column), written=url)
        return LinkResult(link, status, **fields)  # type: ignore[arg-type]

    page = f"{ROOT}/pages/café notes.md"
    return (
        result("https://plain.example/", page, 1, 1, LinkStatus.OK, http_status=200,
               final_url="https://plain.example/", elapsed_ms=0.1),
        result("https://tiny.example/", page, 2, 3, LinkStatus.OK, http_status=200,
               elapsed_ms=1e-05),
        result("https://whole.example/", page, 3, 4, LinkStatus.OK, elapsed_ms=12.0),
        result("https://big.example/", page, 5, 6, LinkStatus.OK, elapsed_ms=1e300),
        result("https://none.example/", "-", None, None, LinkStatus.INVALID),
        result("https://hop.example/a", f"{ROOT}/b.md", 9, 2, LinkStatus.REDIRECTED,
               http_status=200, final_url="https://hop.example/c",
               redirects=(Redirect("https://hop.example/a", 301),
                          Redirect("https://hop.example/b?x=\"1\"&y=\\", 308)),
               from_cache=True, elapsed_ms=-0.0),
        result("https://one.example/", f"{ROOT}/b.md", 10, 1, LinkStatus.REDIRECTED,
               redirects=(Redirect("https://one.example/", 302),), elapsed_ms=3.25),
        result('https://quote.example/"q"\\path\\', "https://pages.example/ü", 4, 2,
               LinkStatus.BROKEN, http_status=404,
               error='server said "no"\\ \t tab, \x01 control, \x7f del, \u2028 sep',
               elapsed_ms=7.5),
        result("https://ünïcödé.example/日本/😀", f"{ROOT}/日本.md", 11, 80,
               LinkStatus.SOFT_404, http_status=200, final_url="https://ünïcödé.example/",
               error="soft 404: «introuvable»\nsecond line\r\n", elapsed_ms=99999.999),
        result("https://blocked.example/", page, 12, 1, LinkStatus.BLOCKED, http_status=429,
               error="HTTP 429", elapsed_ms=float("nan"), warning=True),
        result("https://slow.example/", page, 13, 1, LinkStatus.TIMEOUT,
               error="", elapsed_ms=float("inf")),
    )


def written_json(report: LinksReport) -> str:
    out = io.StringIO()
    write_json(report, out)
    return out.getvalue()


def test_json_writer_is_json_dumps_of_its_own_parsed_document() -> None:
    text = written_json(LinksReport(results=awkward_results(), root=ROOT, elapsed_ms=0.1))

    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_json_writer_holds_the_values_of_each_result() -> None:
    report = LinksReport(results=awkward_results(), root=ROOT, elapsed_ms=0.1)
    document = {
        "schema": "citecheck/1",
        "links": [link_json(report, result) for result in report.results],
        "summary": report.summary(),
    }

    assert written_json(report) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    links = json.loads(written_json(report))["links"]
    assert links[0]["origin"] == {"path": "pages/café notes.md", "line": 1, "column": 1}
    assert links[5]["redirects"][1] == {
        "url": "https://hop.example/b?x=\"1\"&y=\\", "http_status": 308
    }
    assert links[4]["origin"] == {"path": "-", "line": None, "column": None}


def test_json_writer_spells_numbers_as_json_does() -> None:
    text = written_json(LinksReport(results=awkward_results(), root=ROOT))

    for spelling in ('"elapsed_ms": 0.1\n', '"elapsed_ms": 1e-05\n', '"elapsed_ms": 12.0\n',
                     '"elapsed_ms": 1e+300\n', '"elapsed_ms": -0.0\n', '"elapsed_ms": NaN\n',
                     '"elapsed_ms": Infinity\n', '"elapsed_ms": null\n'):
        assert spelling in text


class OnePass:
    """Results that can be iterated only once, like a spilled list read back."""

    def __init__(self, results: tuple[LinkResult, ...]) -> None:
        self._results, self.passes = results, 0

    def __iter__(self) -> Iterator[LinkResult]:
        self.passes += 1
        assert self.passes == 1, "results iterated twice"
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)

    def __contains__(self, item: object) -> bool:
        return item in self._results


def test_json_writer_reads_the_results_once() -> None:
    results = awkward_results()
    tally = Tally.of(results, DEFAULT_FAILING)
    once = OnePass(results)

    text = written_json(LinksReport(results=once, root=ROOT, tally=tally))

    assert once.passes == 1
    assert len(json.loads(text)["links"]) == len(results)


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github", "markdown", "human"])
def test_formats_render_awkward_values_without_error(fmt: str) -> None:
    report = LinksReport(results=awkward_results(), root=ROOT, elapsed_ms=0.1)

    assert render(report, fmt).strip()


def test_sarif_is_json_dumps_of_its_own_parsed_log() -> None:
    report = LinksReport(results=awkward_results(), root=ROOT, elapsed_ms=0.1)
    text = render(report, "sarif")

    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    assert len(json.loads(text)["runs"][0]["results"]) == 5  # failing and warning links


def test_indented_dump_matches_json_for_every_kind_of_value() -> None:
    from citecheck.links.formats.json_format import dumps_indented

    value = {
        "scalars": [None, True, False, 0, -7, 2**70, 0.1, 1e-05, 12.0, float("nan"),
                    float("-inf"), LinkStatus.SOFT_404, "\x00\x1f\"\\\u2028é😀"],
        "empty": [{}, [], ()],
        "nested": {"a": {"b": [[{"c": None}]]}},
        1.5: "float key", None: "none key", False: "bool key",
    }
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_json_writer_spells_batches_without_odd_numbers_as_json_does() -> None:
    """Without numbers msgspec spells otherwise (1e-05, 1e+300, NaN, Infinity) a batch
    goes through msgspec: the same text, escapes, unicode and lone surrogates included."""
    plain = tuple(
        result for result in awkward_results()
        if result.elapsed_ms is None or 1e-4 <= abs(result.elapsed_ms) < 1e16
        or result.elapsed_ms == 0.0
    )
    surrogate = LinkResult(
        Link(url="https://odd.example/\ud800", origin=Origin(f"{ROOT}/x.md", 1, 1),
             written="https://odd.example/\ud800"),
        LinkStatus.BROKEN, error="lone \udc80 surrogate", elapsed_ms=2.0,
    )
    for results in (plain, plain * 700, (*plain, surrogate)):  # 700x: several batches
        report = LinksReport(results=results, root=ROOT, elapsed_ms=0.1)
        document = {
            "schema": "citecheck/1",
            "links": [link_json(report, result) for result in report.results],
            "summary": report.summary(),
        }
        expected = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        assert written_json(report) == expected


# junit: written a testcase at a time


class Passes:
    """Results that count how often they are iterated."""

    def __init__(self, results: tuple[LinkResult, ...]) -> None:
        self._results, self.passes = results, 0

    def __iter__(self) -> Iterator[LinkResult]:
        self.passes += 1
        return iter(self._results)

    def __len__(self) -> int:
        return len(self._results)


class CountingWriter(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_junit_is_well_formed_whatever_the_text_holds() -> None:
    """Control characters and a lone surrogate (an undecodable file name) cannot be in
    XML 1.0 at all: they become U+FFFD, and the document parses."""
    undecodable = LinkResult(Link("https://x.example/", Origin(f"{ROOT}/bad\udcff.md", 1, 1)),
                             LinkStatus.BROKEN, error="HTTP 404")
    results = (*awkward_results(), undecodable)
    text = render(LinksReport(results=results, root=ROOT, elapsed_ms=0.1), "junit")

    text.encode("utf-8")  # no surrogate left to fail the file's encoding
    root = ET.fromstring(text)
    messages = [failure.get("message") for failure in root.iter("failure")]
    assert any("\ufffd control" in (message or "") for message in messages)
    assert any(suite.get("name") == "bad\ufffd.md" for suite in root.iter("testsuite"))
    assert root.get("tests") == str(len(list(root.iter("testcase"))))


def test_junit_writer_streams_in_two_passes_over_the_results() -> None:
    one = awkward_results()[0]
    many = (
        LinkResult(Link(f"https://a.example/{i}", Origin(f"{ROOT}/p{i // 500}.md", i, 1)),
                   LinkStatus.BROKEN if i % 7 == 0 else LinkStatus.OK, http_status=200)
        for i in range(3000)
    )
    results = Passes((*many, one))
    out = CountingWriter()

    write(LinksReport(results=results, root=ROOT, elapsed_ms=0.1), "junit", out)

    assert results.passes == 2  # the counts, then the testcases
    assert out.writes > 5  # a piece at a time, not one string of the whole document
    root = ET.fromstring(out.getvalue())
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites][:2] == ["p0.md", "p1.md"]
    assert suites[0].get("tests") == "500" and suites[0].get("failures") == "72"
    assert root.get("tests") == "3001"
    assert out.getvalue() == render(LinksReport(results=results, root=ROOT, elapsed_ms=0.1),
                                    "junit")
