"""Bounded memory for `citecheck links`: what spills to temporary files past the bound
reads back the same, in the same order, and the files are gone afterwards."""

from __future__ import annotations

import json
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from httpservers import Route, ServerURL, serve

from citecheck.fetch import FetchOptions
from citecheck.links.collect import CollectOptions
from citecheck.links.formats import LinksReport, render
from citecheck.links.model import Link, LinkResult, Origin
from citecheck.links.policy import LinkPolicy
from citecheck.links.run import LinksOptions, run_links
from citecheck.links.spill import SPILL_PREFIX, SpillList, SpillMap
from citecheck.models import LinkStatus, Redirect

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files go here, so the test can see what is left behind."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(SPILL_PREFIX))


def test_spill_list_keeps_order_past_the_bound_and_reads_again(scratch: Path) -> None:
    items = SpillList(range(23), bound=5, batch_size=4)
    assert len(items) == 23
    assert items.spilled == 16  # 18 past the bound: four full batches written, two pending
    assert list(items) == list(range(23))
    assert list(items) == list(range(23))  # a second pass reads the file again
    # two passes at once each keep their own place in the file
    assert list(zip(items, items, strict=True)) == [(n, n) for n in range(23)]
    items.close()
    assert items.closed
    assert leftovers(scratch) == []


def test_spill_list_within_the_bound_touches_no_file() -> None:
    items = SpillList(["a", "b"], bound=5)
    assert list(items) == ["a", "b"]
    assert items.spilled == 0 and items.closed


def test_spill_map_past_the_bound_looks_up_updates_and_iterates_in_order(scratch: Path) -> None:
    answers: SpillMap[tuple[int, str]] = SpillMap(bound=3)
    for number in range(10):
        answers[f"k{number}"] = (number, "first")
    answers["k1"] = (1, "again")  # in memory
    answers["k8"] = (8, "again")  # spilled
    assert answers.spilled and leftovers(scratch)  # a real SQLite file while open
    assert len(answers) == 10
    assert answers["k8"] == (8, "again") and answers.get("k7") == (7, "first")
    assert answers.get("nope") is None and "nope" not in answers and "k9" in answers
    with pytest.raises(KeyError):
        answers["nope"]
    assert [key for key, _ in answers.items()] == [f"k{number}" for number in range(10)]
    answers.close()
    assert answers.closed
    assert leftovers(scratch) == []


def test_spill_map_batches_writes_and_reads_many_keys_at_once(scratch: Path) -> None:
    answers: SpillMap[int] = SpillMap(bound=2, batch_size=4)
    for number in range(7):  # k0 k1 in memory; k2 to k5 written together; k6 waiting
        answers[f"k{number}"] = number
    answers["k3"] = 30  # a written key, updated: waits with k6
    assert answers.spilled and leftovers(scratch)
    assert answers.get("k6") == 6 and "k5" in answers and answers["k3"] == 30
    assert answers.get_many(["k0", "k3", "k4", "k6", "nope", "k0"]) == {
        "k0": 0, "k3": 30, "k4": 4, "k6": 6
    }
    assert len(answers) == 7
    # the update kept k3's place; nothing written twice
    assert list(answers.items()) == [
        ("k0", 0), ("k1", 1), ("k2", 2), ("k3", 30), ("k4", 4), ("k5", 5), ("k6", 6)
    ]
    assert answers.get_many(f"k{number}" for number in range(7)) == dict(answers.items())
    answers.close()
    assert leftovers(scratch) == []


def test_spill_map_get_many_reads_past_one_statement_of_keys() -> None:
    answers: SpillMap[str] = SpillMap(bound=10)
    for number in range(1_300):
        answers[f"key {number}"] = f"value {number}"
    wanted = [f"key {number}" for number in range(0, 1_300, 1)]
    found = answers.get_many(wanted)
    assert len(found) == 1_300 and found["key 1299"] == "value 1299"
    answers.close()


