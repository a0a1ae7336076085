"""The Markdown fast path (pyromark, pulldown-cmark) finds what the markdown-it-py
reference finds, where each construct differs between the two parsers, and how it
streams and falls back."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from citecheck.links.extract import extract_links
from citecheck.links.extract.markdown import extract_markdown_slow
from citecheck.links.extract.markdown_fast import extract_markdown_fast, stream_markdown_fast
from citecheck.links.extract.raw import RawLink, in_order

Found = tuple[str, int, int, str, str | None]


def _found(links: list[RawLink]) -> list[Found]:
    return [(link.written, link.line, link.column, link.element, link.text) for link in links]


def _fast(text: str) -> list[Found]:
    links = extract_markdown_fast(text)
    assert links is not None
    return _found(links)


def _slow(text: str) -> list[Found]:
    return _found(in_order(extract_markdown_slow(text)))


class _Snippets:
    """Random Markdown mixing the constructs the extractors read. Every URL is new:
    the reference places a link by searching the source for it from a cursor, and may
    take an earlier copy of it that is no link (the fast path knows where each is)."""

    DESTINATIONS = (
        "https://a.example/{n}/p",
        "docs/{n}.md#s",
        "https://ü.example/{n}/ä",
        "javascript:void({n})",
        "data:text/plain,{n}",
        "file:///tmp/{n}",
        "/abs?q={n}&r=2",
        "#frag{n}",
        "https://a.example/({n})",
        "mailto:m{n}@x.example",
    )
    WORDS = ("see", "é", "日本", "→", "*em*", "_u_", "**b**", "\\*", "&amp;", "x_y", "(", ")", "[")

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.count = 0

    def pick(self, *choices: str) -> str:
        return self.random.choice(choices)

    def url(self, template: str = "https://u.example/{n}") -> str:
        self.count += 1
        return template.format(n=self.count)

    def destination(self) -> str:
        written = self.url(self.random.choice(self.DESTINATIONS))
        form = self.random.random()
        if form < 0.1:
            return f"<{written} x>"
        if form < 0.2:
            return written + self.pick(' "title"', " 'title'", " (title)")
        if form < 0.25:
            return written + "/\\(esc\\)&amp;"  # escapes and entities: decoded
        return written

    def label(self) -> str:
        parts = [
            self.pick(
                "text",
                "é 日本",
                "`code`",
                "*em*",
                self.url("https://label.example/{n}"),
                "&amp;",
                "\\]",
                f"![b]({self.url('https://img.example/{n}.svg')})",
                "a\nb",
                f'<img src="{self.url("https://in-label.example/{n}.png")}">',
            )
            for _ in range(self.random.randint(0, 3))
        ]
        return " ".join(parts)

    def inline(self) -> str:
        kind = self.random.randint(0, 15)
        if kind <= 1:
            return f"[{self.label()}]({self.destination()})"
        if kind == 2:
            alt = self.pick("alt", "", "é é", "*x*", "a\nb")
            return f"![{alt}]({self.destination()})"
        if kind == 3:
            label = f"r{self.random.randint(0, 4)}"
            return self.pick(
                f"[{self.label()}][{label}]", f"[{label}][]", f"[{label}]", f"![{label}]"
            )
        if kind == 4:
            return self.pick(
                f"<{self.url('https://auto.example/{n}')}>",
                f"<{self.url('m{n}@mail.example')}>",
                f"<{self.url('mailto:z{n}@z.example')}>",
                f"<{self.url('ftp://f.example/{n}')}>",
            )
        if kind == 5:
            url = self.url("https://bare.example/{n}")
            return self.pick(url, url + ".", f"({url})", url + "/x_y_z", url + "/ü") + " "
        if kind == 6:
            return f"`{self.url('https://code.example/{n}')}`"
        if kind == 7:
            return self.pick(
                f'<a href="{self.url("https://inline-html.example/{n}")}">', "</a>", "<b>"
            )
        return self.pick(*self.WORDS)

    def one_line(self) -> str:
        """An inline construct on one line, for a heading or a table cell."""
        return self.inline().replace("\n", " ")

    def paragraph(self) -> str:
        text = ""
        for _ in range(self.random.randint(1, 8)):
            text += self.inline() + self.pick(" ", " ", " ", "\n", "")
        return text.strip() or "x"

    def block(self) -> str:
        kind = self.random.randint(0, 16)
        if kind <= 4:
            return self.paragraph()
        if kind == 5:
            label = self.pick("r", "R") + str(self.random.randint(0, 4))
            destination = self.url(self.random.choice(self.DESTINATIONS))
            return self.pick(
                f"[{label}]: {destination}",
                f'[{label}]: {destination} "t"',
                f"[{label}]: {destination}\n'title'",
                f"[{label}]:\n  <{destination}>",
                f"> [{label}]:\n> {destination}",
            )
        if kind == 6:
            return f"```\n{self.url()}\n[x]({self.url()})\n```"
        if kind == 7:
            return f"    {self.url()} [x]({self.url()})"
        if kind == 8:
            return self.pick(
                f'<div>\n<a href="{self.url()}">x</a>\n</div>',
                f"<!-- {self.url()} -->",
                f'<p>\n  <img src="{self.url()}"> {self.url()}\n</p>',
                f"<script>\n{self.url()}\n</script>",
                f"<?php {self.url()} ?>",
                f"<![CDATA[ {self.url()} ]]>",
                f"<table><tr><td>\n[in]({self.url()})\n</td></tr></table>",
            )
        if kind == 9:
            return "> " + self.paragraph().replace("\n", "\n> ")
        if kind == 10:
            return "- " + self.paragraph().replace("\n", "\n  ") + "\n- " + self.paragraph()
        if kind == 11:
            return "1. " + self.paragraph().replace("\n", "\n   ")
        if kind == 12:
            cells = self.one_line(), self.one_line()
            return self.pick(
                f"| a | b |\n|---|---|\n| {cells[0]} | {cells[1]} |",
                f"a | b\n--|--\n{cells[0]} | {cells[1]}",
                f"| a |\n|---|\n| `x|y` [l]({self.url()}/a\\|b) |",
            )
        if kind == 13:
            heading = f"{self.one_line()} {self.one_line()}"
            return self.pick(f"# {heading}", f"## {heading}", f"{heading}\n===", f"{heading}\n---")
        if kind == 14:
            return self.pick(
                f"- a\n  > [q]({self.url()})\n  > ![i]({self.url()})",
                f"> - [q]({self.url()})\n>   {self.url()}",
                f"-\t[tab]({self.url()})",
                f"\t[tab]({self.url()})",
            )
        if kind == 15:
            return self.pick("---", "***", "___")
        return self.paragraph()

    def document(self) -> str:
        text = ""
        if self.random.random() < 0.2:
            text = self.pick(
                f"---\ntitle: {self.url()}\n---\n",
                f"---\ntitle: {self.url()}\n...\n",
                f"----\na: [x]({self.url()})\n  ---\n-----\n",
                f"---\n[unclosed]({self.url()})\n\n",
            )
        for _ in range(self.random.randint(1, 5)):
            block = self.block()
            # After a definition, markdown-it-py ends the paragraph and reads code or an
            # HTML block where CommonMark goes on with the paragraph (tested below).
            if block.startswith(("[", "> [", "    ", "\t", "<")):
                text += "\n"
            text += block + self.pick("\n\n", "\n\n", "\n")
        return text


def test_the_fast_path_agrees_with_markdown_it_py_on_generated_markdown() -> None:
    elements: set[str] = set()
    declined = 0  # texts the fast path leaves to markdown-it-py (a table after a paragraph)
    for seed in range(800):
        text = _Snippets(seed).document()
        if seed % 4 == 0:
            text = text.replace("\n", "\r\n")
        links = extract_markdown_fast(text)
        if links is None:
            declined += 1
            continue
        fast = _found(links)
        assert fast == _slow(text), f"seed {seed}: {text!r}"
        elements.update(found[3] for found in fast)
    assert declined < 800 // 20
    # every kind of link was generated, and found
    assert elements >= {
        "markdown-link",
        "markdown-image",
        "markdown-reference",
        "markdown-autolink",
        "bare-url",
        "a[href]",
        "img[src]",
    }


def test_columns_count_characters_in_every_construct() -> None:
    text = (
        "日本語 [ü](https://a.example/ä) ![é](i.png) <https://b.example/é> → https://c.example/\n"
        "\n"
        '| é | ü |\n|---|---|\n| 日本 [t](https://t.example/) | <img src="ä.png"> |\n'
        "\n"
        "> ß [r]\n"
        "\n"
        "[r]: https://r.example/ü\n"
    )
    assert _fast(text) == _slow(text)
    lines = text.split("\n")
    for written, line, column, _, _ in _fast(text):  # the column is where it is written
        assert lines[line - 1][column - 1 :].startswith(written)
    assert [(found[1], found[2]) for found in _fast(text)] == [
        (1, 9),
        (1, 35),
        (1, 43),
        (1, 66),
        (5, 10),
        (5, 42),
        (9, 6),
    ]


def test_definitions_are_reported_where_written_once_per_label_even_unused() -> None:
    text = (
        "[used][a] and [other][B] and [short]\n\n"
        "[a]: https://a.example/first\n"
        "[A]: https://a.example/second\n"
        "[b]:\n  <https://b.example/next-line>\n"
        "> [short]: https://short.example/ 'title'\n\n"
        "[unused]: https://unused.example/\n"
    )
    assert _fast(text) == _slow(text)
    assert _fast(text) == [
        ("https://a.example/first", 3, 6, "markdown-reference", None),
        ("https://b.example/next-line", 6, 4, "markdown-reference", None),
        ("https://short.example/", 7, 12, "markdown-reference", None),
        ("https://unused.example/", 9, 11, "markdown-reference", None),
    ]


def test_a_definition_after_its_use_and_reference_images() -> None:
    text = "![logo][l] then [text with https://in-label.example/][l]\n\n[l]: img/logo.png\n"
    assert _fast(text) == _slow(text) == [("img/logo.png", 3, 6, "markdown-reference", None)]


def test_code_never_yields_links() -> None:
    text = (
        "`[a](https://span.example/)` ``https://span2.example/``\n\n"
        "```md\n[b](https://fence.example/)\n```\n\n"
        "~~~\n<https://tilde.example/>\n~~~\n\n"
        "    https://indented.example/\n\n"
        "- item\n\n      https://in-list-code.example/\n"
    )
    assert _fast(text) == _slow(text) == []


def test_html_blocks_and_inline_html_are_read_with_their_place() -> None:
    text = (
        "Inline <a href=\"https://inline.example/\">x</a> and <img src='i.png'>.\n\n"
        '<div>\n  <a href="https://block.example/">b</a>\n\n'
        "[not markdown after a blank line](https://after.example/)\n\n"
        "<!--\n[commented](https://comment.example/)\n-->\n"
    )
    assert _fast(text) == _slow(text)
    assert [(found[0], found[1], found[2], found[3]) for found in _fast(text)] == [
        ("https://inline.example/", 1, 17, "a[href]"),
        ("i.png", 1, 62, "img[src]"),
        ("https://block.example/", 4, 12, "a[href]"),
        ("https://after.example/", 6, 35, "markdown-link"),
    ]


def test_tables_and_escaped_pipes() -> None:
    text = (
        "| name | link |\n| --- | :-: |\n"
        "| `a\\|b` | [x](https://t.example/a\\|b) |\n"
        "| https://bare.example/ | <https://auto.example/> |\n"
    )
    assert _fast(text) == _slow(text)
    assert [found[0] for found in _fast(text)] == [
        "https://t.example/a|b",
        "https://bare.example/",
        "https://auto.example/",
    ]


def test_a_table_after_a_paragraph_line_is_left_to_markdown_it_py_when_it_matters() -> None:
    # GFM lets a table interrupt a paragraph; pulldown-cmark reads its lines as text.
    # The links are the same unless a "|" or a row's end cuts a link, span or URL.
    plain = "Options:\n| a | b |\n|---|---|\n| [x](https://x.example/) | https://y.example/ |\n"
    assert stream_markdown_fast(plain) is not None
    assert _fast(plain) == _slow(plain)
    for cut in (
        "Options:\n| a | b |\n|---|---|\n| [x | y](https://x.example/) | z |\n",
        "Options:\n|a|b|\n|-|-|\n|https://x.example/|y|\n",
        "> Options:\n> | a |\n> | - |\n> | `x|https://y.example/` |\n",
        "Options:\n| a |\n| - |\n| ![a\nb](https://x.example/) |\n",
    ):
        assert stream_markdown_fast(cut) is None, cut
        assert list(extract_links("markdown", cut)) == in_order(extract_markdown_slow(cut))


def test_table_rows_that_gfm_reads_otherwise() -> None:
    # A row indented 4 columns ends the table and opens code; in a cell, "\|" is "|"
    # before anything else is read, in an autolink too.
    text = (
        "| a |\n| - |\n    [code](https://code.example/)\n\n"
        "| a \\| b |\n| - |\n| <https://d.example/a\\|b> [c](https://c.example/a\\|b) |\n"
    )
    assert _fast(text) == _slow(text)
    assert [found[0] for found in _fast(text)] == ["https://d.example/a|b", "https://c.example/a|b"]


def test_a_text_with_nul_is_left_to_markdown_it_py() -> None:
    text = "[a](https://a\x00.example/)\n"  # CommonMark reads NUL as U+FFFD
    assert stream_markdown_fast(text) is None
    assert [link.written for link in extract_links("markdown", text)] == [
        "https://a\ufffd.example/"
    ]


@pytest.mark.parametrize(
    ("front_matter", "hidden"),
    [
        ("---\nurl: https://fm.example/\n---\n", True),
        ("---\nurl: https://fm.example/\n...\n", True),  # YAML's document end
        ("----\nurl: https://fm.example/\n  -----\n", True),
        ("--- x\nurl: https://fm.example/\n---\n", True),
        ("---\nurl: https://fm.example/\n--\n", False),  # never closed: a rule and text
        ("\n---\nurl: https://fm.example/\n---\n", False),  # not on the first line
    ],
)
def test_front_matter_only_at_the_very_start(front_matter: str, hidden: bool) -> None:
    text = front_matter + "[after](https://after.example/) é\n"
    assert _fast(text) == _slow(text)
    written = [found[0] for found in _fast(text)]
    assert ("https://fm.example/" not in written) is hidden
    assert "https://after.example/" in written


def test_rules_written_with_dashes_hide_nothing() -> None:
    # pulldown-cmark's YAML metadata blocks may start anywhere (pulldown-cmark issue
    # 1000): with them on, the text between these two rules would be lost.
    text = "# Title\n\n---\n[between](https://between.example/)\n\n---\n\nend\n"
    assert _fast(text) == _slow(text)
    assert [found[0] for found in _fast(text)] == ["https://between.example/"]


def test_definition_then_indented_line_goes_on_as_text_as_commonmark_says() -> None:
    # CommonMark (commonmark.js, cmark-gfm, pulldown-cmark) reads the indented line as
    # the rest of the paragraph the definition opened; markdown-it-py as indented code.
    text = "[r]: https://r.example/\n    https://then.example/ [x](https://x.example/)\n"
    assert _fast(text) == [
        ("https://r.example/", 1, 6, "markdown-reference", None),
        ("https://then.example/", 2, 5, "bare-url", None),
        ("https://x.example/", 2, 31, "markdown-link", "x"),
    ]
    assert [found[0] for found in _slow(text)] == ["https://r.example/"]


def test_definition_then_html_tag_line_goes_on_as_text_as_commonmark_says() -> None:
    # The same: a lone tag that cannot interrupt a paragraph is inline HTML there.
    text = '[r]: https://r.example/\n<a href="https://tag.example/">\n[x](https://x.example/)\n'
    assert [found[0] for found in _fast(text)] == [
        "https://r.example/",
        "https://tag.example/",
        "https://x.example/",
    ]
    assert [found[0] for found in _slow(text)] == ["https://r.example/", "https://tag.example/"]


def test_a_bare_url_written_with_entities_is_placed_where_it_starts() -> None:
    text = "see `x` https&#58;//entity.example/p and https://plain.example/\n"
    assert _fast(text) == [
        ("https://entity.example/p", 1, 9, "bare-url", None),
        ("https://plain.example/", 1, 42, "bare-url", None),
    ]


def test_links_inside_an_image_description_are_plain_text() -> None:
    text = "![a [b](https://inner.example/) <https://auto.example/>](https://img.example/)\n"
    assert _fast(text) == _slow(text)
    assert [found[0] for found in _fast(text)] == ["https://img.example/"]


def test_rejected_schemes_are_kept_without_the_slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_slow_path(text: str) -> Iterator[RawLink]:
        raise AssertionError("read by markdown-it-py")

    monkeypatch.setattr("citecheck.links.extract.markdown.extract_markdown_slow", no_slow_path)
    text = (
        "[a](javascript:alert(1)) [b](vbscript:x) [c](file:///etc/x) ![d](data:image/png;base64,AA)"
        " [e](JAVA&#83;CRIPT:x)\n\n[f]: data:text/html,x\n"
    )
    assert [link.written for link in extract_links("markdown", text)] == [
        "javascript:alert(1)",
        "vbscript:x",
        "file:///etc/x",
        "data:image/png;base64,AA",
        "JAVASCRIPT:x",
        "data:text/html,x",
    ]


def test_crlf_line_endings() -> None:
    text = (
        "---\r\na: https://fm.example/\r\n---\r\n[x](https://a.example/) <https://b.example/>\r\n"
        "\r\n> [d]:\r\n> https://d.example/\r\n\r\n![a\r\nb](i.png)\r\n"
    )
    assert _fast(text) == _slow(text)
    assert _fast(text) == [
        ("https://a.example/", 4, 5, "markdown-link", "x"),
        ("https://b.example/", 4, 26, "markdown-autolink", "https://b.example/"),
        ("https://d.example/", 7, 3, "markdown-reference", None),
        ("i.png", 10, 4, "markdown-image", "a\nb"),
    ]


def test_autolinks_are_placed_at_their_first_character() -> None:
    text = "<mailto:a@b.example> and <c@d.example> and <HTTPS://E.example/?a&amp;b>\n"
    assert _fast(text) == _slow(text)
    assert _fast(text) == [
        ("mailto:a@b.example", 1, 2, "markdown-autolink", "mailto:a@b.example"),
        ("mailto:c@d.example", 1, 27, "markdown-autolink", "c@d.example"),
        ("HTTPS://E.example/?a&amp;b", 1, 45, "markdown-autolink", "HTTPS://E.example/?a&amp;b"),
    ]


def test_image_descriptions_over_lines_in_quotes_and_lists() -> None:
    text = "> ![a\n> b](q.png)\n\n- ![c\n  d](l.png)\n"
    assert _fast(text) == _slow(text)
    assert [found[4] for found in _fast(text)] == ["a\nb", "c\nd"]


def test_a_text_the_parser_refuses_is_read_by_the_slow_path() -> None:
    text = "[a](https://a.example/) \ud800 https://b.example/\n"  # a lone surrogate
    assert stream_markdown_fast(text) is None
    assert [link.written for link in extract_links("markdown", text)] == [
        "https://a.example/",
        "https://b.example/",
    ]
