"""One rule for what counts as a problem, shared by the store and the renderers."""

from __future__ import annotations

from typing import Any

from citecheck.reports.view import build_view
from citecheck.summary import claim_verdict, summarize


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
