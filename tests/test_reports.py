"""The report renderers: JSON and Markdown against golden files, HTML parsed and inspected.

Regenerate the golden files after an intended change with
    CITECHECK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_reports.py
and read the diff before keeping it.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from citecheck.errors import UsageError
from citecheck.reports import FORMATS, render, write_reports
from citecheck.reports.html import highlight
from citecheck.reports.markdown import escape, link
from citecheck.reports.view import build_view, safe_href
from citecheck.schema import ReportJSON
from citecheck.store.urls import url_domain

HERE = Path(__file__).parent
SAMPLE = HERE / "fixtures" / "report_sample.json"
GOLDEN = HERE / "golden"
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")

HOSTILE_STRINGS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(3)</script>",
    "<b>Mallory</b>",
    "<i>Weekly</i>",
)


@pytest.fixture
def sample() -> ReportJSON:
    report: ReportJSON = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return report


def normalized(text: str) -> str:
    """Run times and the run id vary between runs; the golden files must not."""
    text = _ISO_TIME.sub("<TIME>", text)
    text = re.sub(r'("id": )\d+(,\n    "command")', r"\1<RUN-ID>\2", text)
    return re.sub(r"\bRun \d+", "Run <RUN-ID>", text)


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CITECHECK_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def soup_of(report: Any) -> BeautifulSoup:
    return BeautifulSoup(render(report, "html"), "lxml")


def by_id(soup: BeautifulSoup, element_id: str) -> Tag:
    found = soup.find(id=element_id)
    assert isinstance(found, Tag), f"no element with id {element_id!r}"
    return found


def one(tag: Tag, selector: str) -> Tag:
    found = tag.select_one(selector)
    assert found is not None, f"nothing matches {selector!r}"
    return found


def attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    return value if isinstance(value, str) else " ".join(value or ())


# -- registry -----------------------------------------------------------------------


def test_formats_registry_lists_json_markdown_and_html() -> None:
    assert {"json", "md", "html"} <= set(FORMATS)


def test_unknown_format_is_a_usage_error_naming_the_known_ones(sample: ReportJSON) -> None:
    with pytest.raises(UsageError) as caught:
        render(sample, "pdf")
    message = str(caught.value)
    assert "'pdf'" in message
    assert all(fmt in message for fmt in ("json", "md", "html"))
    assert "\n" not in message


def test_write_reports_creates_the_directory_and_one_file_per_format(
    sample: ReportJSON, tmp_path: Path
) -> None:
    out = tmp_path / "nested" / "out"
    paths = write_reports(sample, ["json", "md", "html", "md"], out, stem="audit")
    assert paths == [out / "audit.json", out / "audit.md", out / "audit.html"]
    assert json.loads(paths[0].read_text(encoding="utf-8"))["schema"] == "citecheck/1"
    assert paths[1].read_text(encoding="utf-8").startswith("# citecheck report")
    assert paths[2].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_write_reports_checks_every_format_before_writing_any(
    sample: ReportJSON, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match="sarif-typo"):
        write_reports(sample, ["json", "sarif-typo"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_write_reports_into_a_file_path_is_a_usage_error(
    sample: ReportJSON, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot create report directory"):
        write_reports(sample, ["json"], blocker)


# -- JSON ---------------------------------------------------------------------------


def test_json_matches_golden(sample: ReportJSON) -> None:
    assert_golden("report_sample.json", normalized(render(sample, "json")))


def test_json_is_the_same_dict_with_schema_first_and_non_ascii_kept(
    sample: ReportJSON,
) -> None:
    text = render(sample, "json")
    assert json.loads(text) == sample
    assert text.startswith('{\n  "schema": "citecheck/1",\n')
    assert "Zoë Müller" in text


def test_json_key_order_does_not_depend_on_input_order(sample: ReportJSON) -> None:
    def reversed_keys(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: reversed_keys(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reversed_keys(v) for v in value]
        return value

    assert render(reversed_keys(sample), "json") == render(sample, "json")


def test_json_fills_in_schema_and_summary_when_missing(sample: ReportJSON) -> None:
    bare: ReportJSON = {"documents": sample["documents"]}
    out = json.loads(render(bare, "json"))
    assert list(out)[:2] == ["schema", "summary"]
    assert out["summary"] == sample["summary"]


# -- the shared view ----------------------------------------------------------------


def test_summary_is_computed_from_the_documents_when_the_report_has_none(
    sample: ReportJSON,
) -> None:
    given = sample.pop("summary")
    assert build_view(sample).summary == given


def test_computed_summary_agrees_with_the_store(sample: ReportJSON) -> None:
    """The renderers fill in a missing summary; it must count as the store does."""
    report_builder = pytest.importorskip("citecheck.store.report_builder")
    given = sample.pop("summary")
    assert report_builder.summarize(sample["documents"]) == given
    assert build_view(sample).summary == given


def test_problems_list_dead_links_then_unsupported_claims_then_warnings(
    sample: ReportJSON,
) -> None:
    problems = build_view(sample).problems
    categories = [p.category for p in problems]
    assert categories == sorted(
        categories, key=["dead_link", "not_supported", "warning", "document"].index
    )
    dead = [p.reference.id for p in problems if p.category == "dead_link" and p.reference]
    # The timed-out link has an archive copy, so it stands in and is not a problem.
    assert dead == ["ref-minutes", "ref-history"]
    warnings = [p.check.name for p in problems if p.category == "warning" and p.check]
    assert warnings[:2] == ["anachronism", "anachronism"]
    assert "no_identifier" not in warnings  # info-level checks are not problems


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<b>x</b>",
        "//no-scheme.example/page",
        "http:///no-host",
        "https://spaced host.example/",
        "",
        None,
    ],
)
def test_safe_href_refuses_anything_but_http_and_https_with_a_host(url: str | None) -> None:
    assert safe_href(url) is None


def test_safe_href_keeps_http_and_https() -> None:
    assert safe_href("https://ok.example/a?b=1#c") == "https://ok.example/a?b=1#c"
    assert safe_href("HTTP://ok.example") == "HTTP://ok.example"


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.News.example:8080/a", "news.example"),
        ("https://a\x7fb.example/", None),  # a control character in the host
        ("https://a\u00a0b.example/", None),  # a space in the host
        ("mailto:someone@mail.example", None),
        (None, None),
    ],
)
def test_the_report_shows_the_domain_the_store_files(url: str | None, domain: str | None) -> None:
    view = build_view({"documents": [{"source": "a.md", "references": [{"id": "1", "url": url}]}]})
    assert view.references[0].domain == url_domain(url) == domain


# -- Markdown -----------------------------------------------------------------------


def test_markdown_matches_golden(sample: ReportJSON) -> None:
    assert_golden("report_sample.md", normalized(render(sample, "md")))


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a | b", r"a \| b"),
        ("`code`", r"\`code\`"),
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("AT&T", "AT&amp;T"),
        ("# not a heading", r"\# not a heading"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("[x](javascript:y)", r"\[x\](javascript:y)"),
        ("two\nlines", "two lines"),
        ("*stars* and _under_", r"\*stars\* and \_under\_"),
    ],
)
def test_markdown_escape_makes_document_text_inert(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_markdown_link_only_links_http_urls() -> None:
    assert link("x", "javascript:alert(1)") == "x"
    assert link("t", "https://a.example/p(1)|x`") == "[t](https://a.example/p%281%29%7Cx%60)"
    assert link("t", "https://a.example/with space") == "t"  # not a URL a browser would get


def test_markdown_puts_the_headline_first_and_problems_before_details(
    sample: ReportJSON,
) -> None:
    text = render(sample, "md")
    lines = text.splitlines()
    assert lines[2].startswith("**❌ 3 problems: 2 dead links")
    assert text.index("## Problems") < text.index("## Details")
    assert text.index("Dead links without") < text.index("Claims not supported")
    assert text.index("Claims not supported") < text.index("### Warnings")


def test_markdown_tables_keep_their_shape_despite_hostile_text(sample: ReportJSON) -> None:
    text = render(sample, "md")
    unescaped_pipe = re.compile(r"(?<!\\)\|")
    for table in re.findall(r"(?:^\|.*\|$\n?)+", text, flags=re.MULTILINE):
        widths = {len(unescaped_pipe.findall(row)) for row in table.splitlines()}
        assert len(widths) == 1, table


def test_markdown_carries_no_raw_html_or_script_urls_from_documents(
    sample: ReportJSON,
) -> None:
    text = render(sample, "md")
    for hostile in HOSTILE_STRINGS:
        assert hostile not in text
    assert "](javascript" not in text
    # The only tags are the renderer's own folding blocks.
    assert set(re.findall(r"<(/?\w+)", text)) == {"details", "/details", "summary", "/summary"}


# -- HTML ---------------------------------------------------------------------------


def test_html_loads_nothing_from_outside(sample: ReportJSON) -> None:
    soup = soup_of(sample)
    assert not soup.find_all(src=True)
    assert not soup.find_all("link")
    for tag in soup.find_all(["script", "style", "img", "iframe", "object", "embed"]):
        assert not tag.get("src") and not tag.get("href")
    styles = " ".join(s.get_text() for s in soup.find_all("style"))
    assert "@import" not in styles and "url(" not in styles
    assert "@media print" in styles


def test_html_hostile_strings_appear_only_as_text(sample: ReportJSON) -> None:
    html = render(sample, "html")
    soup = BeautifulSoup(html, "lxml")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and "alert" not in scripts[0].get_text()
    assert not soup.find_all(["img", "b", "i"])
    assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    page_text = soup.get_text()
    for hostile in HOSTILE_STRINGS:
        assert hostile not in html
        assert hostile in page_text


def test_html_links_only_to_http_urls_and_its_own_anchors(sample: ReportJSON) -> None:
    soup = soup_of(sample)
    hrefs = [attr(a, "href") for a in soup.find_all(href=True)]
    assert hrefs
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs), hrefs
    ids = {attr(t, "id") for t in soup.find_all(id=True)}
    assert all(h[1:] in ids for h in hrefs if h.startswith("#"))
    assert "not linked: javascript:alert(1)" in soup.get_text(" ")


def test_html_shows_every_claim_and_every_reference(sample: ReportJSON) -> None:
    soup = soup_of(sample)
    cards = soup.select("article.claim")
    rows = soup.select("#references tbody tr")
    claims = [c for d in sample["documents"] for c in d["claims"]]
    refs = [r for d in sample["documents"] for r in d["references"]]
    assert len(cards) == len(claims) and len(rows) == len(refs)
    for claim, card in zip(claims, cards, strict=True):
        assert claim["text"] in one(card, "h3").get_text()
    for ref, row in zip(refs, rows, strict=True):
        assert one(row, "th").get_text() == ref["marker"]
        assert str(ref["title"]) in row.get_text()


def test_html_filters_are_labelled_and_cover_every_value_present(sample: ReportJSON) -> None:
    soup = soup_of(sample)
    selects = soup.select("#filters select")
    assert len(selects) == 3
    for select in selects:
        assert soup.find("label", attrs={"for": select["id"]})
    options = {s["name"]: {o["value"] for o in s.find_all("option")} for s in selects}
    assert {"broken", "soft_404", "pending", "unsupported"} <= options["links"]
    assert {"supported", "not_supported", "partially_supported"} <= options["verdicts"]
    assert {"news.example", "data.example"} <= options["domains"]
    card = by_id(soup, "claim-claim-cost")
    assert attr(card, "data-verdicts").split() == ["not_supported", "unverifiable"]
    assert attr(card, "data-links").split() == ["broken", "redirected"]


# A stand-in for the browser DOM, just enough for the filter script: the real
# browser test comes with the headless-Chromium suite.
_FAKE_DOM = """
const items = JSON.parse(process.argv[1]).map(function (attrs) {
  return { hidden: false, getAttribute: function (name) { return attrs[name] || null; } };
});
const form = { hidden: true, elements: {}, handlers: {},
  addEventListener: function (kind, fn) { this.handlers[kind] = fn; } };
