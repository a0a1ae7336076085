"""Citation-level checks: cited metadata against the page's own, Wikipedia mirrors,
republished copies. Fictional pages on reserved domains."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.models import Level, Reference, SourceText
from citecheck.text import extract_source
from citecheck.verify import reference_checks

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
PILOT_URL = "https://quayside.example/2019/03/pilot.html"


def _page(name: str, url: str) -> SourceText:
    return extract_source((FIXTURES / name).read_bytes(), "text/html", url)


@pytest.fixture(scope="module")
def pilot_page() -> SourceText:
    return _page("blog_sidebar.html", PILOT_URL)


def _names(reference: Reference, source: SourceText | None, **kwargs: str | None) -> list[str]:
    subject = kwargs.pop("subject", None)
    return [c.name for c in reference_checks(reference, source, subject=subject, **kwargs)]


def _cited(**fields: object) -> Reference:
    base: dict[str, object] = {
        "id": "r1", "marker": "1", "url": PILOT_URL,
        "title": "Harbour pilot Ilse Marrow retires after 31 years",
        "authors": ("Pell, Tomas",), "date": "14 March 2019", "work": "Quayside Notes",
    }
    base.update(fields)
    return Reference(**base)  # type: ignore[arg-type]


def test_metadata_that_agrees_with_the_page_raises_nothing(pilot_page: SourceText) -> None:
    assert _names(_cited(access_date="2020-01-05"), pilot_page, subject="Ilse Marrow") == []


def test_a_day_off_or_a_year_only_citation_date_is_not_a_mismatch(
    pilot_page: SourceText,
) -> None:
    assert _names(_cited(date="2019-03-15"), pilot_page) == []
    assert _names(_cited(date="2019"), pilot_page) == []
    assert _names(_cited(date="March 2019"), pilot_page) == []


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"title": "Lottery winner buys island ferry company"}, "title_mismatch"),
        ({"date": "2 June 2011"}, "date_mismatch"),
        ({"authors": ("Rennick, Pavla",)}, "author_mismatch"),
        ({"work": "Fenwick Gazette"}, "work_mismatch"),
        ({"access_date": "2018-11-02"}, "anachronism"),
    ],
)
def test_cited_metadata_that_contradicts_the_page_is_flagged(
    pilot_page: SourceText, fields: dict[str, object], check: str
) -> None:
    found = reference_checks(_cited(**fields), pilot_page, subject=None)
    assert [c.name for c in found] == [check]
    assert found[0].level is Level.WARNING


def test_a_work_given_as_the_site_host_matches() -> None:
    source = SourceText(url="https://www.fenwickgazette.example/a", text="x", sentences=("x",),
                        site_name="FG Online")
    reference = Reference(id="r1", marker="1", url=source.url, work="Fenwick Gazette")
    assert _names(reference, source) == []


def test_a_guessed_page_date_is_never_compared(pilot_page: SourceText) -> None:
    from msgspec.structs import replace

    guessed = replace(pilot_page, date_is_guess=True)
    assert _names(_cited(date="2 June 2011"), guessed) == []


def test_a_page_copied_from_wikipedia_is_a_mirror() -> None:
    page = _page("wikipedia_mirror.html", "https://wikifacts.example/gull-rock")
    found = reference_checks(Reference(id="r2", marker="2", url=page.url), page, subject=None)
    mirror = [c for c in found if c.name == "wikipedia_mirror"]
    assert mirror and "From Wikipedia" in mirror[0].message and "canonical" in mirror[0].message
    assert "republished_copy" not in [c.name for c in found]  # the canonical is Wikipedia's


def test_a_page_repeating_the_article_word_for_word_is_a_mirror() -> None:
    article = (
        "Gull Rock Lighthouse is a disused lighthouse on a granite stack at the mouth of the "
        "Lessen estuary. It was first lit in 1871 and automated in 1969. The keepers' logbooks "
        "record 37 gales of force ten or more between 1900 and 1910, more than in any other "
        "decade of the light's history. The light was switched off for the last time in 2021, "
        "and the tower now belongs to a local preservation trust that opens it to visitors on "
        "summer weekends."
    )
    plain = SourceText(url="https://copy.example/", text=article, sentences=(article,))
    reference = Reference(id="r2", marker="2", url=plain.url)
    assert _names(reference, plain) == []
    found = reference_checks(reference, plain, subject=None, article_text=article)
    assert [c.name for c in found] == ["wikipedia_mirror"]
    assert "word for word" in found[0].message


def test_an_ordinary_page_is_no_mirror_and_no_copy(pilot_page: SourceText) -> None:
    names = _names(_cited(), pilot_page, article_text="Ilse Marrow is a harbour pilot.")
    assert "wikipedia_mirror" not in names and "republished_copy" not in names


def test_a_blog_copy_that_says_where_it_was_first_published() -> None:
    page = _page("republished_blog.html", "https://commuterdigest.example/ferry")
    found = reference_checks(
        Reference(id="r3", marker="3", url=page.url, work="Fenwick Gazette"), page, subject=None
    )
    assert [c.name for c in found] == ["republished_copy"]  # the work is the original's
    assert "The Fenwick Gazette" in found[0].message
    assert "Island Commuter Digest" in found[0].message


def test_a_page_whose_canonical_link_is_on_another_host_is_a_copy() -> None:
    page = _page("canonical_elsewhere.html", "https://roundup.example/ferry")
    names = _names(Reference(id="r3", marker="3", url=page.url), page)
    assert names == ["republished_copy"]
    same_site = _page("canonical_elsewhere.html", "https://www.fenwickgazette.example/amp/x")
    assert _names(Reference(id="r3", marker="3", url=same_site.url), same_site) == []


def test_quote_and_subject_are_checked_once_per_reference(pilot_page: SourceText) -> None:
    reference = _cited(quote="Marrow said she would never set foot on a ship again.")
    names = _names(reference, pilot_page, subject="Pavla Rennick")
    assert names == ["quote_not_found", "subject_absent"]


def test_no_source_means_no_citation_checks() -> None:
    assert reference_checks(_cited(title="Anything"), None, subject="Ilse Marrow") == ()
