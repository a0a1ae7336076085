"""Identifiers: DOI URLs, ISBN validity, arXiv/PubMed URLs, Crossref comparison,
and citations with no URL matched to the sources at hand."""

from __future__ import annotations

import pytest
from fake_crossref import serve_crossref, work

from citecheck.identifiers import (
    CrossrefClient,
    crossref_checks,
    doi_url,
    identifier_checks,
    match_unlinked,
    no_url_hint,
    normalize_doi,
    reference_check_url,
)
from citecheck.models import Reference, SourceText

DOI = "10.5555/jea.2021.1"
CITED = Reference(
    id="ref-mole", marker="mole", title="Comets from a lighthouse",
    authors=("Tobias Mole", "Anna Brückner"), date="2021-01-12", identifiers=(("doi", DOI),),
)  # fmt: skip
WORKS = {DOI: work(DOI, "Comets from a Lighthouse", ["Mole", "Bruckner"], 2021)}


@pytest.mark.parametrize(
    "written",
    [DOI, f"doi:{DOI}", f"https://doi.org/{DOI}", "https://dx.doi.org/10.5555%2Fjea.2021.1"],
)
def test_dois_are_read_however_written(written: str):
    assert normalize_doi(written) == DOI


def test_doi_url_escapes_what_would_break_a_url():
    assert doi_url(DOI) == "https://doi.org/10.5555/jea.2021.1"
    assert doi_url("10.5555/a#b?c") == "https://doi.org/10.5555/a%23b%3Fc"
    assert normalize_doi("not a doi") is None


def test_check_url_prefers_the_citations_url_then_doi_then_arxiv_then_pubmed():
    assert reference_check_url(Reference(id="a", marker="a", url="https://x.example/")) == (
        "https://x.example/"
    )
    assert reference_check_url(CITED) == f"https://doi.org/{DOI}"
    arxiv = Reference(id="b", marker="b", identifiers=(("arxiv", "arXiv:2001.01234v2"),))
    assert reference_check_url(arxiv) == "https://arxiv.org/abs/2001.01234v2"
    pubmed = Reference(id="c", marker="c", identifiers=(("pmid", "31415926"),))
    assert reference_check_url(pubmed) == "https://pubmed.ncbi.nlm.nih.gov/31415926/"
    book = Reference(id="d", marker="d", identifiers=(("isbn", "978-0-306-40615-7"),))
    assert reference_check_url(book) is None


@pytest.mark.parametrize(
    ("isbn", "valid"),
    [("978-0-306-40615-7", True), ("0-306-40615-2", True), ("978-0-306-40615-8", False),
     ("12345", False)],
)
def test_isbns_are_validated(isbn: str, valid: bool):
    reference = Reference(id="r", marker="r", identifiers=(("isbn", isbn),))
    names = [check.name for check in identifier_checks(reference)]
    assert names == ([] if valid else ["isbn_invalid"])


def test_a_matching_crossref_record_gives_no_checks_and_uses_mailto():
    with serve_crossref(WORKS) as base:
        client = CrossrefClient(base_url=base, mailto="tests@example.org")
        assert crossref_checks(CITED, client) == ()
        assert crossref_checks(CITED, client) == ()  # asked once, then remembered
        assert base.hits(f"/works/{DOI.replace('/', '%2F')}") == 1
        assert "mailto:tests@example.org" in base.requests[0].headers["User-Agent"]


def test_title_author_and_year_mismatches_are_reported():
    wrong = work(DOI, "Tidal rhythms of estuary mills", ["Holt"], 2017)
    with serve_crossref({DOI: wrong}) as base:
        checks = crossref_checks(CITED, CrossrefClient(base_url=base))
    assert [check.name for check in checks] == [
        "doi_title_mismatch", "doi_author_mismatch", "doi_year_mismatch",
    ]
    assert "2017" in checks[2].message and "2021" in checks[2].message


def test_unknown_doi_is_not_found_but_an_outage_is_only_unverified():
    with serve_crossref({}, failing=(DOI,)) as base:
        client = CrossrefClient(base_url=base)
        assert [c.name for c in crossref_checks(CITED, client)] == ["doi_unverified"]
        other = Reference(id="x", marker="x", identifiers=(("doi", "10.5555/none"),))
        assert [c.name for c in crossref_checks(other, client)] == ["doi_not_found"]


def _source(title: str | None, text: str, site: str | None = None, date: str | None = None):
    return SourceText(
        url=None, text=text, sentences=(text,), title=title, site_name=site, date=date
    )


def test_a_citation_without_url_is_matched_by_title_work_and_date():
    cited = Reference(
        id="ref-3", marker="3", title="The great storm of 1932", work="Example Weather Archive",
        date="1932-11-02",
    )  # fmt: skip
    candidates = [
        ("file:other.html", _source("Harbour dues in 1932", "Dues rose.", "Example Weather")),
        ("file:storm.html", _source("The Great Storm of 1932 | Example Weather Archive",
                                    "The storm broke the dam.", "Example Weather Archive",
                                    "1932-11-02")),
    ]  # fmt: skip
    found = match_unlinked(cited, candidates)
    assert found is not None and found[0] == "file:storm.html" and found[1] >= 0.75
    assert match_unlinked(cited, candidates[:1]) is None


def test_a_source_without_a_title_is_matched_by_the_title_near_its_top():
    cited = Reference(id="r", marker="r", title="Harrowgate family papers")
    page = _source(None, "Harrowgate Family Papers\nA catalogue of the family's letters.")
    assert match_unlinked(cited, [("warc:papers", page)]) is not None


def test_no_url_hint_says_what_would_make_a_citation_checkable():
    isbn = (("isbn", "0-306-40615-2"),)
    book = Reference(id="b", marker="b", title="Tide Mills", identifiers=isbn)
    assert "ISBN 0-306-40615-2" in no_url_hint(book)
    titled = Reference(id="t", marker="t", title="Harrowgate family papers", work="Example History")
    assert "--source" in no_url_hint(titled) and "Harrowgate family papers" in no_url_hint(titled)
    assert "nothing to look" in no_url_hint(Reference(id="n", marker="n"))
