"""What a page says about itself beyond title and date: canonical link, Wikipedia
notices, an original publisher; dates through citecheck.dates; readability-lxml as a
second opinion when trafilatura keeps too little."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.text import PageSource, extract_source, source_from_text
from citecheck.text import html as html_module
from citecheck.text.html import page_date
from citecheck.text.signals import page_signals

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def _page(name: str, url: str = "https://page.example/a") -> PageSource:
    source = extract_source((FIXTURES / name).read_bytes(), "text/html", url)
    assert isinstance(source, PageSource)
    return source


def test_canonical_link_and_wikipedia_notices_are_read_from_the_whole_page() -> None:
    page = _page("wikipedia_mirror.html")
    assert page.canonical_url == "https://en.wikipedia.org/wiki/Gull_Rock_Lighthouse"
    assert {"from_wikipedia", "wikipedia_licence"} <= set(page.wikipedia_notices)
    assert not any("Creative Commons" in sentence for sentence in page.sentences)  # footer


def test_a_relative_canonical_link_is_made_absolute() -> None:
    html = b"""<html><head><link rel="canonical" href="/news/ferry"></head><body><article>
    <p>The Brackwater ferry will run every forty minutes from April, the operator said.</p>
    </article></body></html>"""
    page = extract_source(html, "text/html", "https://gazette.example/amp/ferry")
    assert isinstance(page, PageSource)
    assert page.canonical_url == "https://gazette.example/news/ferry"


def test_the_original_publisher_of_a_republished_article() -> None:
    assert _page("republished_blog.html").originally_published == "The Fenwick Gazette"


@pytest.mark.parametrize(
    ("line", "publisher"),
    [
        ("Republished with permission from Coastal Weekly. Read more", "Coastal Weekly"),
        ("This story first appeared on the Harbour Review website.", "Harbour Review"),
        ("It was reprinted from The Lessen Courier on 3 May.", "The Lessen Courier"),
        ("The harbour was first published on maps in 1790.", None),
    ],
)
def test_original_publication_lines(line: str, publisher: str | None) -> None:
    assert page_signals(line).originally_published == publisher


def test_plain_text_sources_carry_wikipedia_notices_too() -> None:
    source = source_from_text("From Wikipedia, the free encyclopedia\n\nGull Rock is a stack.")
    assert isinstance(source, PageSource)
    assert source.wikipedia_notices == ("from_wikipedia",)


@pytest.mark.parametrize(
    ("value", "iso"),
    [("2019-03-14T09:30:00Z", "2019-03-14"), ("2018/05/02", "2018-05-02"),
     ("14 March 2019", "2019-03-14"), ("March 2019", "2019-03"), ("", None), ("soon", None)],
)
def test_page_dates_keep_their_precision(value: str, iso: str | None) -> None:
    assert page_date(value) == iso


def test_a_date_found_only_by_htmldate_is_marked_as_a_guess() -> None:
    html = b"""<html><head><title>Ferry notes</title></head><body><div class="post">
    <p>Posted 2020-09-14. The Brackwater ferry will run every forty minutes from April, the
    operator announced, after a winter of complaints from commuters.</p></div></body></html>"""
    page = extract_source(html, "text/html")
    assert isinstance(page, PageSource)
    if page.date is not None:  # htmldate may or may not find it; when it does, it is a guess
        assert page.date_is_guess
    assert not _page("blog_sidebar.html").date_is_guess


def test_readability_wins_when_trafilatura_keeps_only_a_teaser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # trafilatura's misses are page-specific; stand one in to pin the decision rule.
    monkeypatch.setattr(html_module, "_trafilatura_text", lambda tree, url: "Keeper's diary.")
    page = _page("teaser_then_article.html")
    text = " ".join(page.sentences)
    assert "nineteen days in the winter of 1903" in text
    assert "forty-one in the worst week" in text


def test_trafilatura_is_kept_when_readability_finds_no_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_module, "_readability_text", lambda tree: "")
    page = _page("blog_popular_widget.html")
    assert page.sentences[-1].startswith("The Brackwater ferry will run every 40 minutes")
