"""Source text extraction: main text only, metadata, encodings, junk that must not raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfs import pdf_bytes

from citecheck.text import (
    MAX_SENTENCES,
    clean_plain_text,
    decode_body,
    extract_source,
    source_from_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _minimal_pdf(line: str) -> bytes:
    """A one-page PDF showing `line` in Helvetica, with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    return pdf_bytes(objects)


# --- HTML: main text only ---------------------------------------------------------------


def test_blog_page_keeps_the_post_and_drops_sidebar_and_comments() -> None:
    source = extract_source(_fixture("blog_sidebar.html"), "text/html; charset=utf-8",
                            "https://quayside.example/2019/03/pilot.html")
    text = " ".join(source.sentences)
    assert "joined the Brackwater Pilotage Service in 1988" in text
    assert "Atlantic" not in text  # the popular-posts widget
    assert "lottery" not in text  # a reader's comment
    assert "Powered by Blogger" not in text
    assert source.url == "https://quayside.example/2019/03/pilot.html"


def test_div_only_page_whose_popular_posts_widget_outweighs_the_post() -> None:
    # Unpruned, trafilatura returns the widget here and not the short post.
    source = extract_source(_fixture("blog_popular_widget.html"), "text/html")
    assert source.sentences == (
        "Ferry notes",
        "The Brackwater ferry will run every 40 minutes from April, the operator announced on "
        "Monday.",
    )


def test_metadata_from_meta_tags_and_lang() -> None:
    source = extract_source(_fixture("blog_sidebar.html"), "text/html")
    assert source.title is not None
    assert source.title.startswith("Harbour pilot Ilse Marrow retires")
    assert source.author == "Tomas Pell"
    assert source.date == "2019-03-14"
    assert source.site_name == "Quayside Notes"
    assert source.language == "en"


def test_metadata_prefers_json_ld_and_article_time_over_sidebar_dates() -> None:
    html = """<html><head><title>Page title | Site</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "NewsArticle", "headline": "Gull Rock light goes dark",
       "author": [{"@type": "Person", "name": "Oren Vassily"}],
       "publisher": {"@type": "Organization", "name": "Fenwick Gazette"}}]}</script>
    </head><body><aside><time datetime="2024-01-01">New year</time></aside>
    <article><h1>Gull Rock light goes dark</h1><time datetime="2021-06-30T08:00">30 June</time>
    <p>The Gull Rock lighthouse was switched off for the last time on Tuesday evening after
    more than a century of service to ships entering the Lessen estuary.</p></article>
    </body></html>"""
    source = extract_source(html.encode(), "text/html")
    assert source.title == "Gull Rock light goes dark"
    assert source.author == "Oren Vassily"
    assert source.site_name == "Fenwick Gazette"
    assert source.date == "2021-06-30"


def test_citation_meta_tags_of_a_journal_page() -> None:
    html = """<html><head><meta name="citation_title" content="Storm frequency at Gull Rock">
    <meta name="citation_author" content="Rennick, Pavla">
    <meta name="citation_publication_date" content="2018/05/02">
    <meta name="citation_journal_title" content="Journal of Coastal Records"></head>
    <body><article><p>We count 37 gales of force ten or more between 1900 and 1910 in the
    keepers' logbooks of the Gull Rock light, more than in any other decade.</p></article>
    </body></html>"""
    source = extract_source(html.encode(), "text/html")
    assert (source.title, source.author) == ("Storm frequency at Gull Rock", "Rennick, Pavla")
    assert source.date == "2018-05-02"
    assert source.site_name == "Journal of Coastal Records"


# --- plain text -------------------------------------------------------------------------


def test_plain_text_copied_onto_a_blog_loses_chrome_captions_and_tail() -> None:
    source = source_from_text(_fixture("copied_news.txt").decode("utf-8"), "https://blog.test/x")
    text = " ".join(source.sentences)
    assert "37 gales of force ten" in text
    assert "publish the full transcription online next year" in text
    assert "Skip to main content" not in text
    assert "©" not in text  # photo captions
    assert "lottery" not in text and "Orlanto" not in text  # the "popular posts" tail
    assert source.url == "https://blog.test/x"


