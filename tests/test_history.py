"""Run history: two runs into one database through the Store API, then the diff between them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from citecheck.errors import StoreError
from citecheck.models import (
    ArchiveStatus,
    Capture,
    Claim,
    Document,
    Fetch,
    LinkStatus,
    Reference,
    ReferenceResult,
    Verdict,
    VerdictLabel,
)
from citecheck.store import Store

GOLDEN = Path(__file__).parent / "golden"

REFS = (
    Reference(id="ref-mill", marker="mill", url="https://mill.example/history", title="The mill"),
    Reference(id="ref-weir", marker="weir", url="https://weir.example/report", title="Weir report"),
    Reference(id="ref-ford", marker="ford", url="https://ford.example/", title="Ford notes"),
    Reference(id="ref-lock", marker="lock", url="https://lock.example/", title="Lock keeper"),
)
CLAIMS = (
    Claim(id="c-mill", text="The mill opened in 1871.", markers=("mill",)),
    Claim(id="c-weir", text="The weir was rebuilt in 1903.", markers=("weir",)),
)

# run 1: mill ok, weir dead, ford ok, lock dead but archived; claim c-weir supported.
# run 2: mill dead (new), weir ok (fixed), ford removed, a new ref "bridge"; c-weir not supported.
FIRST = {"ref-mill": LinkStatus.OK, "ref-weir": LinkStatus.BROKEN, "ref-ford": LinkStatus.OK,
         "ref-lock": LinkStatus.UNREACHABLE}
SECOND = {"ref-mill": LinkStatus.BROKEN, "ref-weir": LinkStatus.OK,
          "ref-lock": LinkStatus.UNREACHABLE, "ref-bridge": LinkStatus.OK}
BRIDGE = Reference(id="ref-bridge", marker="bridge", url="https://bridge.example/", title="Bridge")


def save_run(
    store: Store,
    statuses: dict[str, LinkStatus],
    verdicts: dict[str, VerdictLabel],
    source: str = "mill.wiki",
    status: str = "complete",
) -> int:
    refs = tuple(r for r in (*REFS, BRIDGE) if r.id in statuses)
    run_id = store.start_run("check", {})
    document_id = store.save_document(
        run_id, Document(source=source, kind="wikitext", references=refs, claims=CLAIMS)
    )
    for ref in refs:
        archived = ref.id == "ref-lock"
        capture = Capture(ref.url or "", ArchiveStatus.FOUND, url="https://archive.example/x",
                          timestamp="20200101000000") if archived else None
        link = Fetch(url=ref.url or "", status=statuses[ref.id], http_status=200)
        store.save_reference_result(run_id, document_id, ReferenceResult(ref, link, capture))
    for claim in CLAIMS:
        ref_id = "ref-" + claim.markers[0]
        store.save_verdict(
            run_id, document_id, Verdict(claim.id, ref_id, verdicts[claim.id], 0.5)
        )
    store.finish_run(run_id, status)
    return run_id


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "history.db"


@pytest.fixture
def two_runs(db_path: Path) -> tuple[int, int]:
    with Store(db_path) as store:
        first = save_run(store, FIRST, {"c-mill": VerdictLabel.SUPPORTED,
                                        "c-weir": VerdictLabel.SUPPORTED})
        second = save_run(store, SECOND, {"c-mill": VerdictLabel.SUPPORTED,
                                          "c-weir": VerdictLabel.NOT_SUPPORTED})
    return first, second


def test_diff_finds_the_new_dead_link_the_fixed_link_and_the_changed_verdict(
    db_path: Path, two_runs: tuple[int, int]
) -> None:
    with Store(db_path) as store:
        diff = store.compare_runs(*two_runs)
    assert diff.by == "documents"
    problems = {(c.kind, c.key, c.before, c.after) for c in diff.new_problems}
    assert problems == {
        ("dead_link", "ref-mill", "ok", "broken"),
        ("not_supported", "c-weir / ref-weir", "supported", "not_supported"),
    }
    assert [(c.key, c.before, c.after) for c in diff.fixed] == [("ref-weir", "broken", "ok")]
    assert [(c.key, c.before, c.after) for c in diff.changed_verdicts] == [
        ("c-weir / ref-weir", "supported", "not_supported")
    ]
    assert [c.key for c in diff.new_references] == ["ref-bridge"]
    assert [c.key for c in diff.removed_references] == ["ref-ford"]
    # The archived dead link stays dead but is not a problem in either run.
    assert "ref-lock" not in {c.key for c in (*diff.new_problems, *diff.fixed)}
    assert diff.worse and diff.better


def test_the_reverse_diff_swaps_new_problems_and_fixes(
    db_path: Path, two_runs: tuple[int, int]
) -> None:
    first, second = two_runs
    with Store(db_path) as store:
        diff = store.compare_runs(second, first)
    assert {c.key for c in diff.fixed} == {"ref-mill", "c-weir / ref-weir"}
    assert [c.key for c in diff.new_problems] == ["ref-weir"]
    assert not diff.worse_verdicts


def test_a_run_compared_with_itself_is_unchanged(db_path: Path, two_runs: tuple[int, int]) -> None:
    with Store(db_path) as store:
        diff = store.compare_runs(two_runs[1], two_runs[1])
    assert diff.unchanged and not diff.worse and not diff.better


def test_comparing_with_a_missing_run_is_a_store_error(
    db_path: Path, two_runs: tuple[int, int]
) -> None:
    with Store(db_path) as store, pytest.raises(StoreError, match="no run 99"):
        store.compare_runs(two_runs[0], 99)


def test_previous_run_is_the_same_command_over_the_same_documents(db_path: Path) -> None:
    verdicts = {"c-mill": VerdictLabel.SUPPORTED, "c-weir": VerdictLabel.SUPPORTED}
    with Store(db_path) as store:
        first = save_run(store, FIRST, verdicts)
        other_document = save_run(store, FIRST, verdicts, source="other.wiki")
        interrupted = save_run(store, FIRST, verdicts, status="interrupted")
        verify_run = store.start_run("verify", {})
        store.finish_run(verify_run)
        latest = save_run(store, SECOND, verdicts)
        assert store.previous_run_id(latest) == first
        assert store.previous_run_id(latest, sources=["other.wiki"]) == other_document
        assert store.previous_run_id(latest, command="verify", sources=[]) == verify_run
        assert store.previous_run_id(first) is None
        assert interrupted not in {store.previous_run_id(r) for r in (latest, other_document)}


def test_link_only_runs_are_compared_url_by_url(db_path: Path) -> None:
    def links_run(store: Store, statuses: dict[str, LinkStatus]) -> int:
        run_id = store.start_run("links", {"sources": ["docs/"]})
        for url, status in statuses.items():
            store.record_fetch(run_id, Fetch(url=url, status=status))
        store.finish_run(run_id)
        return run_id

    with Store(db_path) as store:
        first = links_run(store, {"https://a.example/": LinkStatus.OK,
                                  "https://b.example/": LinkStatus.BROKEN,
                                  "https://c.example/": LinkStatus.BLOCKED})
        second = links_run(store, {"https://a.example/": LinkStatus.TIMEOUT,
                                   "https://b.example/": LinkStatus.OK,
                                   "https://c.example/": LinkStatus.OK})
        assert store.previous_run_id(second) == first
        diff = store.compare_runs(first, second)
    assert diff.by == "urls"
    assert [(c.key, c.after) for c in diff.new_problems] == [("https://a.example/", "timeout")]
    assert [c.key for c in diff.fixed] == ["https://b.example/"]
    assert len(diff.changed_links) == 3
    assert diff.worse


def test_run_history_counts_links_and_verdicts_per_run(
    db_path: Path, two_runs: tuple[int, int]
) -> None:
    with Store(db_path) as store:
        points = store.run_history()
    assert [p.run_id for p in points] == list(two_runs)
    assert points[0].links == {"broken": 1, "ok": 2, "unreachable": 1}
    assert points[1].verdicts == {"not_supported": 1, "supported": 1}


# -- the command line ----------------------------------------------------------------


def run_report(*args: str) -> tuple[int, str]:
    from citecheck.cli.report import report  # here: the CLI package imports every command

    result = CliRunner().invoke(report, [str(a) for a in args])
    return result.exit_code, result.output


def test_report_since_last_prints_what_got_worse_and_better(
    db_path: Path, two_runs: tuple[int, int]
) -> None:
    code, out = run_report("--db", str(db_path), "--since", "last")
    assert code == 0, out
    assert out.splitlines()[0] == "Run 1 → run 2: worse (2 new problems, 1 fixed)"
    assert "new dead link: [mill] The mill" in out
    assert "fixed link: [weir] Weir report (broken → ok)" in out
    assert "verdict changed" in out and "supported → not supported" in out


@pytest.mark.parametrize("fmt", ["json", "md"])
def test_report_diff_matches_golden(db_path: Path, two_runs: tuple[int, int], fmt: str) -> None:
    code, out = run_report("--db", str(db_path), "--diff", "1", "2", "--format", fmt)
    assert code == 0, out
    golden = GOLDEN / f"diff_sample.{fmt}"
    if os.environ.get("CITECHECK_UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(out)["worse"] is True


def test_report_since_a_run_number_compares_it_with_the_latest(
    db_path: Path, two_runs: tuple[int, int]
) -> None:
    code, out = run_report("--db", str(db_path), "--since", "2", "--format", "json")
    assert code == 0
    assert json.loads(out)["old_run_id"] == 2 and json.loads(out)["new_run_id"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "soon"), "--since"),
        (("--diff", "1", "7"), "no run 7"),
        (("--diff", "1", "2", "--format", "html"), "--format"),
    ],
)
def test_report_diff_mistakes_are_one_line_errors(
    db_path: Path, two_runs: tuple[int, int], args: tuple[str, ...], message: str
) -> None:
    code, out = run_report("--db", str(db_path), *args)
    assert code == 2
    assert message in out


def test_since_last_without_an_earlier_run_says_so(db_path: Path) -> None:
    with Store(db_path) as store:
        save_run(store, FIRST, {"c-mill": VerdictLabel.SUPPORTED,
                                "c-weir": VerdictLabel.SUPPORTED})
    code, out = run_report("--db", str(db_path), "--since", "last")
    assert code == 2
    assert "no earlier complete run" in out


def test_report_writes_csv_and_a_history_chart_linked_to_datasette(
    db_path: Path, two_runs: tuple[int, int], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, printed = run_report(
        "--db", str(db_path), "--out", str(out), "--format", "html,csv", "--history",
        "--datasette-url", "http://127.0.0.1:8001/",
    )
    assert code == 0, printed
    assert sorted(p.name for p in out.iterdir()) == [
        "run-2-claims.csv", "run-2-links.csv", "run-2-references.csv", "run-2.html",
    ]
    html = (out / "run-2.html").read_text(encoding="utf-8")
    assert 'id="chart-history"' in html and "run 1 · check" in html
    assert "http://127.0.0.1:8001/history/link_results?run_id=2" in html


def test_report_refuses_a_datasette_url_that_is_not_http(
    db_path: Path, two_runs: tuple[int, int]
) -> None:
    code, out = run_report("--db", str(db_path), "--datasette-url", "javascript:alert(1)")
    assert code == 2 and "--datasette-url" in out