def test_link_results_come_back_from_pickle_with_every_field() -> None:
    result = LinkResult(
        Link("https://a.example/x", Origin("docs/a.md", 3, 7), "x", "the text", "a[href]"),
        LinkStatus.REDIRECTED, 301, "https://a.example/y",
        (Redirect("https://a.example/x", 301),), "moved", 12.5, True, True,
    )
    assert pickle.loads(pickle.dumps(result)) == result


@pytest.fixture
def site() -> Iterator[ServerURL]:
    routes: dict[str, Any] = {
        "/ok": Route(200, body=b"<title>Hi</title><h2 id='part'>Part</h2>", headers=HTML),
        "/moved": Route(301, headers={"Location": "/ok"}),
        "/gone": Route(404, body=b"<title>Gone</title>", headers=HTML),
        "/soft": Route(200, body=b"<title>Page not found</title>", headers=HTML),
        "/wall": Route(403, body=b"<title>Denied</title>", headers=HTML),
    }
    with serve(routes) as base_url:
        yield base_url


def many_links(base: str) -> str:
    """Sixty-odd links of every kind, repeated URLs and fragments among them."""
    lines = ["# Links", ""]
    for number in range(12):
        lines += [
            f"- [ok]({base}/ok?n={number}) [again]({base}/ok?n={number // 2})",
            f"- [moved]({base}/moved?n={number}) [gone]({base}/gone)",
            f"- [soft]({base}/soft?n={number}) [wall]({base}/wall?n={number % 3})",
            f"- [part]({base}/ok#part) [nowhere]({base}/ok#nowhere)",
            f"- [skipped](https://skip-me.example/{number}) [local](other.md#top)",
            "- [missing](missing.md)",
        ]
    return "\n".join(lines) + "\n"


def run(folder: Path, bound: int) -> LinksReport:
    options = LinksOptions(
        collect=CollectOptions(include_fragments=True),
        policy=LinkPolicy.from_options(
            include=(), exclude=("skip-me",), accept=None, ignore_file=None
        ),
        fetch=FetchOptions(allow_private=True, max_retries=0, timeout=2.0),
        db=None,
    )
    return run_links([str(folder / "links.md")], options, memory_bound=bound)


def normalized_json(report: LinksReport) -> dict[str, Any]:
    document = json.loads(render(report, "json"))
    for link in document["links"]:
        link["elapsed_ms"] = None  # timings differ between two runs, nothing else may
    document["summary"]["elapsed_ms"] = None
    return document


def test_a_run_past_the_bound_reports_exactly_what_an_in_memory_run_does(
    site: ServerURL, tmp_path: Path, scratch: Path
) -> None:
    (tmp_path / "links.md").write_text(many_links(site))
    (tmp_path / "other.md").write_text("# Top\n")

    in_memory = run(tmp_path, bound=1_000_000)
    spilled = run(tmp_path, bound=5)

    assert isinstance(spilled.results, SpillList) and spilled.results.spilled > 0
    assert isinstance(in_memory.results, SpillList) and in_memory.results.spilled == 0
    assert leftovers(scratch) == []  # the per-URL maps are gone once the run ends
    assert len(spilled.results) == len(in_memory.results) == 12 * 11

    document = normalized_json(spilled)
    assert document == normalized_json(in_memory)
    statuses = {link["status"] for link in document["links"]}
    assert statuses >= {"ok", "redirected", "broken", "soft_404", "blocked", "excluded"}
    assert [link["origin"]["line"] for link in document["links"]] == sorted(
        link["origin"]["line"] for link in document["links"]
    )
    assert document["summary"]["unique_urls"] == len({link["url"] for link in document["links"]})

    def as_markdown(report: LinksReport) -> str:
        return render(msgspec.structs.replace(report, elapsed_ms=1.0), "markdown")

    assert as_markdown(spilled) == as_markdown(in_memory)
    assert spilled.summary()["failures"] == len(list(spilled.failures)) > 0
    assert spilled.exit_code == in_memory.exit_code == 1

    with spilled, in_memory:
        pass
    assert spilled.results.closed
    assert leftovers(scratch) == []