["links", "verdicts", "domains"].forEach(function (k) { form.elements[k] = { value: "" }; });
const count = { textContent: "" };
global.window = { setTimeout: function (fn) { fn(); } };
global.document = {
  getElementById: function (id) { return id === "filters" ? form : count; },
  querySelectorAll: function (selector) { return selector === "[data-filter-item]" ? items : []; },
};
eval(process.argv[2]);
const wanted = JSON.parse(process.argv[3]);
Object.keys(wanted).forEach(function (k) { form.elements[k].value = wanted[k]; });
form.handlers.change();
console.log(JSON.stringify({ form_hidden: form.hidden, shown: items.map(function (i) {
  return !i.hidden; }), count: count.textContent }));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the filter script")
@pytest.mark.parametrize(
    ("wanted", "shown_claims", "shown_refs"),
    [
        ({}, 7, 9),
        ({"links": "broken"}, 1, 1),
        ({"verdicts": "unverifiable"}, 3, 3),
        ({"verdicts": "unverifiable", "links": "soft_404"}, 1, 1),
        ({"domains": "data.example"}, 1, 1),
    ],
)
def test_html_filter_script_hides_what_does_not_match(
    sample: ReportJSON, wanted: dict[str, str], shown_claims: int, shown_refs: int
) -> None:
    soup = soup_of(sample)
    script = one(soup, "script").get_text()
    elements = soup.select("[data-filter-item]")
    attrs = [{k: attr(e, k) for k in e.attrs if k.startswith("data-")} for e in elements]
    result = subprocess.run(
        ["node", "-e", _FAKE_DOM, json.dumps(attrs), script, json.dumps(wanted)],
        capture_output=True,
        text=True,
        check=True,
    )
    outcome = json.loads(result.stdout)
    assert outcome["form_hidden"] is False  # the form only appears when the script runs
    kinds = [attr(e, "data-filter-item") for e in elements]
    shown = [kind for kind, visible in zip(kinds, outcome["shown"], strict=True) if visible]
    assert shown.count("claim") == shown_claims
    assert shown.count("reference") == shown_refs
    assert f"Showing {shown_claims} of 7 claims and {shown_refs} of 9 references" in (
        outcome["count"]
    )


