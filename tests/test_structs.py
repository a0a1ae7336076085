"""Fields kept out of ==, hash() and repr() on the Structs that had them so as
dataclasses: a Fetch's page, a LinkPolicy's compiled patterns, a report's tally."""

from __future__ import annotations

import pickle
from pathlib import Path

from citecheck.links.formats.report import LinksReport, Tally
from citecheck.links.policy import LinkPolicy
from citecheck.models import Fetch, LinkStatus


def test_a_fetch_equals_the_same_fetch_without_its_page_and_never_prints_it() -> None:
    with_page = Fetch("https://a.example/", LinkStatus.OK, 200, body=b"<html>page</html>")
    without = Fetch("https://a.example/", LinkStatus.OK, 200)

    assert with_page == without and hash(with_page) == hash(without)
    assert with_page != Fetch("https://a.example/", LinkStatus.BROKEN, 404)
    assert "page" not in repr(with_page) and "status=" in repr(with_page)
    assert pickle.loads(pickle.dumps(with_page)).body == b"<html>page</html>"


def test_policies_compare_by_their_options_not_their_compiled_patterns() -> None:
    one, same, other = LinkPolicy(exclude=("x",)), LinkPolicy(exclude=("x",)), LinkPolicy()

    assert one == same and hash(one) == hash(same) and one != other
    assert repr(one) == (
        "LinkPolicy(include=(), exclude=('x',), ignore_file_patterns=(), accept=(), remap=())"
    )


def test_a_report_compares_without_its_tally() -> None:
    counted = LinksReport(results=(), root=Path("/r"), tally=Tally())
    bare = LinksReport(results=(), root=counted.root)

    assert counted == bare and "tally" not in repr(counted)
