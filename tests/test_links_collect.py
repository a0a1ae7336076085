"""Inputs -> Links: files, folders (with .gitignore), globs, stdin, URLs, and bad inputs."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from httpservers import Route, serve

from citecheck.links.collect import (
    STDIN_URL,
    CollectOptions,
    InputProblem,
    Page,
    collect_links,
)
from citecheck.links.extract import RawLink
from citecheck.links.model import Link, Origin


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def links_of(inputs: list[str], **options: object) -> list[Link]:
    found = list(collect_links(inputs, CollectOptions(**options)))  # type: ignore[arg-type]
    assert all(isinstance(item, Link) for item in found), found
    return [item for item in found if isinstance(item, Link)]


def problems_of(inputs: list[str], **options: object) -> list[InputProblem]:
    found = collect_links(inputs, CollectOptions(**options))  # type: ignore[arg-type]
    return [item for item in found if isinstance(item, InputProblem)]


def test_a_file_gives_links_with_origin_and_resolved_urls(tmp_path: Path) -> None:
    doc = write(
        tmp_path / "docs" / "a.md",
        "# A\n\nSee [b](b.md#part), [up](../top.md), [web](https://web.example/p#frag)\n"
        "and [self](#a), [mail](mailto:x@mail.example), [proto](//proto.example/x).\n",
    )
    links = links_of([str(doc)])
    assert [(link.url, link.origin.line, link.origin.column) for link in links] == [
        ((tmp_path / "docs" / "b.md").as_uri() + "#part", 3, 9),
        ((tmp_path / "top.md").as_uri(), 3, 26),
        ("https://web.example/p", 3, 44),  # remote fragments dropped by default
        (doc.as_uri() + "#a", 4, 12),
        ("mailto:x@mail.example", 4, 24),
        ("https://proto.example/x", 4, 56),
    ]
    assert {link.origin.path for link in links} == {str(doc)}
    assert links[0].written == "b.md#part"
    assert links[0].text == "b"


def test_include_fragments_keeps_remote_fragments(tmp_path: Path) -> None:
    doc = write(tmp_path / "a.md", "[web](https://web.example/p#frag)\n")
    (link,) = links_of([str(doc)], include_fragments=True)
    assert link.url == "https://web.example/p#frag"


def test_leading_slash_is_relative_to_the_folder_given(tmp_path: Path) -> None:
    write(tmp_path / "site" / "deep" / "page.md", "[root](/index.md)\n")
    (link,) = links_of([str(tmp_path / "site")])
    assert link.url == (tmp_path / "site" / "index.md").as_uri()
    (link,) = links_of([str(tmp_path / "site")], root_dir=str(tmp_path))
    assert link.url == (tmp_path / "index.md").as_uri()


def test_html_base_href_redirects_relative_links(tmp_path: Path) -> None:
    page = write(
        tmp_path / "p.html",
        '<base href="https://base.example/docs/"><a href="x.html#y">x</a><a href="sub/">s</a>',
    )
    assert [link.url for link in links_of([str(page)])] == [
        "https://base.example/docs/x.html",
        "https://base.example/docs/sub/",
    ]


def test_links_with_spaces_or_control_characters_are_kept_as_written(tmp_path: Path) -> None:
    page = write(tmp_path / "p.html", '<a href="https://a.example/with space\x01">x</a>')
    (link,) = links_of([str(page)])
    assert link.url == "https://a.example/with space\x01"


def test_folder_walk_honours_nested_gitignore_files_and_skips_vcs_folders(
    tmp_path: Path,
) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "build/\n*.draft.md\n")
    write(tmp_path / "docs" / ".gitignore", "private/\n!keep.draft.md\n")
    for name in (
        "docs/index.md",
        "docs/keep.draft.md",  # re-included by the nested .gitignore
        "docs/skip.draft.md",
        "docs/private/secret.md",
        "docs/build/out.html",
        "docs/node_modules/pkg/readme.md",
        "docs/.hg/notes.md",
        "docs/sub/page.rst",
        "docs/image.png",  # not a document
    ):
        write(tmp_path / name, "https://x.example/\n")
    # Walking docs/ also honours the repository's top-level .gitignore.
    paths = [link.origin.path for link in links_of([str(tmp_path / "docs")])]
    assert [Path(path).relative_to(tmp_path).as_posix() for path in paths] == [
        "docs/index.md",
        "docs/keep.draft.md",
        "docs/sub/page.rst",
    ]


def test_folder_walk_without_gitignore_and_with_exclude_paths(tmp_path: Path) -> None:
    write(tmp_path / ".gitignore", "ignored.md\n")
    write(tmp_path / "ignored.md", "https://x.example/\n")
    write(tmp_path / "vendor" / "lib.md", "https://x.example/\n")
    write(tmp_path / "kept.md", "https://x.example/\n")
    everything = links_of([str(tmp_path)], respect_gitignore=False)
    assert sorted(Path(link.origin.path).name for link in everything) == [
        "ignored.md",
        "kept.md",
        "lib.md",
    ]
    some = links_of([str(tmp_path)], exclude_paths=("vendor/",))
    assert [Path(link.origin.path).name for link in some] == ["kept.md"]


def test_glob_inputs_and_duplicate_inputs_are_read_once(tmp_path: Path) -> None:
    write(tmp_path / "docs" / "a.md", "https://a.example/\n")
    write(tmp_path / "docs" / "deep" / "b.md", "https://b.example/\n")
    write(tmp_path / "docs" / "c.txt", "https://c.example/\n")
    pattern = str(tmp_path / "docs" / "**" / "*.md")
    links = links_of([pattern, str(tmp_path / "docs" / "a.md")])
    assert [link.url for link in links] == ["https://a.example/", "https://b.example/"]
    assert problems_of([str(tmp_path / "nothing" / "*.md")]) == [
        InputProblem(str(tmp_path / "nothing" / "*.md"), "no files match this pattern")
    ]


def test_globs_skip_what_gitignore_ignores_as_the_folder_walk_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "ignored/\n*.draft.md\n")
    write(tmp_path / "docs" / ".gitignore", "!keep.draft.md\nprivate/\n")
    for name in (
        "top.md",
        "ignored/secret.md",
        "docs/a.md",
        "docs/x.draft.md",
        "docs/keep.draft.md",  # re-included by the nested .gitignore
        "docs/private/deep/p.md",  # below an ignored folder: its own name matches nothing
    ):
        write(tmp_path / name, f"https://x.example/{name}\n")
    monkeypatch.chdir(tmp_path)

    def read(*inputs: str, **options: object) -> list[str]:
        return [link.origin.path for link in links_of(list(inputs), **options)]

    assert read("**/*.md") == ["docs/a.md", "docs/keep.draft.md", "top.md"]
    # the rules above the glob's folder count too (up to the repository root)
    assert read("docs/**/*.md") == ["docs/a.md", "docs/keep.draft.md"]
    assert read("ig*") == []  # an ignored folder matched by the glob is not walked
    assert read("docs/**/*.md", respect_gitignore=False) == [
        "docs/a.md",
        "docs/keep.draft.md",
        "docs/private/deep/p.md",
        "docs/x.draft.md",
    ]
    # a file named explicitly is always read
    assert read("ignored/secret.md", "docs/x.draft.md") == [
        "ignored/secret.md",
        "docs/x.draft.md",
    ]


def test_globs_honour_the_gitignore_of_their_folder_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / ".gitignore", "ignored/\n")
    write(tmp_path / "ignored" / "secret.md", "https://x.example/\n")
    write(tmp_path / "kept.md", "https://x.example/\n")
    monkeypatch.chdir(tmp_path)
    assert [link.origin.path for link in links_of(["**/*.md"])] == ["kept.md"]
    absolute = str(tmp_path / "**" / "*.md")
    assert [link.origin.path for link in links_of([absolute])] == [str(tmp_path / "kept.md")]


def test_stdin_kind_is_sniffed_and_relative_links_use_the_root(tmp_path: Path) -> None:
    stdin = io.StringIO(
        "<!DOCTYPE html>\n<a href='https://in.example/'>x</a><a href='y.html'>y</a>"
    )
    found = list(collect_links(["-"], CollectOptions(root_dir=str(tmp_path)), stdin=stdin))
    assert [(item.url, item.origin.path, item.element) for item in found] == [  # type: ignore[union-attr]
        ("https://in.example/", "-", "a[href]"),
        ((tmp_path / "y.html").as_uri(), "-", "a[href]"),
    ]


def test_stdin_own_fragments_resolve_to_the_stdin_url(tmp_path: Path) -> None:
    stdin = io.StringIO("# Top\n\nSee [b](#nope), [c](other.md#x) and [d](#).\n")
    found = list(collect_links(["-"], CollectOptions(root_dir=str(tmp_path)), stdin=stdin))
    assert [(item.url, item.written, item.origin) for item in found] == [  # type: ignore[union-attr]
        (f"{STDIN_URL}#nope", "#nope", Origin("-", 3, 9)),
        ((tmp_path / "other.md").as_uri() + "#x", "other.md#x", Origin("-", 3, 21)),
    ]


def test_url_input_is_fetched_and_relative_links_resolve_against_the_page() -> None:
    page = (
        b"<html><body><a href='/about'>about</a> <a href='next.html#s'>next</a>"
        b" <a href='#top'>top</a> <a href='https://other.example/x'>x</a></body></html>"
    )
    routes = {"/docs/index.html": Route(200, body=page, headers={"Content-Type": "text/html"})}

    def fetch_page(url: str) -> Page:
        response = requests.get(url, timeout=5)
        response.raise_for_status()
        return Page(response.url, response.content, response.headers.get("Content-Type"))

    with serve(routes) as base:
        page_url = f"{base}/docs/index.html"
        found = list(collect_links([page_url], CollectOptions(), fetch_page=fetch_page))
        with_fragments = list(
            collect_links([page_url], CollectOptions(include_fragments=True), fetch_page=fetch_page)
        )
        missing = list(collect_links([f"{base}/gone"], CollectOptions(), fetch_page=fetch_page))
    assert [(item.url, item.origin.path) for item in found] == [  # type: ignore[union-attr]
        (f"{base}/about", page_url),
        (f"{base}/docs/next.html", page_url),
        ("https://other.example/x", page_url),
    ]
    assert [item.url for item in with_fragments] == [  # type: ignore[union-attr]
        f"{base}/about",
        f"{base}/docs/next.html#s",
        f"{page_url}#top",
        "https://other.example/x",
    ]
    assert len(missing) == 1
    assert isinstance(missing[0], InputProblem)
    assert missing[0].message.startswith("cannot fetch: 404")


def test_url_input_without_a_fetcher_is_a_problem() -> None:
    assert problems_of(["https://page.example/"]) == [
        InputProblem("https://page.example/", "URL inputs need a fetcher (none was given)")
    ]


def test_bad_inputs_are_problems_and_the_run_goes_on(tmp_path: Path) -> None:
    binary = tmp_path / "blob.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR https://hidden.example/")
    big = write(tmp_path / "big.md", "https://big.example/\n" * 10)
    good = write(tmp_path / "good.md", "https://good.example/\n")
    found = list(
        collect_links(
            [str(binary), str(tmp_path / "missing.md"), str(big), str(good)],
            CollectOptions(max_file_bytes=100),
        )
    )
    assert found[:3] == [
        InputProblem(str(binary), "binary file (contains NUL bytes): not a document"),
        InputProblem(str(tmp_path / "missing.md"), "no such file or folder"),
        InputProblem(str(big), "too large to read: 210 bytes (limit 100)"),
    ]
    assert [item.url for item in found[3:]] == ["https://good.example/"]  # type: ignore[union-attr]


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:  # sparse: 1 GB on paper, nothing on disk
        handle.truncate(2**30)
    assert problems_of([str(huge)]) == [
        InputProblem(str(huge), f"too large to read: {2**30} bytes (limit {50 * 2**20})")
    ]


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    folder_named_like_a_file = tmp_path / "dir.md"
    folder_named_like_a_file.mkdir()
    locked = write(tmp_path / "locked.md", "https://x.example/\n")
    locked.chmod(0)
    try:
        problems = problems_of([str(locked)])
    finally:
        locked.chmod(0o644)
    if problems:  # root can read anything: then there is nothing to assert
        assert problems[0].message.startswith("cannot read: ")


def test_an_extractor_failing_on_one_input_is_that_inputs_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever an extractor raises on odd input ends that input's links with a named
    problem (the links found before it stand) and the other inputs are read."""
    import citecheck.links.collect as collect

    real = collect.extract_links

    def failing(kind: str, text: str) -> Iterator[RawLink]:
        yield from real(kind, text.split("BOOM")[0])
        if "BOOM" in text:
            raise ValueError("odd input")

    monkeypatch.setattr(collect, "extract_links", failing)
    (tmp_path / "bad.md").write_text("[a](https://a.example/)\n\nBOOM [b](https://b.example/)\n")
    (tmp_path / "good.md").write_text("[c](https://c.example/)\n")

    inputs = [str(tmp_path / "bad.md"), str(tmp_path / "good.md")]
    found = list(collect_links(inputs, CollectOptions()))

    links = [item.url for item in found if isinstance(item, Link)]
    problems = [item for item in found if isinstance(item, InputProblem)]
    assert links == ["https://a.example/", "https://c.example/"]
    assert len(problems) == 1 and problems[0].source.endswith("bad.md")
    assert problems[0].message == "cannot read all its links (markdown): ValueError: odd input"