def test_html_ids_are_unique_even_when_documents_reuse_reference_ids(
    sample: ReportJSON,
) -> None:
    soup = soup_of(sample)
    ids = [attr(t, "id") for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    # Both documents have a reference "ref-opening"; each claim links to its own.
    ferry = by_id(soup, "claim-claim-ferry")
    assert [attr(a, "href") for a in ferry.select(".source a")] == ["#ref-ref-opening-2"]
    assert one(by_id(soup, "ref-ref-opening-2"), "th").get_text() == "1"


def test_html_tables_have_header_scopes_and_the_page_has_landmarks(
    sample: ReportJSON,
) -> None:
    soup = soup_of(sample)
    assert attr(one(soup, "html"), "lang") == "en"
    assert soup.header and soup.main and soup.h1
    assert all(th.get("scope") in ("col", "row") for th in soup.find_all("th"))


def test_html_highlights_the_claims_words_in_the_evidence(sample: ReportJSON) -> None:
    card = by_id(soup_of(sample), "claim-claim-opened")
    marked = [m.get_text() for m in card.find_all("mark")]
    assert {"bridge", "opened", "traffic", "August", "2019"} <= set(marked)
    assert "Saturday" not in marked


def test_highlight_keeps_every_character_of_the_evidence() -> None:
    evidence = "Tolls, charged <daily>, until 2020!"
    segments = highlight(evidence, "Tolls were charged until 2020.")
    assert "".join(s.text for s in segments) == evidence
    assert [s.text for s in segments if s.marked] == ["Tolls", "charged", "until", "2020"]


# -- partial reports ----------------------------------------------------------------


def _partial_report() -> Any:
    """What a run killed half-way (or an older version) may leave: keys missing or odd."""
    return {
        "run": {"id": 7, "status": "interrupted"},
        "documents": [
            {
                "source": "half-done.txt",
                "references": [
                    {"id": "r1", "marker": "1", "url": "https://slow.example/"},
                    {"marker": "2", "link": {"status": "brand_new_status"}, "authors": None},
                ],
                "claims": [
                    {"id": "c1", "text": "Half checked.", "markers": ["1"]},
                    {"text": "Odd verdict.", "verdicts": [{"reference": "missing", "score": "x"}]},
                ],
            },
            "not a document",
        ],
    }


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
@pytest.mark.parametrize("report", [{}, {"documents": []}, _partial_report()])
def test_reports_missing_optional_keys_still_render(fmt: str, report: Any) -> None:
    text = render(copy.deepcopy(report), fmt)
    assert text.strip()


def test_a_partial_report_says_it_is_incomplete_and_shows_what_is_pending() -> None:
    report = _partial_report()
    md = render(report, "md")
    assert "(incomplete run: interrupted)" in md.splitlines()[2]
    assert "| pending |" in md and "brand new status" in md
    soup = soup_of(report)
    assert soup.find(id="claim-c1") is not None
    assert "Not verified yet." in soup.get_text()
    summary = build_view(report).summary
    assert summary["links"] == {"brand_new_status": 1}
    assert summary["pending"] == 1


def _clean_report(checks: list[dict[str, str]]) -> Any:
    return {
        "documents": [
            {
                "source": "clean.md",
                "references": [
                    {
                        "id": "r1",
                        "marker": "1",
                        "url": "https://fine.example/",
                        "link": {"status": "ok", "http_status": 200},
                        "checks": checks,
                    }
                ],
                "claims": [
                    {
                        "id": "c1",
                        "text": "Fine.",
                        "markers": ["1"],
                        "verdicts": [{"reference": "r1", "verdict": "supported", "score": 0.9}],
                    }
                ],
            }
        ]
    }


def test_a_clean_report_says_so_in_its_headline() -> None:
    report = _clean_report([])
    md = render(report, "md")
    assert md.splitlines()[2] == "**✅ No problems: 1 reference, 1 claim checked**"
    assert "None found." in md
    assert attr(one(soup_of(report), ".headline"), "class") == "headline ok"


def test_warnings_alone_make_the_headline_a_warning_not_a_failure() -> None:
    report = _clean_report([{"name": "anachronism", "level": "warning", "message": "late"}])
    assert render(report, "md").splitlines()[2].startswith("**⚠️ No problems")
    assert attr(one(soup_of(report), ".headline"), "class") == "headline warn"
