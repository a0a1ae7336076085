"""Wikitext: <ref> tags, named and list-defined refs, cite templates, claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.documents import read_document
from citecheck.documents.wikitext import parse
from citecheck.models import Document, Reference

FIXTURES = Path(__file__).parent / "fixtures" / "documents"


@pytest.fixture(scope="module")
def article() -> Document:
    return read_document(str(FIXTURES / "wikitext_article.wiki"))


def _ref(document: Document, ref_id: str) -> Reference:
    return next(ref for ref in document.references if ref.id == ref_id)


def test_ids_named_by_slug_unnamed_by_order_of_first_appearance(article: Document) -> None:
    assert article.kind == "wikitext"
    assert [(ref.id, ref.marker) for ref in article.references] == [
        ("ref-gazette", "gazette"),
        ("ref-sky", "sky"),
        ("ref-3", "3"),
        ("ref-journal", "journal"),
        ("ref-5", "5"),
        ("ref-memoir", "memoir"),
        ("ref-7", "7"),  # the infobox's ref: no claim, but never dropped
        ("ref-ghost", "ghost"),
    ]


def test_cite_news_parameters(article: Document) -> None:
    ref = _ref(article, "ref-gazette")
    assert ref.url == "https://gazette.example/keeper"
    assert ref.title == "The keeper who counted comets"
    assert ref.authors == ("Cecily Brightwater",)
    assert ref.date == "2023-09-30"
    assert ref.work == "Exampleport Gazette"
    assert ref.access_date == "2024-07-22"
    assert ref.archive_url == "https://web.archive.org/web/20231001000000/https://gazette.example/keeper"
    assert ref.archive_date == "2023-10-01"
    assert ref.url_status == "live"
    assert ref.quote == "She counted every comet."
    assert ref.kind == "news"
    assert ref.line == 7
    assert ref.raw.startswith('<ref name="gazette">{{cite news')


def test_list_defined_refs_in_reflist_are_resolved(article: Document) -> None:
    sky = _ref(article, "ref-sky")
    assert sky.work == "Example Sky"
    assert sky.date == "2011-05"
    assert sky.access_date == "2024-07-22"  # old "accessdate" spelling
    assert sky.authors == ("Example Sky Staff",)
    assert sky.line == 21
    journal = _ref(article, "ref-journal")
    assert journal.identifiers == (("doi", "10.0000/jea.2021.1"),)
    assert journal.work == "Journal of Example Astronomy"
    assert ("volume", "7") in journal.extra


def test_cite_book_with_numbered_authors_and_isbn(article: Document) -> None:
    book = _ref(article, "ref-memoir")
    assert book.authors == ("Marta Quillfeather", "Orin Vale")
    assert book.date == "2015"
    assert book.publisher == "Harbour Example Press"
    assert book.identifiers == (("isbn", "978-0-00-000000-2"),)
    assert book.url is None  # kept without a URL


def test_bracketed_and_bare_url_refs(article: Document) -> None:
    bracketed = _ref(article, "ref-3")
    assert bracketed.url == "https://news.example/inland"
    assert bracketed.title == "Keeper moves inland"
    assert bracketed.work == "Example News"
    assert bracketed.date == "2004"
    assert _ref(article, "ref-5").url == "https://comets.example/eleven"


def test_claims_carry_the_refs_where_they_stand(article: Document) -> None:
    by_text = {claim.text: claim for claim in article.claims}
    first = by_text[
        "Marta Quillfeather (born 1968) is a fictional lighthouse keeper and amateur astronomer."
    ]
    assert first.markers == ("gazette",)
    assert first.line == 7
    second = by_text["She kept the Northpoint light for thirty years, and moved inland in 2004."]
    assert second.markers == ("sky", "3")  # a named reuse mid-sentence, then a new ref
    third = by_text["Between 1990 and 2003 she reported eleven comets."]
    assert third.markers == ("gazette", "journal", "5")
    assert third.line == 10
    assert by_text["Dr. Who lent her a 3 in telescope."].markers == ("memoir",)


def test_markup_is_stripped_and_tables_headings_comments_left_out(article: Document) -> None:
    texts = " ".join(claim.text for claim in article.claims)
    for leftover in ("[[", "''", "{{", "<ref", "Comets", "Career", "not text", "Infobox"):
        assert leftover not in texts


def test_undefined_named_ref_is_a_problem_and_a_stand_in(article: Document) -> None:
    assert "ref name=ghost used but never defined" in article.problems
    ghost = _ref(article, "ref-ghost")
    assert ghost.url is None and ghost.raw == ""
    (claim,) = [c for c in article.claims if "ghost" in c.markers]
    assert claim.text == "Her logbooks went to the Exampleport Museum."


def test_every_claim_marker_names_a_reference(article: Document) -> None:
    markers = {ref.marker for ref in article.references}
    for claim in article.claims:
        assert set(claim.markers) <= markers


def test_subject_is_the_first_bold_name(article: Document) -> None:
    assert article.subject == "Marta Quillfeather"


def test_reference_ids_survive_unrelated_edits_above() -> None:
    text = (FIXTURES / "wikitext_article.wiki").read_text(encoding="utf-8")
    edited = text.replace("== Career ==", "== Career ==\nShe liked tea.\n")
    before, after = parse(text, "a"), parse(edited, "a")
    assert [r.id for r in before.references] == [r.id for r in after.references]


def test_context_runs_back_to_the_previous_ref() -> None:
    document = parse(
        "The harbour is old. It was rebuilt in 1901.<ref>A</ref> It has a pier. "
        "The pier is long.<ref>B</ref>\n",
        "x",
    )
    first, second = document.claims
    assert first.text == "It was rebuilt in 1901."
    assert first.context == "The harbour is old. It was rebuilt in 1901."
    assert second.text == "The pier is long."
    assert second.context == "It has a pier. The pier is long."


def test_unclosed_ref_does_not_raise_and_is_reported() -> None:
    document = parse(
        "The tower is white.<ref>{{cite web |url=https://tower.example/ |title=Tower\n\n"
        "The pier is long.<ref>https://pier.example/</ref>\n",
        "x",
    )
    assert any("unclosed <ref> on line 1" in problem for problem in document.problems)
    assert [ref.url for ref in document.references] == [
        "https://tower.example/",
        "https://pier.example/",
    ]
    assert [claim.text for claim in document.claims] == ["The tower is white.", "The pier is long."]


def test_unbalanced_braces_do_not_raise_and_are_reported() -> None:
    document = parse("The tower is white.<ref>Tower book.</ref> {{Infobox broken\n| a = b\n", "x")
    assert any("unbalanced template braces" in problem for problem in document.problems)
    assert [claim.text for claim in document.claims] == ["The tower is white."]


def test_r_template_and_webarchive_and_foreign_template() -> None:
    text = (
        'Fact one is stated.<ref name="a">{{Internetquelle |url=https://de.example/ |titel=Titel '
        "|datum=2019-08-21 |abruf=2024-07-22}}</ref> Fact two is stated.{{r|a}}\n\n"
        "Fact three.<ref>[https://old.example/ Old page] {{webarchive |url=https://web.archive.org/"
        "web/2019/https://old.example/ |date=21 August 2019}}</ref>\n"
    )
    document = parse(text, "x")
    german, archived = document.references
    assert (german.title, german.date, german.access_date) == ("Titel", "2019-08-21", "2024-07-22")
    assert [claim.markers for claim in document.claims] == [("a",), ("a",), ("2",)]
    assert archived.archive_url == "https://web.archive.org/web/2019/https://old.example/"
    assert archived.archive_date == "2019-08-21"


def test_page_without_refs_has_no_claims_and_no_problems() -> None:
    document = parse("'''Exampleville''' is a town.\n\n== History ==\nIt is old.\n", "x")
    assert document.claims == () and document.references == () and document.problems == ()
    assert document.subject == "Exampleville"


def test_short_citations_resolve_to_the_full_citation_in_sources() -> None:
    text = (
        "The pier is long.{{sfn|Roe|2001|p=12}} It is white.{{sfn|Roe|2001|p=14}} "
        "It is old.{{sfnp|Doe|Poe|1999}} It is red.{{sfn|Nobody|2000}}\n\n"
        "== Sources ==\n"
        "* {{cite book |last=Roe |first=Rita |year=2001 |title=Pier history}}\n"
        "* {{cite journal |last1=Doe |last2=Poe |date=March 1999 |title=Piers}}\n"
    )
    document = parse(text, "x")
    roe, doe, nobody = document.references
    assert (roe.id, roe.marker, roe.title) == ("ref-roe-2001", "Roe 2001", "Pier history")
    assert roe.line == 4
    assert ("pages", "12") in roe.extra
    assert (doe.marker, doe.date) == ("Doe Poe 1999", "1999-03")
    assert ("undefined", "true") in nobody.extra
    assert "short citation 'Nobody 2000' has no matching full citation" in document.problems
    assert [c.markers for c in document.claims] == [
        ("Roe 2001",), ("Roe 2001",), ("Doe Poe 1999",), ("Nobody 2000",)
    ]
