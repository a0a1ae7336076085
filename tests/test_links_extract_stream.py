"""Link extraction is streamed: a long Markdown text yields its first links after the
parser's first events are read, in document order, and the same links as the whole
text read at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import citecheck.links.extract.markdown_fast as markdown_fast
from citecheck.links.collect import CollectOptions, collect_links, resolve_in_file
from citecheck.links.extract import extract_links
from citecheck.links.extract.markdown_fast import extract_markdown_fast, stream_markdown_fast
from citecheck.links.extract.raw import RawLink
from citecheck.links.model import Link

BATCH = markdown_fast._BATCH  # events taken from the parser at a time
PARSER = markdown_fast._parser()


def _places(links: list[RawLink]) -> list[tuple[int, int]]:
    return [(link.line, link.column) for link in links]


def _whole(text: str) -> list[RawLink]:
    links = extract_markdown_fast(text)
    assert links is not None
    return links


class _Parser:
    """The real parser, counting the events taken from it, failing after `fail_after`."""

    def __init__(self, taken: list[int], fail_after: int | None = None) -> None:
        self.real = PARSER
        self.taken = taken
        self.fail_after = fail_after

    def events_with_range(self, text: str) -> Iterator[Any]:
        for event in self.real.events_with_range(text):
            if len(self.taken) == self.fail_after:
                raise ValueError("odd input")  # as the Rust parser may on odd input
            self.taken.append(1)
            yield event

    def reference_definitions(self, text: str) -> Any:
        return self.real.reference_definitions(text)


@pytest.fixture
def events_taken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the events taken from the parser (one entry per event)."""
    taken: list[int] = []
    monkeypatch.setattr(markdown_fast, "_parser", lambda: _Parser(taken))
    return taken


def _list_text(count: int, *, badges: bool = True) -> str:
    # A badge (image inside a link) puts the link's destination after the image's in
    # the line, but the parser meets the link first: links must be put in order.
    lines = ["# Links\n"]
    for index in range(count):
        label = f"![b{index}](https://img.example/{index}.svg)" if badges else f"b{index}"
        lines.append(f"- [{label}](https://ci.example/{index}) and https://bare.example/{index}\n")
    return "".join(lines)


def test_first_links_come_before_the_rest_is_parsed(events_taken: list[int]) -> None:
    text = _list_text(200)
    stream = stream_markdown_fast(text)
    assert stream is not None
    first = next(stream)
    assert len(events_taken) <= BATCH  # only the first events were read
    rest = list(stream)
    assert len(events_taken) > 10 * BATCH
    assert [first, *rest] == _whole(text)


def test_extract_links_is_lazy(events_taken: list[int]) -> None:
    text = _list_text(3000)  # ~300 KB
    links = extract_links("markdown", text)
    first = next(links)
    assert (first.line, first.written) == (2, "https://img.example/0.svg")
    assert len(events_taken) <= BATCH
    assert sum(1 for _ in links) == 3 * 3000 - 1


def test_order_is_line_then_column_across_batches() -> None:
    text = _list_text(200)
    streamed = list(extract_links("markdown", text))
    assert _places(streamed) == sorted(_places(streamed))
    assert streamed == _whole(text)
    # the image comes before the link it is inside, on each line
    assert [link.element for link in streamed[:3]] == [
        "markdown-image",
        "markdown-link",
        "bare-url",
    ]


def test_references_defined_further_on_are_links_from_the_start(events_taken: list[int]) -> None:
    # A URL in a link's text is no bare URL: whether `[...][label]` is a link decides
    # whether its text yields one, and the labels are defined at the very end.
    uses = "".join(
        f"[see https://a.example/{i} here][a{i}] and [see https://u.example/{i} here][nowhere]\n\n"
        for i in range(60)
    )
    definitions = "".join(f"[a{i}]: https://def.example/{i}\n" for i in range(0, 60, 2))
    text = uses + definitions
    stream = stream_markdown_fast(text)
    assert stream is not None
    first = next(stream)
    assert len(events_taken) <= BATCH  # the definitions are known before any event
    streamed = [first, *stream]
    written = [link.written for link in streamed]
    assert written[:3] == ["https://u.example/0", "https://a.example/1", "https://u.example/1"]
    assert written[-1] == "https://def.example/58"
    assert _places(streamed) == sorted(_places(streamed))


def test_a_parser_failure_midway_goes_on_with_the_slow_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _list_text(3000, badges=False)  # read alike by both paths
    expected = list(extract_links("markdown", text))
    taken: list[int] = []
    monkeypatch.setattr(markdown_fast, "_parser", lambda: _Parser(taken, fail_after=5 * BATCH))
    stream = stream_markdown_fast(text)
    assert stream is not None
    with pytest.raises(markdown_fast.FastPathFailed):
        list(stream)
    assert extract_markdown_fast(text) is None
    assert list(extract_links("markdown", text)) == expected


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "html",
            '<img srcset="a.png 1x, b.png 2x" src="c.png">\n<a href="d.html">d</a>',
            [(1, 14, "a.png"), (1, 24, "b.png"), (1, 39, "c.png"), (2, 10, "d.html")],
        ),
        (
            "rst",
            "see https://b.example/ and `x <https://x.example/>`_\n",
            [(1, 5, "https://b.example/"), (1, 32, "https://x.example/")],
        ),
        (
            "plaintext",
            "https://a.example/ https://b.example/\nhttps://c.example/",
            [
                (1, 1, "https://a.example/"),
                (1, 20, "https://b.example/"),
                (2, 1, "https://c.example/"),
            ],
        ),
    ],
)
def test_every_extractor_yields_in_document_order(
    kind: str, text: str, expected: list[tuple[int, int, str]]
) -> None:
    assert [
        (link.line, link.column, link.written) for link in extract_links(kind, text)
    ] == expected


def test_collect_yields_the_first_link_before_the_file_is_parsed(
    tmp_path: Path, events_taken: list[int]
) -> None:
    path = tmp_path / "big.md"
    path.write_text(_list_text(3000), encoding="utf-8")
    items = collect_links([str(path)], CollectOptions())
    first = next(items)
    assert isinstance(first, Link)
    assert (first.url, first.origin.line, first.origin.column) == (
        "https://img.example/0.svg",
        2,
        10,
    )
    assert len(events_taken) <= BATCH
    assert sum(1 for _ in items) == 3 * 3000 - 1


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "a%20b/ü.md#Sec",
            lambda doc, root: (doc.parent / "a b" / "ü.md").absolute().as_uri() + "#Sec",
        ),
        ("../x/./y.md?q=1", lambda doc, root: (root / "x" / "y.md").absolute().as_uri()),
        ("/top/%25.md", lambda doc, root: (root / "top" / "%.md").absolute().as_uri()),
        ("#only", lambda doc, root: doc.absolute().as_uri() + "#only"),
        ("https://w.example/p#f", lambda doc, root: "https://w.example/p"),
        ("HTTPS://W.example/p#f", lambda doc, root: "HTTPS://W.example/p"),
        ("//cdn.example/x#f", lambda doc, root: "https://cdn.example/x"),
        ("mailto:a@b.example", lambda doc, root: "mailto:a@b.example"),
    ],
)
def test_local_resolution_matches_path_as_uri(
    tmp_path: Path, written: str, expected: Callable[[Path, Path], str]
) -> None:
    root = tmp_path / "x"
    document = root / "docs" / "page.md"
    raw = RawLink(written, 1, 1, "markdown-link")
    assert resolve_in_file(raw, document, root) == expected(document, root)
