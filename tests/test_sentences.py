"""split_sentences: sentencex plus a merge step for English abbreviations."""

from __future__ import annotations

import pytest

from citecheck.sentences import split_sentences


@pytest.mark.parametrize(
    "sentence",
    [
        "Dr. Who came.",
        "He saw Dr. Who and Mr. No at St. Ives.",
        "Smith et al. found it in the archive.",
        "He moved to the U.S. in 2001.",
        "It was No. 5 on the chart.",
        "It rained on Sept. 30, 2023 in the hills.",
        "See pp. 6-7 of vol. 2 for details.",
        "J. R. R. Tolkien wrote it.",
        "Lt. Col. Smith arrived at noon.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(sentence: str) -> None:
    assert split_sentences(sentence + " Then it ended.") == [sentence, "Then it ended."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He moved to the U.S. He stayed.", ["He moved to the U.S.", "He stayed."]),
        ("He said no. Then he left.", ["He said no.", "Then he left."]),
        ("Read Smith et al. They agree.", ["Read Smith et al.", "They agree."]),
        ("It is at 5 Main St. Then it ended.", ["It is at 5 Main St.", "Then it ended."]),
    ],
)
def test_ambiguous_abbreviations_still_end_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_paragraphs_split_and_whitespace_is_normalised() -> None:
    text = "First   one.\nStill first?  Yes.\n\n\nSecond paragraph here."
    assert split_sentences(text) == [
        "First one.",
        "Still first?",
        "Yes.",
        "Second paragraph here.",
    ]


def test_unknown_language_falls_back_to_english_rules() -> None:
    sentences = split_sentences("One here. Two here.", language="zz-unknown")
    assert sentences == ["One here.", "Two here."]


def test_empty_text_gives_no_sentences() -> None:
    assert split_sentences("  \n\n ") == []
