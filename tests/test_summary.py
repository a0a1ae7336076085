"""One rule for what counts as a problem, shared by the store and the renderers."""

from __future__ import annotations

from typing import Any

from citecheck.reports.view import build_view
from citecheck.summary import claim_verdict, is_dead_without_archive, summarize


def _claim(claim_id: str, *verdicts: tuple[str | None, str]) -> dict[str, Any]:
    return {
        "id": claim_id,
        "text": f"claim {claim_id}",
        "markers": [],
        "verdicts": [{"reference": r, "verdict": v, "score": 0.5} for r, v in verdicts],
    }


DOCUMENT: dict[str, Any] = {
    "source": "a.wiki",
    "references": [],
    "claims": [
        _claim("single", ("ref-1", "not_supported")),
        _claim("one-backs-it", ("ref-1", "not_supported"), ("ref-2", "supported")),
        _claim("union-decides", ("ref-1", "partially_supported"), ("ref-2", "not_supported"),
               (None, "not_supported")),
        _claim("union-backs-it", ("ref-1", "not_supported"), ("ref-2", "not_supported"),
               (None, "supported")),
    ],
}


def test_a_claim_is_judged_as_a_whole() -> None:
    assert claim_verdict([("ref-1", "not_supported")]) == "not_supported"
    assert claim_verdict([("ref-1", "not_supported"), ("ref-2", "supported")]) == "supported"
    assert claim_verdict([("r", "supported"), (None, "partially_supported")]) == (
        "partially_supported"
    )
    assert claim_verdict([]) is None


def test_store_summary_and_rendered_summary_agree() -> None:
    stored = summarize([DOCUMENT])
    assert stored["not_supported"] == 2  # "single" and "union-decides"
    view = build_view({"documents": [DOCUMENT]})  # no summary: the renderer computes it
    assert view.summary["not_supported"] == stored["not_supported"]
    listed = {p.claim.id for p in view.problems if p.category == "not_supported" and p.claim}
    assert listed == {"single", "union-decides"}


def _reference(ref_id: str, link: str | None, archive: str | None) -> dict[str, Any]:
    return {
        "id": ref_id,
        "marker": ref_id,
        "url": f"https://{ref_id}.example/",
        "link": {"status": link},
        "archive": {"status": archive} if archive else None,
    }


def test_a_dead_link_is_a_problem_only_without_a_found_capture() -> None:
    assert is_dead_without_archive("broken", None)
    assert is_dead_without_archive("timeout", "not_found")
    assert is_dead_without_archive("soft_404", "unknown")
    assert not is_dead_without_archive("broken", "found")
    assert not is_dead_without_archive("blocked", None)  # inconclusive, not dead
    assert not is_dead_without_archive("gone_for_good", None)  # from a newer citecheck
    assert not is_dead_without_archive(None, None)


def test_store_summary_and_rendered_list_agree_on_dead_links() -> None:
    document = {
        "source": "b.wiki",
        "references": [
            _reference("dead", "broken", None),
            _reference("asked", "unreachable", "not_found"),
            _reference("saved", "broken", "found"),
            _reference("fine", "ok", None),
        ],
        "claims": [],
    }
    stored = summarize([document])
    view = build_view({"documents": [document]})
    listed = {p.reference.id for p in view.problems if p.category == "dead_link" and p.reference}
    assert stored["dead_without_archive"] == view.summary["dead_without_archive"] == 2
    assert listed == {"dead", "asked"}
