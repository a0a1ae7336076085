"""Bad input gets `unverifiable` with the reason, in bounded time: empty and huge
sources, one-word claims, claims in another language, scanned PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfs import pdf_bytes

from citecheck.models import Claim, SourceText, VerdictLabel
from citecheck.text import extract_source, source_from_text
from citecheck.verify import judge, score_pair
from citecheck.verify.retrieval import MAX_SCORED_SENTENCES

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture(scope="module")
def pilot_article() -> SourceText:
    return extract_source((FIXTURES / "blog_sidebar.html").read_bytes(), "text/html")


def _reason(text: str, source: SourceText | None) -> tuple[VerdictLabel, str, str]:
    verdict = judge(Claim(id="c1", text=text, markers=("1",)), source)
    first = verdict.checks[0]
    return verdict.verdict, first.name, first.message


def _scanned_pdf() -> bytes:
    """A one-page PDF whose only content is a 1x1 grey image: no text layer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream",
        b"<< /Length 33 >>\nstream\nq 612 0 0 792 0 0 cm /Im1 Do Q\nendstream",
    ]
    return pdf_bytes(objects)


def test_a_scanned_pdf_is_unverifiable_and_says_why() -> None:
    source = extract_source(_scanned_pdf(), "application/pdf", "https://scans.example/a.pdf")
    label, name, message = _reason("The Gull Rock light was automated in 1969.", source)
    assert (label, name) == (VerdictLabel.UNVERIFIABLE, "empty_source")
    assert "no text layer" in message and "OCR" in message


def test_an_empty_source_is_unverifiable_and_says_why() -> None:
    label, name, message = _reason("The light was automated in 1969.",
                                   extract_source(b"", "text/html"))
    assert (label, name, message) == (VerdictLabel.UNVERIFIABLE, "empty_source",
                                      "the source is empty")


@pytest.mark.parametrize("claim", ["Brackwater.", "Retired!", "1988."])
def test_a_one_word_claim_is_unverifiable(pilot_article: SourceText, claim: str) -> None:
    label, name, message = _reason(claim, pilot_article)
    assert (label, name) == (VerdictLabel.UNVERIFIABLE, "claim_too_short")
    assert "one word" in message


@pytest.mark.parametrize(
    ("claim", "language"),
    [
        ("Ilse Marrow est entrée au service de pilotage de Brackwater en 1988 et elle a "
         "guidé plus de 6 000 navires dans le chenal.", "fr"),
        ("Ilse Marrow trat 1988 in den Lotsendienst von Brackwater ein und wurde 2004 die "
         "erste Frau an der Spitze des Dienstes.", "de"),
        ("Ильзе Марроу поступила на лоцманскую службу в 1988 году.", "cyrillic"),
    ],
)
def test_a_claim_in_another_language_than_the_source_is_unverifiable(
    pilot_article: SourceText, claim: str, language: str
) -> None:
    label, name, message = _reason(claim, pilot_article)
    assert (label, name) == (VerdictLabel.UNVERIFIABLE, "other_language")
    assert f"({language})" in message


def test_a_claim_in_the_source_language_is_judged() -> None:
    source = source_from_text(
        "Ilse Marrow est entrée au service de pilotage de Brackwater en 1988. Elle a guidé "
        "plus de six mille navires dans le chenal de la Lessen."
    )
    claim = "Ilse Marrow est entrée au service de pilotage de Brackwater en 1988."
    label, *_ = score_pair(claim, source)
    assert label is not VerdictLabel.UNVERIFIABLE


def test_a_source_of_100000_sentences_that_does_not_support_is_unverifiable() -> None:
    sentences = tuple(f"Ferry {i} left Brackwater at dawn." for i in range(100_000))
    source = SourceText(url=None, text="", sentences=sentences)
    label, name, message = _reason("Ferry 99999 left Brackwater at dawn.", source)
    assert (label, name) == (VerdictLabel.UNVERIFIABLE, "source_too_long")
    assert "100,000 sentences" in message


def test_a_huge_source_that_supports_early_on_is_still_supported() -> None:
    filler = (f"Ferry {i} left the harbour at dawn." for i in range(MAX_SCORED_SENTENCES + 10))
    sentences = ("Ilse Marrow joined the Brackwater Pilotage Service in 1988.", *filler)
    source = SourceText(url=None, text="", sentences=sentences)
    label, _, evidence, _ = score_pair(
        "Ilse Marrow joined the Brackwater Pilotage Service in 1988.", source
    )
    assert label is VerdictLabel.SUPPORTED
    assert evidence[0].text == sentences[0]
