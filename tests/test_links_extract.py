"""Each extractor finds the right links at the right 1-based line and column, and skips code."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.links.collect import detect_link_kind
from citecheck.links.extract import extract_links
from citecheck.links.extract.bare import trim_url

FIXTURES = Path(__file__).parent / "fixtures" / "links"


def positions(relative: str) -> list[tuple[int, int, str, str]]:
    path = FIXTURES / relative
    text = path.read_text(encoding="utf-8")
    kind = detect_link_kind(str(path), text)
    return [(raw.line, raw.column, raw.written, raw.element) for raw in extract_links(kind, text)]


def test_markdown_links_images_autolinks_references_bare_urls_and_raw_html() -> None:
    assert positions("docs/links.md") == [
        (6, 18, "https://inline.example/page", "markdown-link"),
        (6, 63, "images/logo.png", "markdown-image"),
        (7, 14, "https://auto.example/x", "markdown-autolink"),
        (7, 53, "https://bare.example/path", "bare-url"),
        (8, 45, "https://nested.example/", "markdown-link"),
        (9, 57, "mailto:team@mail.example", "markdown-link"),
        (11, 8, "https://reference.example/doc", "markdown-reference"),
        (19, 17, "guide/README.md#getting-started", "markdown-link"),
        (19, 75, "#", "markdown-link"),
        (21, 17, "https://raw-html.example/", "a[href]"),
        (23, 18, "images/inline.png", "img[src]"),
    ]


def test_markdown_never_takes_links_from_code_or_front_matter() -> None:
    written = {link[2] for link in positions("docs/links.md")}
    assert written.isdisjoint(
        {
            "https://front-matter.example/",
            "https://code-span.example/",
            "https://indented-code.example/",
            "https://fenced.example/",
        }
    )


def test_markdown_same_url_twice_on_a_line_gets_both_columns() -> None:
    text = "x https://twice.example/ and [again](https://twice.example/)\n"
    found = [(raw.line, raw.column) for raw in extract_links("markdown", text)]
    assert found == [(1, 3), (1, 38)]


def test_markdown_link_with_escapes_is_still_reported_on_its_line() -> None:
    text = "intro\n\nsee [amp](https://e.example/?a=1&amp;b=2) now\n"
    (raw,) = extract_links("markdown", text)
    assert (raw.line, raw.column, raw.written) == (3, 11, "https://e.example/?a=1&b=2")


def test_html_attributes_with_lines_and_columns() -> None:
    assert positions("site/page.html") == [
        (4, 32, "style.css", "link[href]"),
        (9, 18, "https://html-link.example/a?x=1&y=2", "a[href]"),
        (11, 15, "other.html#part", "a[href]"),
        (12, 13, "pic.png", "img[src]"),
        (12, 30, "pic-1x.png", "img[srcset]"),
        (12, 45, "pic-2x.png", "img[srcset]"),
        (13, 33, "#top", "a[href]"),
        (13, 55, "#nowhere", "a[href]"),
        (14, 16, "app.js", "script[src]"),
        (16, 12, "mailto:x@mail.example", "a[href]"),
        (16, 53, "javascript:void(0)", "a[href]"),
    ]


@pytest.mark.parametrize(
    "markup",
    ["<![i] <a href='https://hidden.example/'>x</a> >", "<![ ]>", "<![>", "<![[x]]>", "<![x y>"],
)
def test_html_marked_sections_python_does_not_know_are_bogus_comments(markup: str) -> None:
    """Python's HTMLParser raises AssertionError on `<![` followed by anything but a
    marked section it knows; browsers read a bogus comment up to the next ">". A
    page or a Markdown text holding one must not end the run."""
    from citecheck.links.extract.html import html_anchors

    text = f"<p id='before'>{markup}<a id='after' href='https://after.example/'>y</a></p>"
    written = [raw.written for raw in extract_links("html", text)]
    assert written[-1:] == ["https://after.example/"]
    assert "https://hidden.example/" not in written
    assert "before" in html_anchors(text)
    markdown = [raw.written for raw in extract_links("markdown", f"<div>\n{markup}\n</div>\n\n[ok](https://ok.example/)\n")]
    assert markdown[-1:] == ["https://ok.example/"]


def test_html_base_href_is_carried_with_every_link() -> None:
    text = '<head><base href="https://base.example/docs/"></head><a href="x.html">x</a>'
    (raw,) = extract_links("html", text)
    assert (raw.written, raw.base) == ("x.html", "https://base.example/docs/")


def test_rst_embedded_links_targets_images_and_bare_urls_outside_literals() -> None:
    assert positions("docs/notes.rst") == [
        (4, 15, "https://rst-link.example/x", "rst-link"),
        (4, 58, "links.md", "rst-link"),
        (5, 8, "https://rst-bare.example/p", "bare-url"),
        (7, 13, "https://rst-target.example/", "rst-target"),
        (9, 12, "images/logo.png", "rst-image"),
        (10, 13, "https://image-target.example/", "rst-image-target"),
        (21, 19, "#second-section", "rst-link"),
    ]


def test_wikitext_external_links_bare_urls_and_template_parameters() -> None:
    assert positions("docs/article.wiki") == [
        (2, 6, "https://wiki-link.example/a", "wiki-external-link"),
        (2, 45, "http://wiki-bare.example/b", "bare-url"),
        (3, 17, "https://cite.example/c", "bare-url"),
        (5, 7, "//proto-relative.example/d", "wiki-external-link"),
    ]


def test_plaintext_bare_urls_without_trailing_punctuation() -> None:
    assert positions("docs/readme.txt") == [
        (1, 18, "https://plain.example/a", "bare-url"),
        (2, 2, "https://plain.example/wiki/Thing_(disambiguation)", "bare-url"),
        (2, 57, "https://plain.example/c", "bare-url"),
    ]


@pytest.mark.parametrize(
    ("candidate", "trimmed"),
    [
        ("https://a.example/x.", "https://a.example/x"),
        ("https://a.example/x),", "https://a.example/x"),
        ("https://a.example/wiki/A_(b)", "https://a.example/wiki/A_(b)"),
        ("https://a.example/x]", "https://a.example/x"),
        ("https://a.example/?q=1!'", "https://a.example/?q=1"),
    ],
)
def test_trim_url_drops_sentence_punctuation_and_unbalanced_closers(
    candidate: str, trimmed: str
) -> None:
    assert trim_url(candidate) == trimmed


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        ("a.md", "", "markdown"),
        ("a.HTM", "", "html"),
        ("a.rst", "", "rst"),
        ("a.wiki", "", "wikitext"),
        ("a.txt", "[x](https://a.example)", "plaintext"),
        ("-", "<!doctype html><p>x</p>", "html"),
        ("-", "Title\n\n.. _t: https://a.example\n", "rst"),
        ("-", "Text {{cite web|url=https://a.example}}", "wikitext"),
        ("-", "# Heading\n\n[x](https://a.example)", "markdown"),
        ("-", "just https://a.example", "plaintext"),
        ("https://site.example/page.md", "", "markdown"),
    ],
)
def test_detect_link_kind_by_extension_then_content(path: str, text: str, kind: str) -> None:
    assert detect_link_kind(path, text) == kind


def test_markdown_fast_path_agrees_with_markdown_it_py_on_the_fixture() -> None:
    from citecheck.links.extract.markdown import extract_markdown_slow
    from citecheck.links.extract.markdown_fast import extract_markdown_fast

    text = (FIXTURES / "docs" / "links.md").read_text(encoding="utf-8")
    fast = extract_markdown_fast(text)
    assert fast is not None
    key = lambda raw: (raw.line, raw.column)  # noqa: E731
    assert sorted(fast, key=key) == sorted(extract_markdown_slow(text), key=key)


def test_markdown_columns_count_characters_not_bytes() -> None:
    text = "Ünïcödé → [x](https://ü.example/ä) and <https://a.example/é> é https://b.example/\n"
    found = [(raw.column, raw.written) for raw in extract_links("markdown", text)]
    assert found == [
        (15, "https://ü.example/ä"),
        (41, "https://a.example/é"),
        (64, "https://b.example/"),
    ]


def test_markdown_badge_image_inside_a_link_and_escaped_destination() -> None:
    text = "[![ci](https://img.example/b.svg)](https://ci.example/) [a](https://e.example/\\(x\\))\n"
    found = [(raw.column, raw.written, raw.element) for raw in extract_links("markdown", text)]
    assert found == [
        (8, "https://img.example/b.svg", "markdown-image"),
        (36, "https://ci.example/", "markdown-link"),
        (61, "https://e.example/(x)", "markdown-link"),
    ]


def test_markdown_definition_in_a_quote_first_definition_wins() -> None:
    text = (
        "[q] and [r]\n\n> [q]:\n> https://q.example/\n\n"
        "[Q]: https://dup.example/\n[r]: <https://r.example/a b>\n"
    )
    found = [(raw.line, raw.column, raw.written) for raw in extract_links("markdown", text)]
    assert found == [(4, 3, "https://q.example/"), (7, 7, "https://r.example/a b")]


def test_markdown_javascript_and_file_links_are_kept() -> None:
    text = "[run](javascript:void(0)) and [local](file:///tmp/x.md) and [ok](https://ok.example/)\n"
    written = [raw.written for raw in extract_links("markdown", text)]
    assert written == ["javascript:void(0)", "file:///tmp/x.md", "https://ok.example/"]


def _long_markdown() -> str:
    """Every construct the Markdown extractors read, many times over."""
    blocks = []
    for i in range(120):
        blocks += [
            f"- [link {i}](https://a.example/{i}) and https://bare.example/{i}",
            f"- [next {i}](https://n.example/{i})",
            f"```\ncode\n\nhttps://in-fence.example/{i}\n\n- [no](https://fenced.example/{i})\n```",
            f"<!-- a comment\n\nhttps://in-comment.example/{i}\n\n-->",
            f"See [ref {i}][r{i % 5}] and [https://label.example/{i}][r1].",
            f"[r{i % 7}]: https://def.example/{i} \"t\"",
            f"> quote [q](https://q.example/{i})\nlazy https://lazy.example/{i}",
            f"<pre>\n\nhttps://pre.example/{i}\n\n</pre>",
            f"    indented https://code.example/{i}\n\n    more",
            f"## Heading {i}\n| a | b |\n|---|---|\n| <https://t.example/{i}> | ![é](i{i}.png) |",
            f"\n[d{i % 3}]: https://real.example/{i}\n",
            f"Use [https://d.example/{i}][d{(i + 1) % 3}] and [https://qq.example/{i}][qq1].",
            f"\n> [qq{i % 4}]:\n> https://quoted.example/{i}\n",
        ]
    return "---\ntitle: x\n\nhttps://front-matter.example\n---\n" + "\n".join(blocks) + "\n"


def test_markdown_long_text_agrees_with_markdown_it_py_in_document_order() -> None:
    from citecheck.links.extract.markdown import extract_markdown_slow
    from citecheck.links.extract.markdown_fast import extract_markdown_fast
    from citecheck.links.extract.raw import in_order

    text = _long_markdown()
    fast = extract_markdown_fast(text)
    assert fast is not None and len(fast) > 1000
    assert fast == in_order(extract_markdown_slow(text))
    assert list(extract_links("markdown", text)) == fast


def _windows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the texts handed to the parser for their events (one per window)."""
    import citecheck.links.extract.markdown_fast as markdown_fast

    real = markdown_fast._parser()
    given: list[int] = []

    class Spy:
        def events_with_range(self, text: str) -> object:
            given.append(len(text))
            return real.events_with_range(text)

        def reference_definitions(self, text: str) -> object:
            return real.reference_definitions(text)

    monkeypatch.setattr(markdown_fast, "_parser", Spy)
    return given


