"""BibTeX and CSL-JSON bibliographies -> references (no claims)."""

from __future__ import annotations

from pathlib import Path

from citecheck.documents import detect_kind, parse_text, read_document
from citecheck.identifiers import reference_check_url

BIB = Path(__file__).parent / "fixtures" / "bib"


def test_bibtex_entries_become_references_with_decoded_latex_and_strings():
    document = read_document(str(BIB / "library.bib"))
    assert document.kind == "bibtex" and document.claims == ()
    by_id = {r.id: r for r in document.references}
    assert list(by_id) == ["bib-mole2021", "bib-holt2009", "bib-gazette2023", "bib-preprint2020"]
    mole = by_id["bib-mole2021"]
    assert mole.authors == ("Tobias Mole", "Anna Brückner")  # {\"u} decoded, "Last, First" read
    assert mole.title == "Comets from a lighthouse"  # protective braces dropped
    assert mole.work == "Journal of Example Astronomy"  # @string resolved
    assert mole.date == "2021-01"  # month macro kept at its precision
    assert mole.identifiers == (("doi", "10.5555/jea.2021.1"),)
    assert mole.line == 4
    gazette = by_id["bib-gazette2023"]
    assert (gazette.url, gazette.date, gazette.access_date) == (
        "https://gazette.example/mill", "2023-09-30", "2024-07-22",
    )
    assert by_id["bib-preprint2020"].identifiers == (("arxiv", "2001.01234"),)


def test_broken_and_duplicate_bibtex_entries_are_problems_not_failures():
    document = read_document(str(BIB / "library.bib"))
    assert len(document.problems) == 2
    assert document.problems[0].startswith("line 38: BibTeX entry could not be parsed")
    assert "duplicate BibTeX key 'holt2009'" in document.problems[1]


def test_bibliography_references_are_checked_through_their_identifiers():
    by_id = {r.id: r for r in read_document(str(BIB / "library.bib")).references}
    assert reference_check_url(by_id["bib-mole2021"]) == "https://doi.org/10.5555/jea.2021.1"
    assert reference_check_url(by_id["bib-preprint2020"]) == "https://arxiv.org/abs/2001.01234"
    assert reference_check_url(by_id["bib-holt2009"]) is None


def test_csl_json_items_become_references():
    document = read_document(str(BIB / "library.csl.json"))
    assert document.kind == "csljson" and document.claims == ()
    by_id = {r.id: r for r in document.references}
    mole = by_id["csl-mole2021"]
    assert mole.authors == ("Tobias Mole", "Anna Brückner")
    assert (mole.date, mole.work, mole.kind) == (
        "2021-01", "Journal of Example Astronomy", "article-journal",
    )
    assert mole.identifiers == (("doi", "10.5555/jea.2021.1"),)
    assert ("volume", "7") in mole.extra
    gazette = by_id["csl-gazette2023"]
    assert gazette.authors == ("Estuary Gazette Staff",)
    assert (gazette.date, gazette.access_date) == ("2023-09-30", "2024-07-22")
    assert by_id["csl-holt2009"].identifiers == (("isbn", "978-0-306-40615-7"),)


def test_bibliographies_are_detected_by_content():
    assert detect_kind("-", (BIB / "library.bib").read_text()) == "bibtex"
    assert detect_kind("-", (BIB / "library.csl.json").read_text()) == "csljson"
    assert detect_kind("-", '{"name": "a package"}') != "csljson"


def test_json_that_is_not_csl_is_a_problem_not_a_crash():
    document = parse_text('{"name": "a package"}', "package.json", kind="csljson")
    assert document.references == ()
    assert document.problems == ("not CSL-JSON: expected a list of items with a type or title",)
    broken = parse_text("[{", "broken.json", kind="csljson")
    assert broken.problems[0].startswith("not valid JSON")
