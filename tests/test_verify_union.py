"""A claim with several sources: judged against their union, as well as per source."""

from __future__ import annotations

from citecheck.models import Claim, Reference, SourceText, VerdictLabel
from citecheck.text import source_from_text
from citecheck.verify import judge, judge_union

CLAIM = Claim(
    id="c1",
    text="Ilse Marrow joined the Brackwater Pilotage Service in 1988 and restored the ketch "
         "Merrow Lass at Coldharbour in 2020.",
    markers=("1", "2"),
)
FIRST = source_from_text(
    "Ilse Marrow joined the Brackwater Pilotage Service in 1988, when it had nine pilots.",
    "https://quayside.example/pilot",
)
SECOND = source_from_text(
    "At Coldharbour the ketch Merrow Lass was restored in 2020 by the retired pilot and her "
    "brother.", "https://coldharbour.test/ketch",
)
R1 = Reference(id="r1", marker="1", url=FIRST.url, date="2019-03-14")
R2 = Reference(id="r2", marker="2", url=SECOND.url, date="2021-05-01")


def test_facts_spread_over_two_sources_are_supported_by_their_union() -> None:
    alone = [judge(CLAIM, source, reference=ref) for ref, source in ((R1, FIRST), (R2, SECOND))]
    assert all(verdict.verdict is not VerdictLabel.SUPPORTED for verdict in alone)
    union = judge_union(CLAIM, [(R1, FIRST), (R2, SECOND)])
    assert union.verdict is VerdictLabel.SUPPORTED
    assert (union.reference_id, union.source_url, union.missing) == (None, None, ())
    texts = " ".join(evidence.text for evidence in union.evidence)
    assert "1988" in texts and "Merrow Lass" in texts
    assert union.checks[-1].name == "union_of_sources"
    assert "r1, r2" in union.checks[-1].message


def test_the_union_is_anachronistic_only_if_every_source_is_older_than_the_event() -> None:
    union = judge_union(CLAIM, [(R1, FIRST), (R2, SECOND)])
    assert "anachronism" not in [check.name for check in union.checks]
    older = Reference(id="r2", marker="2", date="2019-06-01")
    union = judge_union(CLAIM, [(R1, FIRST), (older, SECOND)])
    assert "anachronism" in [check.name for check in union.checks]


def test_a_union_with_no_readable_source_is_unverifiable() -> None:
    empty = SourceText(url=None, text="", sentences=())
    union = judge_union(CLAIM, [(R1, None), (R2, empty)])
    assert union.verdict is VerdictLabel.UNVERIFIABLE
    assert union.checks[0].name == "empty_source"
    union = judge_union(CLAIM, [(R1, None)])
    names = [check.name for check in union.checks]
    assert names == ["no_source", "anachronism", "union_of_sources"]


def test_an_unreadable_source_does_not_hide_the_readable_one() -> None:
    union = judge_union(CLAIM, [(R1, FIRST), (R2, None)])
    assert union.verdict is VerdictLabel.PARTIALLY_SUPPORTED
    assert "judged against 1 of 2 sources" in union.checks[-1].message
    assert "Merrow" in union.missing


def test_subject_absent_from_every_source_is_flagged_on_the_union() -> None:
    union = judge_union(CLAIM, [(R1, FIRST), (R2, SECOND)], subject="Pavla Rennick")
    assert "subject_absent" in [check.name for check in union.checks]
