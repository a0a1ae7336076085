"""Plain-text copies of Wikipedia articles: references, claims and their markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.documents import detect_kind, parse_text, read_document
from citecheck.documents.citation_text import (
    is_archive_url,
    parse_authors,
    parse_citation_text,
)
from citecheck.documents.plaintext import parse
from citecheck.errors import InputError, UnsupportedInput
from citecheck.models import Document

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
SEEDS = Path("/work/shared/seeds")


@pytest.fixture(scope="module")
def article() -> Document:
    return read_document(str(FIXTURES / "plaintext_article.txt"))


def _ref(document: Document, marker: str):
    return next(ref for ref in document.references if ref.marker == marker)


def _claim_with(document: Document, marker: str):
    return [claim for claim in document.claims if marker in claim.markers]


def test_every_numbered_entry_becomes_a_reference_with_a_stable_id(article: Document) -> None:
    assert article.kind == "plaintext"
    assert [ref.id for ref in article.references] == [f"ref-{n}" for n in range(1, 11)]
    assert [ref.marker for ref in article.references] == [str(n) for n in range(1, 11)]
    assert article.problems == ()


def test_author_date_title_work_and_access_date_are_read(article: Document) -> None:
    ref = _ref(article, "1")  # "Jump up to: a b" backlinks are not part of the entry
    assert ref.authors == ("Cecily Brightwater",)
    assert ref.date == "2023-09-30"
    assert ref.title == "The keeper who counted comets"
    assert ref.work == "Exampleport Gazette"
    assert ref.access_date == "2024-07-22"
    assert ref.line == 31


def test_reused_entry_backlinks_and_site_suffix_in_title(article: Document) -> None:
    ref = _ref(article, "2")
    assert ref.title == "Minor planet honours lighthouse keeper | Example Sky News"
    assert ref.work == "Example Sky News"  # no work given: the " | Site" suffix stands in
    assert ref.date == "2011-05-04"
    assert ref.authors == ()


def test_corporate_author_written_dates_and_issn(article: Document) -> None:
    ref = _ref(article, "3")
    assert ref.authors == ("Example Press-Agency",)
    assert ref.date == "2019-08-17"
    assert ref.access_date == "2023-09-30"
    assert ref.identifiers == (("issn", "0000-0000"),)
    assert ref.work == "The Daily Example"


def test_book_form_gives_publisher_place_and_isbn(article: Document) -> None:
    ref = _ref(article, "5")
    assert ref.title == "Thirty Years of Night"
    assert ref.publisher == "Harbour Example Press"
    assert ("location", "Exampleport") in ref.extra
    assert ref.identifiers == (("isbn", "978-0-00-000000-2"),)
    assert ref.kind == "book"
    assert ref.date == "2015"


def test_several_authors_and_a_doi(article: Document) -> None:
    ref = _ref(article, "6")
    assert ref.authors == ("Tobias Mole", "Ada Fen")
    assert ref.identifiers == (("doi", "10.0000/jea.2021.1"),)


def test_no_date_url_and_archive_date(article: Document) -> None:
    undated = _ref(article, "7")
    assert undated.date is None
    assert undated.url == "https://comets.example/eleven"
    archived = _ref(article, "8")
    assert archived.date == "2019-03"
    assert archived.archive_date == "2019-03-03"


def test_references_without_url_are_kept(article: Document) -> None:
    assert _ref(article, "1").url is None


def test_markers_in_a_row_after_the_period_belong_to_that_sentence(article: Document) -> None:
    (claim,) = _claim_with(article, "6")
    assert claim.markers == ("6", "7", "8")
    assert claim.text == (
        "Between 1990 and 2003 she reported eleven comets to the Example Astronomical Union."
    )
    assert claim.context.startswith("As keeper of the Northpoint light")
    assert claim.line == 20


def test_mid_sentence_marker_before_a_comma(article: Document) -> None:
    (claim,) = _claim_with(article, "3")
    assert claim.text == "In 2004 she moved inland, and now lives near Testville."
    assert "[" not in claim.text


def test_context_reaches_back_to_the_previous_marker(article: Document) -> None:
    (claim,) = [c for c in _claim_with(article, "1")]
    assert claim.markers == ("1", "2")
    assert claim.text.startswith("She is best known")
    assert claim.context.startswith("Marta Quillfeather (born 1968) is a fictional")
    assert claim.context.endswith(claim.text)


def test_abbreviation_does_not_cut_the_claim(article: Document) -> None:
    (claim,) = _claim_with(article, "4")  # the infobox row "SpouseOrin Vale[4]" is no claim
    assert claim.text == "Dr. Who, a local teacher, lent her a brass telescope when she was nine."


def test_infobox_and_edit_lines_never_become_claims(article: Document) -> None:
    texts = " ".join(claim.text for claim in article.claims)
    assert "Spouse" not in texts
    assert "edit" not in texts.split()
    assert "Born1968" not in texts


def test_reused_marker_makes_a_claim_each_time(article: Document) -> None:
    assert len(_claim_with(article, "2")) == 2


def test_every_claim_marker_names_a_reference(article: Document) -> None:
    markers = {ref.marker for ref in article.references}
    assert article.claims
    for claim in article.claims:
        assert set(claim.markers) <= markers


def test_subject_is_the_name_opening_the_first_sentence(article: Document) -> None:
    assert article.subject == "Marta Quillfeather"


def test_claim_ids_are_sha1_of_text_and_stable_when_text_is_added_above() -> None:
    text = (FIXTURES / "plaintext_article.txt").read_text(encoding="utf-8")
    first = parse(text, "a.txt")
    second = parse("An unrelated opening line is added here for testing.\n\n" + text, "a.txt")
    assert [c.id for c in first.claims] == [c.id for c in second.claims]
    assert [r.id for r in first.references] == [r.id for r in second.references]
    assert all(c.id.startswith("c-") and len(c.id) == 12 for c in first.claims)


def test_same_sentence_twice_gets_distinct_ids() -> None:
    text = "The tower is white.[1]\n\nThe tower is white.[2]\n\nReferences\n  1. ^ \"A\". B.\n"
    text += "  2. ^ \"C\". D.\n"
    document = parse(text, "x.txt")
    first, second = document.claims
    assert first.text == second.text
    assert second.id == first.id + "-2"


def test_markers_without_a_reference_list_are_reported_and_kept() -> None:
    document = parse("The harbour opened in 1901 after a long delay.[1]\n", "x.txt")
    assert "reference list has no entries" in document.problems
    (claim,) = document.claims
    assert claim.markers == ("1",)
    (ref,) = document.references
    assert ref.id == "ref-1" and ("undefined", "true") in ref.extra


def test_marker_missing_from_the_list_gets_a_stand_in_and_a_problem() -> None:
    text = "First fact is stated here.[1] Second fact is stated too.[2]\n\nReferences\n"
    text += "  1. ^ \"Only one\". Example Work. 2019.\n"
    document = parse(text, "x.txt")
    assert {ref.marker for ref in document.references} == {"1", "2"}
    assert any("'2'" in problem for problem in document.problems)


def test_citation_text_variants() -> None:
    fields = parse_citation_text(
        'Doe, J.; Roe, R. (September 30, 2023). "A page". Example News. '
        "https://news.example/a. Archived from the original on 1 October 2023. "
        "https://web.archive.org/web/2023/https://news.example/a. Retrieved 2 October 2023."
    )
    assert fields.authors == ("J. Doe", "R. Roe")
    assert fields.date == "2023-09-30"
    assert fields.url == "https://news.example/a"
    assert fields.archive_url == "https://web.archive.org/web/2023/https://news.example/a"
    assert fields.archive_date == "2023-10-01"
    assert fields.access_date == "2023-10-02"
    assert parse_authors("Smith, Ann; et al.") == ("Ann Smith",)


@pytest.mark.parametrize(
    "archived",
    [
        "https://archive.is/AbC12",
        "https://archive.ph/AbC12",
        "https://www.webcitation.org/6AbC12",
        "https://web.archive.org/web/2023/https://news.example/a",
    ],
)
def test_written_out_citations_know_every_archive_host(archived: str) -> None:
    # The same hosts as rendered HTML's archive links (one shared predicate).
    fields = parse_citation_text(
        f'"A page". Example News. https://news.example/a. Archived from the original on '
        f"1 October 2023. {archived}. Retrieved 2 October 2023."
    )
    assert fields.url == "https://news.example/a"
    assert fields.archive_url == archived
    assert is_archive_url(archived) and not is_archive_url("https://news.example/a")


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/archive.php?id=3",  # "archive.ph" inside a path is no host
        "https://archive.org/details/lighthousebook00",  # an archive.org item, no capture
        "https://webcitation.example/page",
    ],
)
def test_an_archive_is_known_by_its_host_not_by_text_in_the_url(url: str) -> None:
    assert not is_archive_url(url)


def test_captures_on_other_known_archives_count() -> None:
    assert is_archive_url("https://perma.cc/AB12-CD34")
    assert is_archive_url("https://www.webarchive.org.uk/wayback/en/archive/20200101000000/http://a.example/")


def test_detect_kind_by_extension_then_by_content() -> None:
    assert detect_kind("a.wiki", "plain") == "wikitext"
    assert detect_kind("a.markdown", "plain") == "markdown"
    assert detect_kind("a.txt", "<ref>x</ref>") == "plaintext"
    assert detect_kind("-", "Text.<ref>{{cite web|url=x}}</ref>") == "wikitext"
    assert detect_kind("notes", "See [here](https://a.example/).") == "markdown"
    assert detect_kind("notes", "Fact.[^1]\n\n[^1]: Source.") == "markdown"
    assert detect_kind("notes", "Fact.[1]") == "plaintext"


def test_parse_text_rejects_an_unknown_kind() -> None:
    with pytest.raises(UnsupportedInput, match="unknown document kind 'pdf'"):
        parse_text("x", "x", kind="pdf")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
    ],
)
def test_unreadable_input_is_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        read_document(str(path))
    assert "\n" not in str(caught.value)


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(str(tmp_path / "absent.txt"))
    with pytest.raises(InputError, match="is a directory"):
        read_document(str(tmp_path))


def test_bom_and_legacy_encodings_are_decoded(tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffThe café opened in 1901 after a long delay.[1]\n".encode())
    assert read_document(str(bom)).claims[0].text.startswith("The café")
    legacy = tmp_path / "legacy.txt"
    # Long enough for charset-normalizer to tell cp1252 from its neighbours.
    opening = "Le café du port a ouvert ses portes en été, après une très longue attente."
    sentence = "Les pêcheurs étaient très contents et la fête a duré jusqu'à l'aube."
    legacy.write_bytes(f"{opening} {sentence}[1]\n".encode("cp1252"))
    assert read_document(str(legacy)).claims[0].text == sentence


@pytest.mark.skipif(not list(SEEDS.glob("000_*.txt")), reason="seed article not present")
def test_seed_article_gives_ten_full_references_tied_to_claims() -> None:
    seed = next(SEEDS.glob("000_*.txt"))
    document = read_document(str(seed))
    assert len(document.references) == 10
    for ref in document.references:
        assert ref.title and ref.access_date
    with_authors = [ref for ref in document.references if ref.authors]
    assert len(with_authors) == 5
    assert sum(1 for ref in document.references if ref.date) == 9
    assert sum(1 for ref in document.references if ref.work) == 9
    markers = [m for claim in document.claims for m in claim.markers]
    assert sorted(markers, key=int) == [str(n) for n in range(1, 11)]
    assert next(c for c in document.claims if "8" in c.markers).markers == ("8", "9", "10")


def test_stdin_is_read_with_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    data = b"The pier opened in 1901 after a long wait.[1]\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    document = read_document("-")
    assert document.source == "-"
    assert document.claims[0].markers == ("1",)


def test_unnumbered_entries_and_sections_after_the_list() -> None:
    text = (
        "The pier opened in 1901 after a long wait.[1] It is 300 metres long.[2]\n\n"
        "Notes\n\n"
        '^ Jump up to: a b "Pier history". Example Harbour Trust. 2001.\n'
        '^ Roe, Rita (n.d.). "Measuring the pier". Example Works.\n'
        "External links\n"
        "  3. ^ Not a reference\n"
    )
    document = parse(text, "x.txt")
    assert [(ref.marker, ref.title) for ref in document.references] == [
        ("1", "Pier history"),
        ("2", "Measuring the pier"),
    ]
    assert document.references[1].date is None
    assert document.references[1].authors == ("Rita Roe",)
    assert document.problems == ()


def test_entry_wrapped_over_two_lines_is_one_reference() -> None:
    text = (
        "The pier opened in 1901 after a long wait.[1]\n\nReferences\n"
        '  1. ^ Roe, Rita (2001). "Pier history".\n'
        "Example Harbour Trust Quarterly Review. Retrieved 2024-07-22.\n"
    )
    (ref,) = parse(text, "x.txt").references
    assert ref.work == "Example Harbour Trust Quarterly Review"
    assert ref.access_date == "2024-07-22"


def test_a_heading_line_before_the_prose_is_the_title() -> None:
    text = "Exampleport Pier\n\nThe pier opened in 1901 after a long wait.[1]\n"
    document = parse(text, "x.txt")
    assert document.title == "Exampleport Pier"
    assert document.subject == "Exampleport Pier"  # no "X is" / "X (" opening to read


def test_article_opening_with_prose_has_no_title(article: Document) -> None:
    assert article.title is None


def test_editor_marks_are_not_part_of_the_name() -> None:
    assert parse_authors("Roe, Rita (ed.); Doe, Jane (eds.)") == ("Rita Roe", "Jane Doe")
