"""Markdown: inline, reference-style and auto links, footnotes, and the claims holding them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from citecheck.documents import read_document
from citecheck.documents.markdown import parse
from citecheck.models import Document, Reference

FIXTURES = Path(__file__).parent / "fixtures" / "documents"


def _link_id(url: str) -> str:
    return "link-" + hashlib.sha1(url.encode()).hexdigest()[:8]


@pytest.fixture(scope="module")
def article() -> Document:
    return read_document(str(FIXTURES / "markdown_article.md"))


def _ref(document: Document, marker: str) -> Reference:
    return next(ref for ref in document.references if ref.marker == marker)


def _claim(document: Document, text: str):
    return next(claim for claim in document.claims if claim.text == text)


def test_title_from_front_matter_and_subject_from_first_h1(article: Document) -> None:
    assert article.kind == "markdown"
    assert article.title == "Fictional Harbour"
    assert article.subject == "Port Example"


def test_footnote_definition_is_read_as_a_citation(article: Document) -> None:
    note = _ref(article, "^1")
    assert note.id == "fn-1"
    assert note.authors == ("Jane Doe",)
    assert note.date == "2020"
    assert note.title == "Harbour history"
    assert note.work == "Example Gazette"
    assert note.access_date == "2024-07-22"
    assert note.line == 16
    assert note.url is None  # kept without a URL


def test_footnote_with_a_link_takes_its_url_and_text(article: Document) -> None:
    note = _ref(article, "^2")
    assert note.url == "https://museum.example/about"
    assert note.title == "Museum page"
    assert note.date == "2019"


def test_reference_style_link_uses_its_label(article: Document) -> None:
    museum = _ref(article, "mus")
    assert museum.id == "link-mus"
    assert museum.url == "https://museum.example/"
    assert museum.title == "Museum of Examples"
    assert museum.line == 15
    assert ("text", "museum") in museum.extra


def test_inline_and_auto_links_get_ids_from_their_url(article: Document) -> None:
    tower = _ref(article, _link_id("https://light.example/tower"))
    assert tower.id == tower.marker
    assert tower.title == "Tower"
    assert tower.line == 6
    auto = _ref(article, _link_id("https://auto.example/"))
    assert auto.url == "https://auto.example/"
    assert auto.line == 7


def test_links_in_code_are_not_references(article: Document) -> None:
    urls = {ref.url for ref in article.references}
    assert "https://code.example/" not in urls
    assert "https://inline-code.example/" not in urls


def test_sentence_holding_several_links_and_a_footnote(article: Document) -> None:
    claim = _claim(article, "It has a lighthouse and a museum, open since 1901.")
    assert claim.markers == (_link_id("https://light.example/tower"), "mus", "^2")
    assert claim.line == 6
    assert _claim(article, "Port Example is a fictional harbour.").markers == ("^1",)


def test_list_items_are_their_own_claims_and_the_same_url_one_reference(
    article: Document,
) -> None:
    lit = _claim(article, "The lighthouse is still lit every night.")
    assert lit.markers == (_link_id("https://light.example/tower"),)
    assert lit.line == 20
    towers = [r for r in article.references if r.url == "https://light.example/tower"]
    assert len(towers) == 1


def test_links_in_tables_are_references_but_not_claims(article: Document) -> None:
    opening = _ref(article, _link_id("https://table.example/"))
    assert opening.line == 24
    assert not any(opening.marker in claim.markers for claim in article.claims)


def test_undefined_footnote_is_reported_and_stands_in(article: Document) -> None:
    assert "footnote [^9] used but never defined" in article.problems
    ghost = _ref(article, "^9")
    assert ghost.id == "fn-9"
    assert _claim(article, "A dangling note.").markers == ("^9",)


def test_every_claim_marker_names_a_reference(article: Document) -> None:
    markers = {ref.marker for ref in article.references}
    for claim in article.claims:
        assert set(claim.markers) <= markers


def test_headings_are_not_claims_and_ids_survive_edits_above() -> None:
    text = (FIXTURES / "markdown_article.md").read_text(encoding="utf-8")
    intro = "# Port Example\n\nA new [intro](https://intro.example/).\n"
    edited = text.replace("# Port Example\n", intro)
    before, after = parse(text, "a.md"), parse(edited, "a.md")
    assert {r.id for r in before.references} < {r.id for r in after.references}
    assert after.claims[0].text == "A new intro."
    assert [c.id for c in before.claims] == [c.id for c in after.claims[1:]]


def test_heading_without_h1_has_no_subject() -> None:
    document = parse("## Notes\n\nA fact.[^a]\n\n[^a]: Source text.\n", "x.md")
    assert document.subject is None
    assert document.references[0].id == "fn-a"
    assert document.claims[0].text == "A fact."


def test_inline_footnote_is_a_reference_read_as_a_citation() -> None:
    document = parse('A fact.^[Doe, Jane (2020). "Harbour notes". Example Work.]\n', "x.md")
    (note,) = document.references
    assert note.marker == "^inline-1" and note.id == "fn-inline-1"
    assert (note.title, note.authors, note.date) == ("Harbour notes", ("Jane Doe",), "2020")
    assert document.claims[0].markers == ("^inline-1",)


def test_labels_that_slugify_alike_get_distinct_ids() -> None:
    text = "One [a][Lab One] and two [b][lab-one].\n\n"
    text += "[Lab One]: https://one.example/\n[lab-one]: https://two.example/\n"
    document = parse(text, "x.md")
    assert [ref.id for ref in document.references] == ["link-lab-one", "link-lab-one-2"]
    assert document.claims[0].markers == ("Lab One", "lab-one")


def test_anchor_and_relative_links_are_not_references() -> None:
    text = "See [the intro](#intro) and [the guide](docs/guide.md), and [a source](https://s.example/).\n"
    document = parse(text, "x.md")
    assert [ref.url for ref in document.references] == ["https://s.example/"]
    (claim,) = document.claims
    assert claim.text == "See the intro and the guide, and a source."
