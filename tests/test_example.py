"""The bundled example end to end, replayed from its WARC: the README's main job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_run import citecheck

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "references" / "kestrel-point-lighthouse.wiki"
WARC = ROOT / "references" / "kestrel-point-sources.warc.gz"


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], str]:
    work = tmp_path_factory.mktemp("example")
    result = citecheck(
        "check", ARTICLE, "--replay", WARC, "--db", work / "c.db", "--out", work / "out", "-q",
        "--drift",
        cwd=work,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr  # one dead link has no archive: a problem
    report = json.loads((work / "out" / "run-1.json").read_text())
    return work, report, result.stderr


def references_by_url(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (document,) = report["documents"]
    return {ref["url"] or ref["id"]: ref for ref in document["references"]}


def test_every_reference_is_reported_with_its_link_status(example_run: Any) -> None:
    _, report, _ = example_run
    assert report["schema"] == "citecheck/1"
    refs = references_by_url(report)
    assert len(refs) == 7
    status = {url: ref["link"]["status"] for url, ref in refs.items()}
    assert status["https://news.example/2017/kestrel-point-history"] == "ok"
    assert status["https://heritage.example/people/amelia-strand"] == "broken"
    assert status["https://www.varrow.example/news/kestrel-point-reopens"] == "redirected"
    assert status["https://ferries.example/timetable/summer"] == "broken"
    book = next(ref for ref in refs.values() if ref["url"] is None)
    assert book["link"]["status"] == "no_url"
    assert book["title"] == "Lights of the Northern Isles"


def test_dead_link_uses_the_capture_before_the_access_date(example_run: Any) -> None:
    _, report, _ = example_run
    strand = references_by_url(report)["https://heritage.example/people/amelia-strand"]
    assert strand["archive"]["status"] == "found"
    # 2021-04-12 is before the access-date 2021-05-20; the 2023 capture is a "page moved" stub.
    assert strand["archive"]["timestamp"] == "20210412093000"
    (document,) = report["documents"]
    claim = next(c for c in document["claims"] if "Amelia Strand" in c["text"])
    verdict = claim["verdicts"][0]
    assert verdict["verdict"] == "supported"
    assert any("breakwater" in e["text"] for e in verdict["evidence"])


def test_dead_link_without_archive_is_the_problem(example_run: Any) -> None:
    _, report, _ = example_run
    ferries = references_by_url(report)["https://ferries.example/timetable/summer"]
    assert ferries["archive"]["status"] == "not_found"
    assert any(c["name"] == "dead_link" and c["level"] == "error" for c in ferries["checks"])
    assert report["summary"]["dead_without_archive"] == 1


def test_claims_are_tied_to_their_markers_and_reused_refs(example_run: Any) -> None:
    _, report, _ = example_run
    (document,) = report["documents"]
    marker_sets = [claim["markers"] for claim in document["claims"]]
    assert sum(markers.count("history") for markers in marker_sets) == 2  # defined once, reused


def test_a_changed_number_is_not_support(example_run: Any) -> None:
    _, report, _ = example_run
    (document,) = report["documents"]
    claim = next(c for c in document["claims"] if "automated in 1962" in c["text"])
    verdict = claim["verdicts"][0]
    assert verdict["verdict"] != "supported"


def test_an_older_source_for_a_later_event_is_an_anachronism(example_run: Any) -> None:
    _, report, _ = example_run
    (document,) = report["documents"]
    claim = next(c for c in document["claims"] if "In 2022" in c["text"])
    names = {check["name"] for verdict in claim["verdicts"] for check in verdict["checks"]}
    assert "anachronism" in names


def test_evidence_never_comes_from_sidebars(example_run: Any) -> None:
    _, report, _ = example_run
    (document,) = report["documents"]
    evidence = [
        e["text"] for c in document["claims"] for v in c["verdicts"] for e in v["evidence"]
    ]
    assert evidence
    for text in evidence:
        assert "say some guides" not in text
        assert "Popular posts" not in text
        assert "remembered at harbour ceremony" not in text


def test_report_renders_again_from_the_database_alone(example_run: Any) -> None:
    work, report, _ = example_run
    result = citecheck(
        "report", "--db", work / "c.db", "--out", work / "again", "--format", "json", cwd=work
    )
    assert result.returncode == 0, result.stderr
    again = json.loads((work / "again" / "run-1.json").read_text())
    assert again["documents"] == report["documents"]
    assert (work / "out" / "run-1.html").read_text().lstrip().lower().startswith("<!doctype html")
    assert "Kestrel Point" in (work / "out" / "run-1.md").read_text()


def test_dead_link_gets_the_exact_wikitext_fix(example_run: Any) -> None:
    _, report, _ = example_run
    strand = references_by_url(report)["https://heritage.example/people/amelia-strand"]
    (fix,) = [c["message"] for c in strand["checks"] if c["name"] == "fix"]
    assert "|archive-url=https://web.archive.org/web/20210412093000/" in fix
    assert "|archive-date=2021-04-12" in fix
    assert "|url-status=dead" in fix


def test_an_archive_link_of_another_page_is_flagged(example_run: Any) -> None:
    _, report, _ = example_run
    grant = references_by_url(report)[
        "https://blog.example/2019/05/council-backs-kestrel-point-restoration.html"
    ]
    assert "archive_url_mismatch" in {c["name"] for c in grant["checks"]}


def test_a_page_edited_after_it_was_cited_shows_drift(example_run: Any) -> None:
    _, report, _ = example_run
    (document,) = report["documents"]
    claim = next(c for c in document["claims"] if "automated in 1962" in c["text"])
    (drift,) = [k for v in claim["verdicts"] for k in v["checks"] if k["name"] == "content_drift"]
    assert drift["level"] == "warning"
    others = [k["name"] for c in document["claims"] if c is not claim
              for v in c["verdicts"] for k in v["checks"]]
    assert "content_drift" not in others