@pytest.mark.parametrize("chunk_chars", [1, 40, 500, 4000])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_markdown_read_in_windows_finds_what_the_whole_text_gives(
    chunk_chars: int, newline: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Labels used in one window and defined in another still read as links (so the
    URL written as a link's text is no bare URL), the first definition of a label wins
    across windows, and no block is cut (fences, comments, <pre>, indented code)."""
    from citecheck.links.extract.markdown_fast import extract_markdown_fast

    text = _long_markdown().replace("\n", newline)
    whole = extract_markdown_fast(text, chunk_chars=len(text))
    windows = _windows(monkeypatch)
    chunked = extract_markdown_fast(text, chunk_chars=chunk_chars)
    assert whole is not None and len(whole) > 1000
    assert len(windows) > 5  # really read in windows
    assert chunked == whole


@pytest.mark.parametrize(
    "text",
    [
        # a comment, a processing instruction, CDATA and a declaration each end at
        # their own marker, not at another kind's (nothing in them is a link)
        "Intro\n\n<!--\nOld:\n<script src='old.js'></script>\n\n[Old](https://old.example/)\n-->\n\n"
        "[New](https://new.example/)\n",
        "<?php\n\n[in](https://php.example/)\n?>\n\n[out](https://out.example/)\n",
        "<![CDATA[\n\n[in](https://cdata.example/)\n]]>\n\n[out](https://out.example/)\n",
        "<!DOCTYPE html\n\n[in](https://doctype.example/)>\n\n[out](https://out.example/)\n",
        # HTML blocks that a blank line ends, with lines that look like headings and items
        "<div>\nxx\n# [x](https://a.example/)\n</div>\n\n[after](https://after.example/)\n",
        "<custom-tag>\n- a\n- [x](https://a.example/)\n</custom-tag>\n",
        "<div>\n```\n</div>\n\ntext\n\n```\ncode\n\n[x](https://in-code.example/)\n```\n",
        # fences: opened in a list item, with a backtick in the info string, closed by
        # a line with a no-break space after it
        "- ```\n  code\n  ```\n\ntext\n\n```\ncode\n\n[x](https://in-code.example/)\n```\n",
        "```js`x\n\n```\n\n[x](https://in-code.example/)\n```\n",
        "```\ncode\n```\u00a0\n\n[x](https://in-code.example/)\n```\n",
        # a line of a no-break space is no blank line
        "[foo\n\u00a0\nbar](https://x.example/)\n",
        # a window ending in an unclosed block, with a label defined elsewhere
        "[lab]: https://def.example/\n\nfiller\n\n<pre>\n"
        "<a href='https://h.example/'>x</a> [lab]\n",
        "[foo]: https://def.example\n\nfiller\n\n[see https://x.example][foo]\n\n```\ncode\n",
        # a label over two lines of a quote, defined in another window
        "> [see https://x.example][foo\n> bar]\n\nfiller\n\n[foo bar]: https://def.example/\n",
        # labels that differ by a no-break space are two labels
        "[a b]: https://one.example/\n\nfiller\n\n[a\u00a0b]: https://two.example/\n\n"
        "[a b] [a\u00a0b]\n",
    ],
)
def test_markdown_windows_never_start_inside_a_block(text: str) -> None:
    from citecheck.links.extract.markdown_fast import extract_markdown_fast

    whole = extract_markdown_fast(text, chunk_chars=len(text) + 1)
    assert whole is not None
    for chunk_chars in (1, 7, 20):
        assert extract_markdown_fast(text, chunk_chars=chunk_chars) == whole, chunk_chars


def test_a_window_starting_at_a_blank_crlf_line_keeps_its_list_item() -> None:
    """After "1. item" and blank lines, a line indented 4 goes on in the item (a
    paragraph, its links read); a window must not start at the blank "\r" line before
    it, where the line would read as indented code."""
    from citecheck.links.extract.markdown_fast import extract_markdown_fast

    block = "1. item\r\n\r\n\r\n    [in the item](https://item.example/{n})\r\n\r\n"
    text = "".join(block.format(n=n) for n in range(40))
    chunked = extract_markdown_fast(text, chunk_chars=10)  # due at the second blank line
    assert chunked is not None
    assert [raw.written for raw in chunked] == [f"https://item.example/{n}" for n in range(40)]


def test_a_long_text_is_given_to_the_parser_a_window_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Memory stays flat: the parser never holds more than a window (and the
    definitions put before it), however long the text."""
    from citecheck.links.extract.markdown_fast import extract_markdown_fast

    windows = _windows(monkeypatch)
    text = _long_markdown()
    links = extract_markdown_fast(text, chunk_chars=2000)

    assert links is not None and len(links) > 1000
    assert len(windows) >= len(text) // 2000  # every window read on its own
    assert max(windows) < 2000 + 1000  # a window goes on to a line's end; a few labels


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<!-- <urlset> in a comment is not the root -->
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://docs.example/a</loc><lastmod>2024-01-01</lastmod>
    <image:loc>https://docs.example/i.png</image:loc></url>
  <url><loc>
    https://docs.example/b?x=1&amp;y=2
  </loc></url>
  <!-- <url><loc>https://docs.example/old</loc></url> -->
  <url><loc><![CDATA[https://docs.example/c?p=1&q=2]]></loc></url>
</urlset>
"""


def test_a_sitemap_gives_each_loc_decoded_and_no_namespace_url() -> None:
    assert detect_link_kind("sitemap.xml", SITEMAP) == "sitemap"
    assert detect_link_kind("https://docs.example/sitemap", SITEMAP) == "sitemap"
    assert detect_link_kind("feed.xml", "<rss><channel></channel></rss>") == "plaintext"
    found = [(link.written, link.line, link.column, link.element)
             for link in extract_links("sitemap", SITEMAP)]
    assert found == [
        ("https://docs.example/a", 5, 13, "loc"),
        ("https://docs.example/i.png", 6, 16, "image:loc"),
        ("https://docs.example/b?x=1&y=2", 8, 5, "loc"),
        ("https://docs.example/c?p=1&q=2", 11, 22, "loc"),
    ]
    index = '<sitemapindex xmlns="x"><sitemap><loc>https://docs.example/s1.xml</loc></sitemap>'
    assert [link.written for link in extract_links(detect_link_kind("i.xml", index), index)] == [
        "https://docs.example/s1.xml"
    ]
