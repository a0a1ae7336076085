"""Rendered article HTML (classic parser and Parsoid) gives what its wikitext gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from citecheck.documents import detect_kind, parse_text, read_document
from citecheck.documents.html_refs import reference_from_element, template_wikitext
from citecheck.models import Document

WIKI = Path(__file__).parent / "fixtures" / "wiki"
# What both readings must agree on. `kind` differs on purpose: classic HTML of a
# non-English template ({{Internetquelle}}) does not say which template made it.
COMPARED = (
    "id", "marker", "url", "title", "authors", "date", "work", "access_date", "archive_url",
    "archive_date", "identifiers", "extra",
)  # fmt: skip


def _fields(document: Document) -> dict[str, dict[str, object]]:
    return {r.id: {name: getattr(r, name) for name in COMPARED} for r in document.references}


@pytest.fixture(scope="module")
def wikitext() -> Document:
    return read_document(str(WIKI / "tide_mill.wiki"))


@pytest.mark.parametrize("flavour", ["classic", "parsoid"])
def test_html_gives_the_same_references_as_the_wikitext(wikitext: Document, flavour: str):
    html = read_document(str(WIKI / f"tide_mill.{flavour}.html"))
    assert html.kind == "html"
    assert _fields(html) == _fields(wikitext)
    assert [r.id for r in html.references] == [r.id for r in wikitext.references]


@pytest.mark.parametrize("flavour", ["classic", "parsoid"])
def test_html_gives_the_same_claims_as_the_wikitext(wikitext: Document, flavour: str):
    html = read_document(str(WIKI / f"tide_mill.{flavour}.html"))
    assert [(c.id, c.text, c.markers) for c in html.claims] == [
        (c.id, c.text, c.markers) for c in wikitext.claims
    ]
    assert html.subject == wikitext.subject == "Harrowgate Tide Mill"
    assert html.title == "Harrowgate Tide Mill"
    assert html.problems == ()


def test_named_reused_list_defined_sfn_and_foreign_refs_are_all_read():
    html = read_document(str(WIKI / "tide_mill.classic.html"))
    by_id = {r.id: r for r in html.references}
    # reused named ref: one reference, cited by two claims
    assert sum("gazette" in c.markers for c in html.claims) == 2
    assert by_id["ref-gazette"].access_date == "2024-07-22"  # span.reference-accessdate
    assert by_id["ref-gazette"].archive_date == "2023-10-01"
    assert by_id["ref-storm"].url == "https://weather.example/storm-1932"  # list-defined
    holt = by_id["ref-holt-2009"]  # two {{sfn}} pages, one full citation via #CITEREF
    assert holt.title == "Tide Mills of the North Sea"
    assert holt.identifiers == (("isbn", "978-0-306-40615-7"),)
    assert by_id["ref-5"].access_date == "2024-03-02"  # "abgerufen am 2. März 2024"
    assert by_id["ref-guide"].authors == ("Claire Dumont",)


def test_claim_text_skips_the_other_markers_and_ends_at_its_own():
    html = read_document(str(WIKI / "tide_mill.parsoid.html"))
    claim = next(c for c in html.claims if c.markers == ("gazette", "storm"))
    assert claim.text == "The mill ground grain until 1932, when a storm broke its dam."
    assert "[" not in claim.text


def test_html_is_detected_from_content_too():
    text = (WIKI / "tide_mill.parsoid.html").read_text()
    assert detect_kind("-", text) == "html"
    assert detect_kind("-", '<div class="mw-parser-output"><p>x</p></div>') == "html"


def test_a_marker_without_a_note_becomes_a_stand_in_with_a_problem():
    page = (
        '<div class="mw-parser-output"><p>The wheel turned twice a day.'
        '<sup class="reference"><a href="#cite_note-lost-1">[1]</a></sup></p>'
        '<ol class="references"></ol></div>'
    )
    document = parse_text(page, "page.html")
    assert document.claims[0].markers == ("lost",)
    assert document.references[0].id == "ref-lost"
    assert any("cite_note-lost-1" in problem for problem in document.problems)


def test_an_explanatory_note_is_not_a_citation():
    page = (
        '<div class="mw-parser-output"><p>The mill had a bell.'
        '<sup class="reference"><a href="#cite_note-2">[a]</a></sup></p></div>'
    )
    document = parse_text(page, "page.html")
    assert document.claims == ()


def test_a_section_is_skipped_by_its_heading_text_without_the_edit_link():
    # Older skins put "[edit]" inside the heading: "Notes[edit]" is still the Notes section.
    page = (
        '<div class="mw-parser-output"><p>The mill ground oats.'
        '<sup class="reference"><a href="#cite_note-1">[1]</a></sup></p>'
        '<h2><span class="mw-headline">Notes</span><span class="mw-editsection">'
        '<span class="mw-editsection-bracket">[</span><a href="/w/index.php?action=edit">edit</a>'
        '<span class="mw-editsection-bracket">]</span></span></h2>'
        '<p>A note that cites, but is no claim.<sup class="reference"><a href="#cite_note-1">'
        '[1]</a></sup></p><ol class="references"><li id="cite_note-1">'
        '<span class="reference-text">"Oats". <i>Mill Gazette</i>. 2001.</span></li></ol></div>'
    )
    document = parse_text(page, "page.html")
    assert [claim.text for claim in document.claims] == ["The mill ground oats."]


@pytest.mark.parametrize("short", ["sfn", "sfnp", "harvnb", "harvp", "harv", "efn", "r"])
def test_a_short_citation_template_before_the_citation_is_skipped(short: str):
    # <ref>{{harvp|Holt|2009}}; see also {{cite web|...}}</ref> as Parsoid records it:
    # the citation is the {{cite web}}, not the short citation before it.
    def transclusion(tag: str, name: str, params: dict[str, str], text: str) -> str:
        data = {"parts": [{"template": {
            "target": {"wt": name}, "params": {k: {"wt": v} for k, v in params.items()}, "i": 0,
        }}]}  # fmt: skip
        return f"<{tag} typeof=\"mw:Transclusion\" data-mw='{json.dumps(data)}'>{text}</{tag}>"

    note = BeautifulSoup(
        '<span class="mw-reference-text reference-text">'
        + transclusion("span", short.capitalize(), {"1": "Holt", "2": "2009"}, "Holt (2009)")
        + "; see also "
        + transclusion(
            "cite",
            "cite web",
            {"url": "https://mill.example/wheel", "title": "The Wheel"},
            '"The Wheel"',
        )
        + "</span>",
        "html.parser",
    ).span
    assert note is not None
    assert template_wikitext(note) == "{{cite web|url=https://mill.example/wheel|title=The Wheel}}"
    reference = reference_from_element("ref-1", "1", note)
    assert (reference.title, reference.url) == ("The Wheel", "https://mill.example/wheel")
    only_short = BeautifulSoup(transclusion("span", short, {"1": "Holt"}, "Holt"), "html.parser")
    assert only_short.span is not None and template_wikitext(only_short.span) is None