@pytest.mark.parametrize(
    "heading", ["Popular posts from this blog", "Related posts", "You may also like",
                "Comments", "Share this", "Leave a reply", "3 comments"],
)
def test_tail_is_cut_at_boilerplate_headings(heading: str) -> None:
    article = "The ferry runs every forty minutes from the harbour at Brackwater. " * 6
    cleaned = clean_plain_text(f"{article}\n\n{heading}\n\nThe lottery winner bought a boat.")
    assert "lottery" not in cleaned
    assert cleaned.startswith("The ferry")


def test_a_heading_word_at_the_top_does_not_cut_the_whole_text() -> None:
    cleaned = clean_plain_text("Comments\n\nThe ferry runs every forty minutes from Brackwater.")
    assert "ferry runs" in cleaned


def test_plain_text_body_goes_through_the_same_cleaning() -> None:
    body = _fixture("copied_news.txt")
    source = extract_source(body, "text/plain; charset=utf-8")
    assert "lottery" not in source.text
    assert any("212 leather logbooks" in sentence for sentence in source.sentences)


# --- encodings --------------------------------------------------------------------------

RUSSIAN = "Смотритель маяка Павел Реннов вёл журнал погоды сорок лет."
JAPANESE = "灯台守の記録は百年分の嵐を伝えている。"


def test_windows_1251_declared_only_in_a_meta_tag() -> None:
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{RUSSIAN}</p></body></html>'
    body = html.encode("cp1251")
    assert RUSSIAN in decode_body(body, "text/html")
    assert RUSSIAN in extract_source(body, "text/html").text


def test_shift_jis_declared_only_in_http_equiv_meta() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
        f"</head><body><p>{JAPANESE}</p></body></html>"
    )
    assert JAPANESE in decode_body(html.encode("shift_jis"), None)


def test_header_charset_wins_and_bom_is_honoured() -> None:
    assert decode_body(RUSSIAN.encode("koi8_r"), "text/plain; charset=KOI8-R") == RUSSIAN
    assert decode_body(RUSSIAN.encode("utf-16"), None) == RUSSIAN
    assert decode_body(b"\xef\xbb\xbfplain", None) == "plain"


def test_a_meta_tag_claiming_utf16_on_an_ascii_readable_page_is_ignored() -> None:
    html = f'<html><head><meta charset="utf-16"></head><body><p>{RUSSIAN}</p></body></html>'
    assert RUSSIAN in decode_body(html.encode("utf-8"), None)


def test_undeclared_legacy_encoding_is_guessed() -> None:
    text = " ".join([RUSSIAN] * 5)
    assert decode_body(text.encode("cp1251"), None) == text


def test_a_wrong_header_charset_falls_back_instead_of_raising() -> None:
    assert decode_body("naïve café".encode(), "text/html; charset=no-such-charset") == "naïve café"
    assert decode_body("café".encode("cp1252"), "text/plain; charset=utf-8") == "café"


# --- junk never raises ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "text/html"),
        (b"   \n ", None),
        (bytes(range(256)) * 200, "application/octet-stream"),
        (bytes(range(256)) * 200, "text/html"),
        (b"%PDF-1.7 this is not really a PDF", "application/pdf"),
        (b"<html><body></body></html>", "text/html"),
        (b"<html><body><script>var harbour = 1;</script></body></html>", "text/html"),
    ],
)
def test_junk_gives_an_empty_source(body: bytes, content_type: str | None) -> None:
    source = extract_source(body, content_type, "https://junk.example/")
    assert source.sentences == ()
    assert source.url == "https://junk.example/"


def test_pdf_text_is_extracted() -> None:
    body = _minimal_pdf("The Gull Rock light was automated in 1969.")
    source = extract_source(body, "application/pdf")
    assert source.sentences == ("The Gull Rock light was automated in 1969.",)


def test_huge_plain_text_is_capped() -> None:
    body = ("A sentence about the harbour at Brackwater. " * 150_000).encode()
    source = extract_source(body, "text/plain")
    assert 0 < len(source.sentences) <= MAX_SENTENCES


def test_a_sidebar_date_is_not_taken_for_the_page_date() -> None:
    html = """<html><head><title>Ferry notes</title></head><body>
    <div class="post-body"><p>The Brackwater ferry will run every forty minutes from April,
    the operator announced, after a winter of complaints from commuters on the island.</p></div>
    <div class="sidebar"><div class="widget BlogArchive"><span class="date">March 3, 2016</span>
    <span class="published">2016-03-03</span></div></div></body></html>"""
    assert extract_source(html.encode(), "text/html").date is None
