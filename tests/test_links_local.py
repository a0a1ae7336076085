"""Local targets: files and folders on disk, and fragments against their anchors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citecheck.cli import cli
from citecheck.links.collect import CollectOptions, collect_links
from citecheck.links.local import (
    FragmentCache,
    anchors_of,
    check_local,
    github_slug,
    remote_fragment_ok,
)
from citecheck.links.model import Link, Origin
from citecheck.models import LinkStatus

FIXTURES = Path(__file__).parent / "fixtures" / "links"
GUIDE = FIXTURES / "docs" / "guide" / "README.md"


def local_results(document: Path, root: Path) -> dict[str, tuple[LinkStatus, str | None]]:
    options = CollectOptions(root_dir=str(root))
    cache = FragmentCache()
    results = {}
    for link in collect_links([str(document)], options):
        assert isinstance(link, Link)
        if link.is_local:
            result = check_local(link, cache=cache)
            results[link.written] = (result.status, result.error)
    return results


def test_relative_links_and_fragments_in_a_markdown_guide() -> None:
    results = local_results(GUIDE, root=FIXTURES)
    ok = (LinkStatus.OK, None)
    assert results["#guide"] == ok
    assert results["#notes-1"] == ok  # the second "Notes" heading, as GitHub numbers it
    assert results["#custom-anchor"] == ok  # {#custom-anchor}
    assert results["#old-name"] == ok  # <a name="old-name">
    assert results["../links.md#links-of-every-markdown-kind"] == ok
    assert results["../images/"] == ok  # a folder
    assert results["./#guide"] == ok  # a folder's fragment: its README
    assert results["/docs/guide/README.md"] == ok  # leading "/" = the input root
    assert results["../file%20with%20spaces.md"] == ok  # percent-decoded on disk
    assert results["#no-such-heading"] == (
        LinkStatus.BROKEN,
        "fragment not found: #no-such-heading",
    )
    status, error = results["../missing.md"]
    assert status is LinkStatus.BROKEN
    assert error is not None
    assert error.startswith("file not found: ")
    assert error.endswith("missing.md")


def test_html_ids_and_names_are_fragment_targets() -> None:
    results = local_results(FIXTURES / "site" / "page.html", root=FIXTURES / "site")
    assert results["#top"] == (LinkStatus.OK, None)
    assert results["other.html#part"] == (LinkStatus.OK, None)
    assert results["#nowhere"] == (LinkStatus.BROKEN, "fragment not found: #nowhere")
    assert results["style.css"][0] is LinkStatus.BROKEN  # no such file in the fixture


def stdin_results(text: str) -> list[tuple[str, str, str | None, dict[str, Any]]]:
    """`citecheck links -` as the CLI runs it: (written, status, error, origin) a link."""
    result = CliRunner().invoke(
        cli, ["links", "-", "--no-cache", "--offline", "--format", "json"], input=text
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return [
        (link["url"].partition("#")[2], link["status"], link["error"], link["origin"])
        for link in json.loads(result.stdout)["links"]
    ]


@pytest.mark.parametrize(
    ("text", "top", "nope"),
    [
        ("# Top\n\nSee [t](#top) and [b](#nope).\n", (3, 9), (3, 23)),
        (
            '<!DOCTYPE html>\n<h1 id="top">Top</h1>\n<a href="#top">t</a> <a href="#nope">b</a>\n',
            (3, 10),
            (3, 31),
        ),
        ("Top\n===\n\nSee `t <#top>`_ and `b <#nope>`_.\n", (4, 9), (4, 25)),
    ],
    ids=["markdown", "html", "rst"],
)
def test_stdin_fragments_are_checked_against_the_stdin_text(
    text: str, top: tuple[int, int], nope: tuple[int, int], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert stdin_results(text) == [
        ("top", "ok", None, {"path": "-", "line": top[0], "column": top[1]}),
        ("nope", "broken", "fragment not found: #nope",
         {"path": "-", "line": nope[0], "column": nope[1]}),
    ]


def test_stdin_fragments_use_this_runs_text_not_an_earlier_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert stdin_results("# Top\n\n[t](#top)\n")[0][1] == "ok"
    assert stdin_results("# Other\n\n[t](#top) [o](#other) [l](#L2)\n") == [
        ("top", "broken", "fragment not found: #top", {"path": "-", "line": 3, "column": 5}),
        ("other", "ok", None, {"path": "-", "line": 3, "column": 15}),
        ("L2", "ok", None, {"path": "-", "line": 3, "column": 27}),  # a line anchor
    ]


def test_a_same_file_fragment_in_a_local_file_gets_the_same_error(tmp_path: Path) -> None:
    document = tmp_path / "a.md"
    document.write_text("# Top\n\nSee [t](#top) and [b](#nope).\n", encoding="utf-8")
    assert local_results(document, root=tmp_path) == {
        "#top": (LinkStatus.OK, None),
        "#nope": (LinkStatus.BROKEN, "fragment not found: #nope"),
    }


def test_rst_sections_and_targets_are_anchors(tmp_path: Path) -> None:
    target = tmp_path / "notes.rst"
    target.write_text(
        "Notes\n=====\n\n.. _Install Guide:\n\n2. Second Section!\n------------------\n",
        encoding="utf-8",
    )
    assert {"notes", "install-guide", "second-section"} <= anchors_of(target)


def test_wikitext_headings_are_anchors_with_underscores(tmp_path: Path) -> None:
    target = tmp_path / "a.wiki"
    target.write_text("== Early life ==\n{{anchor|Birth place}}\n", encoding="utf-8")
    assert {"Early_life", "Birth_place"} <= anchors_of(target)


def test_fragments_are_not_checked_when_switched_off_or_unknowable(tmp_path: Path) -> None:
    code = tmp_path / "tool.py"
    code.write_text("print()\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text("# Only\n", encoding="utf-8")
    unknowable = Link(code.as_uri() + "#anything", Origin("x.md"))
    switched_off = Link(readme.as_uri() + "#missing", Origin("x.md"))
    line_anchor = Link(readme.as_uri() + "#L1-L3", Origin("x.md"))
    assert check_local(unknowable).status is LinkStatus.OK
    assert check_local(switched_off, check_fragments=False).status is LinkStatus.OK
    assert check_local(switched_off).status is LinkStatus.BROKEN
    assert check_local(line_anchor).status is LinkStatus.OK


def test_fragment_cache_parses_each_target_once(tmp_path: Path) -> None:
    target = tmp_path / "t.md"
    target.write_text("# First\n", encoding="utf-8")
    cache = FragmentCache()
    link = Link(target.as_uri() + "#first", Origin("x.md"))
    assert check_local(link, cache=cache).status is LinkStatus.OK
    target.write_text("# Changed\n", encoding="utf-8")  # the cache still has the old anchors
    assert check_local(link, cache=cache).status is LinkStatus.OK
    assert check_local(link).status is LinkStatus.BROKEN


def test_control_characters_in_a_local_path_are_invalid_not_a_crash(tmp_path: Path) -> None:
    link = Link((tmp_path / "bad\x01name.md").as_uri(), Origin("x.md"))
    result = check_local(link)
    assert result.status is LinkStatus.INVALID
    assert result.error == "control character in the link's path"


def test_a_non_file_url_is_invalid_for_the_local_checker() -> None:
    result = check_local(Link("https://a.example/", Origin("x.md")))
    assert result.status is LinkStatus.INVALID


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Getting Started", "getting-started"),
        ("What's new in v2.0?", "whats-new-in-v20"),
        ("Café & Crème", "café--crème"),
        ("snake_case name", "snake_case-name"),
        ("Emoji 🎉 here", "emoji--here"),
    ],
)
def test_github_slug(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


@pytest.mark.parametrize(
    ("body", "content_type", "fragment", "ok"),
    [
        (b'<h2 id="usage">Usage</h2>', "text/html; charset=utf-8", "usage", True),
        (b'<a name="old"></a>', "text/html", "old", True),
        (b'<h2 id="user-content-install">Install</h2>', "text/html", "install", True),
        (b'<h2 id="usage">Usage</h2>', "text/html", "missing", False),
        (b"# Read Me\n", "text/markdown", "read-me", True),
        (b"# Read Me\n", "text/markdown", "nope", False),
        (b"%PDF-1.4", "application/pdf", "page=2", True),  # cannot know: not failed
        (b"<p>x</p>", "text/html", "", True),
    ],
)
def test_remote_fragment_ok(body: bytes, content_type: str, fragment: str, ok: bool) -> None:
    assert remote_fragment_ok(body, content_type, fragment) is ok
