"""Claim matching and the cheap citation checks, on small fictional sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.models import Claim, Level, Reference, SourceText, Verdict, VerdictLabel
from citecheck.text import extract_source, source_from_text
from citecheck.verify import judge, score_pair

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
URL = "https://quayside.example/2019/03/pilot.html"


@pytest.fixture(scope="module")
def pilot_article() -> SourceText:
    return extract_source((FIXTURES / "blog_sidebar.html").read_bytes(), "text/html", URL)


def _judge(
    text: str,
    source: SourceText | None,
    *,
    reference: Reference | None = None,
    subject: str | None = None,
) -> Verdict:
    claim = Claim(id="c1", text=text, markers=("1",))
    return judge(claim, source, reference=reference, subject=subject)


def _check_names(verdict: Verdict) -> list[str]:
    return [check.name for check in verdict.checks]


# --- labels -----------------------------------------------------------------------------


def test_a_claim_the_source_states_is_supported(pilot_article: SourceText) -> None:
    verdict = _judge("Ilse Marrow joined the Brackwater Pilotage Service in 1988.", pilot_article,
                     reference=Reference(id="r1", marker="1", url=URL, date="2019-03-14"))
    assert verdict.verdict is VerdictLabel.SUPPORTED
    assert verdict.score >= 0.7
    assert any("in 1988" in evidence.text for evidence in verdict.evidence)
    assert verdict.reference_id == "r1" and verdict.source_url == URL
    assert verdict.missing == ()
    assert verdict.checks == ()


def test_a_claim_with_facts_the_source_lacks_is_partially_supported(
    pilot_article: SourceText,
) -> None:
    verdict = _judge(
        "Marrow joined the Brackwater Pilotage Service in 1988 and won an Olympic rowing "
        "medal for Greenland in Helsinki.",
        pilot_article,
    )
    assert verdict.verdict is VerdictLabel.PARTIALLY_SUPPORTED
    assert {"Olympic", "rowing", "Greenland", "Helsinki"} <= set(verdict.missing)
    assert "Brackwater" not in verdict.missing


def test_an_unrelated_claim_is_not_supported(pilot_article: SourceText) -> None:
    verdict = _judge("The composer wrote three operas about volcanoes in Iceland.", pilot_article)
    assert verdict.verdict is VerdictLabel.NOT_SUPPORTED
    assert verdict.score < 0.3


def test_facts_from_adjacent_sentences_are_joined_into_one_passage(
    pilot_article: SourceText,
) -> None:
    verdict = _judge(
        "Ilse Marrow retired after 31 years as a harbour pilot, having joined the pilotage "
        "service in 1988.",
        pilot_article,
    )
    assert verdict.verdict is VerdictLabel.SUPPORTED
    texts = [evidence.text for evidence in verdict.evidence]
    assert any("31 years" in text for text in texts) and any("1988" in text for text in texts)


def test_score_pair_gives_label_score_evidence_and_missing(pilot_article: SourceText) -> None:
    label, score, evidence, missing = score_pair(
        "Colleagues said Marrow brought 6,000 ships through the Lessen channel.", pilot_article
    )
    assert label is VerdictLabel.SUPPORTED
    assert 0.0 <= score <= 1.0
    assert 1 <= len(evidence) <= 3
    assert all(0.0 <= item.score <= 1.0 for item in evidence)
    assert "6,000 ships" in evidence[0].text
    assert missing == []


# --- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "claimed", "found"),
    [
        ("Ilse Marrow joined the Brackwater Pilotage Service in 1991.", "1991", "1988"),
        ("Colleagues said she brought more than 7,500 ships through the Lessen estuary.",
         "7500", "6000"),
    ],
)
def test_a_number_the_evidence_gives_differently_is_flagged(
    pilot_article: SourceText, claim: str, claimed: str, found: str
) -> None:
    verdict = _judge(claim, pilot_article)
    mismatch = [check for check in verdict.checks if check.name == "number_mismatch"]
    assert mismatch and mismatch[0].level is Level.WARNING
    assert claimed in mismatch[0].message and found in mismatch[0].message
    assert verdict.verdict is not VerdictLabel.SUPPORTED


def test_spelled_out_numbers_match_digits(pilot_article: SourceText) -> None:
    verdict = _judge("The Brackwater Pilotage Service had 9 pilots in 1988.", pilot_article)
    assert verdict.verdict is VerdictLabel.SUPPORTED
    assert "number_mismatch" not in _check_names(verdict)


# --- main text only ---------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["blog_sidebar.html", "blog_popular_widget.html"])
def test_sidebar_text_is_never_evidence(fixture: str) -> None:
    source = extract_source((FIXTURES / fixture).read_bytes(), "text/html", URL)
    verdict = _judge(
        "Harbour pilot Ilse Marrow crossed the Atlantic single-handed in 2017, setting a record "
        "of 19 days for a racing yacht.",
        source,
    )
    assert verdict.verdict is not VerdictLabel.SUPPORTED
    assert not any("Atlantic" in evidence.text for evidence in verdict.evidence)


def test_blog_tail_of_a_plain_text_source_is_never_evidence() -> None:
    source = source_from_text((FIXTURES / "copied_news.txt").read_text(encoding="utf-8"))
    verdict = _judge("Archivist Pavla Rennick won the national lottery in 2016.", source)
    assert not any("lottery" in evidence.text for evidence in verdict.evidence)
    assert verdict.verdict is not VerdictLabel.SUPPORTED


# --- unverifiable -----------------------------------------------------------------------


def test_no_source_is_unverifiable_with_a_reason() -> None:
    reference = Reference(id="r9", marker="9", url="https://gone.example/")
    verdict = _judge("Ilse Marrow joined the service in 1988.", None, reference=reference)
    assert verdict.verdict is VerdictLabel.UNVERIFIABLE
    assert verdict.score == 0.0
    assert _check_names(verdict) == ["no_source"]
    assert verdict.source_url == "https://gone.example/"


def test_a_source_without_sentences_is_unverifiable() -> None:
    empty = extract_source(b"", "text/html", URL)
    verdict = _judge("Ilse Marrow joined the service in 1988.", empty)
    assert verdict.verdict is VerdictLabel.UNVERIFIABLE
    assert _check_names(verdict) == ["empty_source"]


# --- anachronism ------------------------------------------------------------------------


def _anachronism(claim: str, date: str, source: SourceText) -> list[Level]:
    reference = Reference(id="r1", marker="1", url=URL, date=date)
    verdict = _judge(claim, source, reference=reference)
    return [check.level for check in verdict.checks if check.name == "anachronism"]


def test_anachronism_fires_for_an_event_after_the_reference_date(
    pilot_article: SourceText,
) -> None:
    assert _anachronism("In 2022 Marrow moved to Coldharbour.", "2019-03-14", pilot_article) == [
        Level.WARNING
    ]


def test_an_anachronism_is_not_full_support(pilot_article: SourceText) -> None:
    claim = "In 2021 Marrow spent her retirement restoring a wooden ketch with her brother."
    reference = Reference(id="r1", marker="1", date="2019-03-14")
    verdict = _judge(claim, pilot_article, reference=reference)
    assert verdict.verdict is VerdictLabel.PARTIALLY_SUPPORTED
    assert "anachronism" in _check_names(verdict)
    claim = "Ilse Marrow guided her last vessel into the port of Brackwater in March 2019."
    verdict = _judge(claim, pilot_article, reference=reference)
    assert verdict.verdict is VerdictLabel.SUPPORTED
    assert "anachronism" not in _check_names(verdict)


def test_anachronism_compares_months_when_both_give_them(pilot_article: SourceText) -> None:
    assert _anachronism("In May 2019 Marrow retired.", "2019-03-14", pilot_article) == [
        Level.WARNING
    ]
    assert _anachronism("On 12 March 2019 Marrow retired.", "2019-03-14", pilot_article) == []
    assert _anachronism("In 2019 Marrow retired.", "2019-03-14", pilot_article) == []


@pytest.mark.parametrize(
    "claim",
    [
        "Marrow, who joined the service in 1988, became chief pilot in 2004.",
        "The service plans to train twelve new pilots by 2025.",
        "Marrow is expected to retire in 2021.",
    ],
)
def test_anachronism_stays_quiet_for_earlier_years_and_plans(
    pilot_article: SourceText, claim: str
) -> None:
    assert _anachronism(claim, "2019-03-14", pilot_article) == []


def test_anachronism_is_only_informational_when_the_source_mentions_the_year() -> None:
    source = source_from_text("The harbour at Brackwater will close for repairs in 2021.")
    assert _anachronism("The harbour closed in 2021.", "2019", source) == [Level.INFO]


def test_anachronism_needs_no_source_text() -> None:
    reference = Reference(id="r1", marker="1", date="2019")
    verdict = _judge("In 2020 Marrow moved to Coldharbour.", None, reference=reference)
    assert "anachronism" in _check_names(verdict)


# --- subject ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject",
    ["Ilse Marrow", "Ilse Marrow (harbour pilot)", "Marrow, Ilse", "Brackwater Pilotage Board"],
)
def test_subject_present_raises_nothing(pilot_article: SourceText, subject: str) -> None:
    verdict = _judge("She joined in 1988.", pilot_article, subject=subject)
    assert "subject_absent" not in _check_names(verdict)


def test_subject_absent_fires_when_the_source_never_names_the_subject(
    pilot_article: SourceText,
) -> None:
    verdict = _judge("She joined in 1988.", pilot_article, subject="Pavla Rennick (archivist)")
    absent = [check for check in verdict.checks if check.name == "subject_absent"]
    assert absent and "rennick" in absent[0].message


def test_a_shared_first_name_does_not_count_as_the_subject(pilot_article: SourceText) -> None:
    verdict = _judge("She joined in 1988.", pilot_article, subject="Ilse Tarrant")
    assert "subject_absent" in _check_names(verdict)


def test_subject_match_ignores_accents() -> None:
    source = source_from_text("Zoe Bruckner rowed across the Lessen estuary in 1990.")
    verdict = _judge("Brückner rowed across the estuary.", source, subject="Zoë Brückner")
    assert "subject_absent" not in _check_names(verdict)


# --- quote ------------------------------------------------------------------------------


def test_quote_found_despite_typography_and_case(pilot_article: SourceText) -> None:
    reference = Reference(id="r1", marker="1",
                          quote="“colleagues said she had brought more than 6,000 ships safely”")
    verdict = _judge("She brought 6,000 ships through.", pilot_article, reference=reference)
    assert "quote_not_found" not in _check_names(verdict)


def test_quote_with_a_small_slip_is_still_found(pilot_article: SourceText) -> None:
    reference = Reference(id="r1", marker="1",
                          quote="she joined the Brackwater Pilotage Service in 1988 when it had "
                                "only nine pilot")
    verdict = _judge("She joined in 1988.", pilot_article, reference=reference)
    assert "quote_not_found" not in _check_names(verdict)


def test_quote_that_leaves_out_a_few_words_is_still_found(pilot_article: SourceText) -> None:
    reference = Reference(id="r1", marker="1",
                          quote="Marrow plans to spend her retirement restoring a ketch with "
                                "her brother in Coldharbour")
    verdict = _judge("She retired.", pilot_article, reference=reference)
    assert "quote_not_found" not in _check_names(verdict)


def test_quote_not_in_the_source_is_flagged(pilot_article: SourceText) -> None:
    reference = Reference(id="r1", marker="1",
                          quote="Marrow said she would never set foot on a ship again.")
    verdict = _judge("She retired.", pilot_article, reference=reference)
    assert "quote_not_found" in _check_names(verdict)
    # The same words scattered over the page are not the quote.
    reference = Reference(id="r1", marker="1",
                          quote="the pilotage service guided the ketch into Brackwater")
    verdict = _judge("She retired.", pilot_article, reference=reference)
    assert "quote_not_found" in _check_names(verdict)


def test_page_checks_judged_claim_after_claim_keep_each_page_apart() -> None:
    # A page's folded text is kept between claims: it must never answer for another page.
    harbour = source_from_text("Ada Vell said the harbour of Dunmere will close for repairs.")
    ferry = source_from_text("The ferry to Gull Rock stopped running in the winter storms.")
    reference = Reference(id="r1", marker="1", quote="the harbour of Dunmere will close")
    for _ in range(2):
        on_harbour = _check_names(_judge("It closed.", harbour, reference=reference,
                                         subject="Ada Vell"))
        on_ferry = _check_names(_judge("It closed.", ferry, reference=reference,
                                       subject="Ada Vell"))
        assert "quote_not_found" not in on_harbour and "subject_absent" not in on_harbour
        assert "quote_not_found" in on_ferry and "subject_absent" in on_ferry


# --- bounds -----------------------------------------------------------------------------


def test_a_claim_without_content_words_is_unverifiable(pilot_article: SourceText) -> None:
    label, score, evidence, missing = score_pair("It was.", pilot_article)
    assert (label, score, evidence, missing) == (VerdictLabel.UNVERIFIABLE, 0.0, [], [])
