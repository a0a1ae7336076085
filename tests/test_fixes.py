"""Fix suggestions, and the writers that apply them changing nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.documents import parse_text
from citecheck.fixes import (
    REPLACE_URL,
    WIKITEXT_PARAMS,
    Fix,
    apply_fixes,
    fix_document,
    suggest_fix,
)
from citecheck.models import ArchiveStatus, Capture, LinkStatus, Reference

FIXTURES = Path(__file__).parent / "fixtures" / "archive"
WAYBACK = "https://web.archive.org/web"
# The sample article's dead links and the capture chosen for each (fictional).
SAMPLE_CAPTURES = {
    "https://history.saltmarrow.example/founding": "20190801120000",
    "http://www.orrin-gazette.example/1894/harbour-wall": "20200310000000",
    "https://ferries.example/kell": "20201224093000",
    "https://quota.example/1998": "20150101000000",
}
SAMPLE_DEAD = {*SAMPLE_CAPTURES, "https://museum.saltmarrow.example/cottage"}


def capture(url: str, timestamp: str) -> Capture:
    return Capture(
        url, ArchiveStatus.FOUND, url=f"{WAYBACK}/{timestamp}/{url}", timestamp=timestamp
    )


def sample_fixes(text: str) -> list[Fix]:
    document = parse_text(text, "harbour-article.wiki")
    fixes = []
    for reference in document.references:
        status = LinkStatus.BROKEN if reference.url in SAMPLE_DEAD else LinkStatus.OK
        timestamp = SAMPLE_CAPTURES.get(reference.url or "")
        found = capture(reference.url or "", timestamp) if timestamp else None
        fix = suggest_fix(reference, status, found, document.kind)
        if fix is not None:
            fixes.append(fix)
    return fixes


def test_sample_article_fixed_matches_the_expected_copy() -> None:
    text = (FIXTURES / "harbour-article.wiki").read_text(encoding="utf-8")
    expected = (FIXTURES / "harbour-article.fixed.wiki").read_text(encoding="utf-8")

    outcome = fix_document(text, "wikitext", sample_fixes(text))

    assert outcome.text == expected
    assert len(outcome.applied) == 5
    assert outcome.not_applied == ()


def test_fixing_a_fixed_article_changes_nothing() -> None:
    text = (FIXTURES / "harbour-article.wiki").read_text(encoding="utf-8")
    fixes = sample_fixes(text)
    once = apply_fixes(text, "wikitext", fixes)

    assert apply_fixes(once, "wikitext", fixes) == once
    assert sample_fixes(once) == []  # every dead link now carries its archive


def test_wikitext_fix_keeps_crlf_and_everything_else() -> None:
    text = "Intro.\r\n<ref>{{cite web |url=https://a.example/x |title=X}}</ref>\r\nMore.\r\n"
    reference = Reference(id="r", marker="r", url="https://a.example/x")
    found = capture("https://a.example/x", "20200102030405")
    fix = suggest_fix(reference, LinkStatus.TIMEOUT, found, "wikitext")
    assert fix is not None

    fixed = apply_fixes(text, "wikitext", [fix])

    assert fixed == (
        "Intro.\r\n<ref>{{cite web |url=https://a.example/x |title=X "
        "|archive-url=https://web.archive.org/web/20200102030405/https://a.example/x "
        "|archive-date=2020-01-02 |url-status=dead}}</ref>\r\nMore.\r\n"
    )


def test_wikitext_fix_replaces_an_existing_empty_archive_parameter() -> None:
    text = "{{cite web|url=https://a.example/x|archiveurl=|url-status=live}}"
    archived = f"{WAYBACK}/2020/https://a.example/x"
    fix = Fix("r", WIKITEXT_PARAMS, "https://a.example/x", archived, "2020-01-01", "…")

    fixed = apply_fixes(text, "wikitext", [fix])

    assert fixed == (
        "{{cite web|url=https://a.example/x|archiveurl=https://web.archive.org/web/2020/"
        "https://a.example/x|url-status=dead|archive-date=2020-01-01}}"
    )


def test_wikitext_fix_for_a_url_not_cited_is_not_applied() -> None:
    text = "{{cite web |url=https://a.example/x}}"
    archived = f"{WAYBACK}/2020/https://b.example/"
    fix = Fix("r", WIKITEXT_PARAMS, "https://b.example/", archived, "2020-01-01", "…")

    outcome = fix_document(text, "wikitext", [fix])

    assert outcome.text == text
    assert outcome.not_applied == (fix,)


# --- Markdown, HTML, plain text --------------------------------------------------------

DEAD = "https://dead.example/a/page"
ARCHIVED = f"{WAYBACK}/20210412000000/{DEAD}"
URL_FIX = Fix("r", REPLACE_URL, DEAD, ARCHIVED, "2021-04-12", ARCHIVED)


def test_markdown_fix_replaces_the_dead_url_wherever_it_is_a_link() -> None:
    text = (
        f"Inline [the page]({DEAD}) and <{DEAD}> and bare {DEAD}.\n"
        f"Already archived: [old]({WAYBACK}/2019/{DEAD}).\n"
        f"A longer URL: [other]({DEAD}/more) and [query]({DEAD}?x=1).\n\n"
        f'[^1]: Dead page, {DEAD} "Title"\n'
        f"[ref]: {DEAD}\n"
    )

    fixed = apply_fixes(text, "markdown", [URL_FIX])

    assert fixed == (
        f"Inline [the page]({ARCHIVED}) and <{ARCHIVED}> and bare {ARCHIVED}.\n"
        f"Already archived: [old]({WAYBACK}/2019/{DEAD}).\n"
        f"A longer URL: [other]({DEAD}/more) and [query]({DEAD}?x=1).\n\n"
        f'[^1]: Dead page, {ARCHIVED} "Title"\n'
        f"[ref]: {ARCHIVED}\n"
    )


def test_html_fix_replaces_link_targets_only() -> None:
    dead = "https://dead.example/a?x=1&y=2"
    archived = f"{WAYBACK}/2021/{dead}"
    fix = Fix("r", REPLACE_URL, dead, archived, "2021-01-01", archived)
    text = (
        '<p>See <a class="cite" href="https://dead.example/a?x=1&amp;y=2">'
        "https://dead.example/a?x=1&amp;y=2</a>.</p>\n"
        "<a href='https://dead.example/a'>not the same</a>"
    )

    fixed = apply_fixes(text, "html", [fix])

    assert fixed == (
        f'<p>See <a class="cite" href="{WAYBACK}/2021/https://dead.example/a?x=1&amp;y=2">'
        "https://dead.example/a?x=1&amp;y=2</a>.</p>\n"
        "<a href='https://dead.example/a'>not the same</a>"
    )


def test_plaintext_fix_replaces_the_url() -> None:
    text = f'1. ^ "Page". Dead Site. {DEAD}. Retrieved 3 May 2020.\n'

    assert apply_fixes(text, "plaintext", [URL_FIX]) == text.replace(DEAD, ARCHIVED)


# --- suggestions ------------------------------------------------------------------------

REFERENCE = Reference(id="r", marker="1", url=DEAD)


@pytest.mark.parametrize(
    ("kind", "fix_kind", "text"),
    [
        ("wikitext", WIKITEXT_PARAMS,
         f"|archive-url={ARCHIVED} |archive-date=2021-04-12 |url-status=dead"),
        ("markdown", REPLACE_URL, ARCHIVED),
        ("html", REPLACE_URL, ARCHIVED),
        ("plaintext", REPLACE_URL, ARCHIVED),
    ],
)  # fmt: skip
def test_suggested_fix_per_document_kind(kind: str, fix_kind: str, text: str) -> None:
    fix = suggest_fix(REFERENCE, LinkStatus.BROKEN, capture(DEAD, "20210412000000"), kind)

    assert fix == Fix("r", fix_kind, DEAD, ARCHIVED, "2021-04-12", text)


@pytest.mark.parametrize(
    ("status", "found"),
    [
        (LinkStatus.OK, capture(DEAD, "20210412000000")),  # live: nothing to fix
        (LinkStatus.BLOCKED, capture(DEAD, "20210412000000")),  # inconclusive, not dead
        (LinkStatus.BROKEN, Capture(DEAD, ArchiveStatus.NOT_FOUND)),
        (LinkStatus.BROKEN, Capture(DEAD, ArchiveStatus.UNKNOWN, error="503")),
        (LinkStatus.BROKEN, None),
    ],
)
def test_no_fix_without_a_dead_link_and_a_capture(
    status: LinkStatus, found: Capture | None
) -> None:
    assert suggest_fix(REFERENCE, status, found, "wikitext") is None


def test_an_already_archived_citation_only_gets_url_status_dead() -> None:
    archived = Reference(
        id="r", marker="1", url=DEAD, archive_url=ARCHIVED, url_status="live", kind="web"
    )
    marked = Reference(
        id="r", marker="1", url=DEAD, archive_url=ARCHIVED, url_status="dead", kind="web"
    )
    found = capture(DEAD, "20220101000000")

    fix = suggest_fix(archived, LinkStatus.BROKEN, found, "wikitext")

    assert fix is not None and fix.text == "|url-status=dead" and fix.archive_url == ARCHIVED
    assert suggest_fix(marked, LinkStatus.BROKEN, found, "wikitext") is None
