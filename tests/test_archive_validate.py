"""Archive links citations carry, validated against the fake Wayback Machine; and content
drift between the live page and its capture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_wayback import FakeWayback
from httpservers import Route, serve

from citecheck.archive import Wayback, content_drift, validate_archive_link
from citecheck.fetch import Fetcher, FetchOptions
from citecheck.models import Check, Claim, Fetch, Level, LinkStatus, Reference
from citecheck.text import source_from_text
from citecheck.verify import judge

PAGE = "https://news.example/2019/story"
HOME = "https://moved.example/"
MOVED = "https://moved.example/deep/article"
SOFT = "https://soft.example/page"
ERRORED = "https://errored.example/page"
GOOD_HTML = b"<html><head><title>Harbour story</title></head><body><p>Text</p></body></html>"
NOT_FOUND_HTML = b"<html><head><title>Page not found</title></head><body>Sorry</body></html>"


@pytest.fixture
def fake() -> Iterator[FakeWayback]:
    captures = [
        (PAGE, "20190801120000", "200", "text/html", GOOD_HTML),
        (MOVED, "20200101000000", "301", "text/html", HOME.encode()),
        (HOME, "20200101000000", "200", "text/html", GOOD_HTML),
        (SOFT, "20200101000000", "200", "text/html", NOT_FOUND_HTML),
        (ERRORED, "20200101000000", "404", "text/html", b"gone"),
    ]
    with FakeWayback(captures=captures) as server:
        yield server


def wayback(fake: FakeWayback) -> Wayback:
    return Wayback(fake.base_url, playback_per_minute=float("inf"), timeout=5.0)


def cite(fake: FakeWayback, url: str, timestamp: str, **fields: str) -> Reference:
    archive_url = f"{fake.base_url}/web/{timestamp}/{url}"
    return Reference(id="r1", marker="1", url=url, archive_url=archive_url, **fields)


def names(checks: tuple[Check, ...]) -> set[str]:
    return {check.name for check in checks}


def test_a_good_archive_link_is_quiet(fake: FakeWayback) -> None:
    reference = cite(
        fake, PAGE, "20190801120000", archive_date="2019-08-01", access_date="2019-08-17"
    )

    assert validate_archive_link(reference, wayback=wayback(fake), fetch=None) == ()


@pytest.mark.parametrize(
    "cited",
    [
        "http://news.example/2019/story",
        "https://www.news.example/2019/story/",
        "https://NEWS.example:443/2019/story",
    ],
)
def test_the_same_page_after_normalisation_is_no_mismatch(fake: FakeWayback, cited: str) -> None:
    reference = Reference(
        id="r1", marker="1", url=cited, archive_url=f"{fake.base_url}/web/20190801120000/{PAGE}"
    )

    checks = validate_archive_link(reference, wayback=wayback(fake), fetch=None)

    assert "archive_url_mismatch" not in names(checks)


def test_a_capture_of_another_page_is_a_mismatch(fake: FakeWayback) -> None:
    reference = Reference(
        id="r1",
        marker="1",
        url="https://news.example/2019/other",
        archive_url=f"{fake.base_url}/web/20190801120000/{PAGE}",
    )

    checks = validate_archive_link(reference, wayback=None, fetch=None)

    assert [(c.name, c.level) for c in checks] == [("archive_url_mismatch", Level.ERROR)]
    assert "https://news.example/2019/story" in checks[0].message


def test_a_url_that_is_not_an_archive_is_a_mismatch() -> None:
    reference = Reference(id="r1", marker="1", url=PAGE, archive_url="https://mirror.example/x")

    checks = validate_archive_link(reference, wayback=None, fetch=None)

    assert names(checks) == {"archive_url_mismatch"}
    assert "not an archive URL" in checks[0].message


def test_archive_date_disagreeing_by_more_than_a_day(fake: FakeWayback) -> None:
    off = cite(fake, PAGE, "20190801120000", archive_date="2019-08-05")
    close = cite(fake, PAGE, "20190801120000", archive_date="2019-08-02")
    month = cite(fake, PAGE, "20190801120000", archive_date="2019-08")

    assert names(validate_archive_link(off, wayback=None, fetch=None)) == {"archive_date_mismatch"}
    assert validate_archive_link(close, wayback=None, fetch=None) == ()
    assert validate_archive_link(month, wayback=None, fetch=None) == ()


def test_a_capture_after_the_access_date_is_noted(fake: FakeWayback) -> None:
    after = cite(fake, PAGE, "20190801120000", access_date="2019-07-01")
    before = cite(fake, PAGE, "20190801120000", access_date="2019-09-01")

    checks = validate_archive_link(after, wayback=None, fetch=None)

    assert [(c.name, c.level) for c in checks] == [("archive_after_access", Level.INFO)]
    assert "InternetArchiveBot" in checks[0].message
    assert validate_archive_link(before, wayback=None, fetch=None) == ()


def test_an_archive_link_with_no_capture_is_dead(fake: FakeWayback) -> None:
    reference = cite(fake, "https://never.example/page", "20200101000000")

    checks = validate_archive_link(reference, wayback=wayback(fake), fetch=None)

    assert [(c.name, c.level) for c in checks] == [("archive_dead", Level.ERROR)]


def test_a_capture_of_an_error_is_an_error_page(fake: FakeWayback) -> None:
    reference = cite(fake, ERRORED, "20200101000000")

    checks = validate_archive_link(reference, wayback=wayback(fake), fetch=None)

    assert names(checks) == {"archive_error_page"}
    assert "404" in checks[0].message


def test_a_capture_that_says_not_found_is_an_error_page(fake: FakeWayback) -> None:
    reference = cite(fake, SOFT, "20200101000000")

    checks = validate_archive_link(reference, wayback=wayback(fake), fetch=None)

    assert names(checks) == {"archive_error_page"}
    assert "soft 404" in checks[0].message


def test_a_capture_redirecting_to_the_homepage_is_an_error_page(fake: FakeWayback) -> None:
    reference = cite(fake, MOVED, "20200101000000")

    checks = validate_archive_link(reference, wayback=wayback(fake), fetch=None)

    assert names(checks) == {"archive_error_page"}
    assert "homepage" in checks[0].message


def test_an_archive_outage_concludes_nothing(fake: FakeWayback) -> None:
    fake.fail_playback = 503
    reference = cite(fake, PAGE, "20190801120000")

    checks = validate_archive_link(reference, wayback=wayback(fake), fetch=None)

    assert [(c.name, c.level) for c in checks] == [("archive_unchecked", Level.INFO)]


def test_another_archive_is_loaded_with_the_fetch_function() -> None:
    html = {"Content-Type": "text/html"}
    routes = {
        "/arc/20200101000000/https://other.example/a": Route(200, body=GOOD_HTML, headers=html),
        "/arc/20200101000000/https://other.example/gone": Route(404),
    }
    with serve(routes) as base, Fetcher(FetchOptions(allow_private=True)) as fetcher:
        prefix = f"{base}/arc/20200101000000/"
        good = Reference(
            id="a",
            marker="a",
            url="https://other.example/a",
            archive_url=prefix + "https://other.example/a",
        )
        gone = Reference(
            id="b",
            marker="b",
            url="https://other.example/gone",
            archive_url=prefix + "https://other.example/gone",
        )
        good_checks = validate_archive_link(good, wayback=None, fetch=fetcher.fetch)
        gone_checks = validate_archive_link(gone, wayback=None, fetch=fetcher.fetch)

    assert good_checks == ()
    assert names(gone_checks) == {"archive_dead"}


@pytest.mark.parametrize(
    ("url_status", "link", "expected"),
    [
        ("live", LinkStatus.BROKEN, {("url_status_mismatch", Level.WARNING)}),
        ("dead", LinkStatus.OK, {("url_status_mismatch", Level.INFO)}),
        ("live", LinkStatus.OK, set()),
        ("dead", LinkStatus.BROKEN, set()),
        ("live", LinkStatus.BLOCKED, set()),  # blocked is inconclusive, not dead
    ],
)
def test_url_status_against_the_link(
    url_status: str, link: LinkStatus, expected: set[tuple[str, Level]]
) -> None:
    reference = Reference(id="r1", marker="1", url=PAGE, url_status=url_status)

    checks = validate_archive_link(
        reference, wayback=None, fetch=None, link=Fetch(url=PAGE, status=link)
    )

    assert {(c.name, c.level) for c in checks} == expected


# --- content drift ----------------------------------------------------------------------

CLAIM = Claim(id="c1", text="The Orrin ferry carried 300 passengers a day in 1950.", markers=("1",))
BACKING = "In 1950 the Orrin ferry carried 300 passengers a day across the estuary."
UNRELATED = "Our new website is live. Browse the gift shop and sign up for our newsletter."
REFERENCE = Reference(id="r1", marker="1", url=PAGE, access_date="2019-08-17")


def test_drift_when_only_the_capture_supports_the_claim() -> None:
    check = content_drift(
        CLAIM, REFERENCE, source_from_text(UNRELATED), source_from_text(BACKING), judge
    )

    assert check is not None
    assert (check.name, check.level) == ("content_drift", Level.WARNING)
    assert check.message.startswith("the page changed after it was cited")
    assert "2019-08-17" in check.message


def test_drift_the_other_way_is_information() -> None:
    check = content_drift(
        CLAIM, REFERENCE, source_from_text(BACKING), source_from_text(UNRELATED), judge
    )

    assert check is not None and check.level is Level.INFO


@pytest.mark.parametrize(
    ("live", "archived"), [(BACKING, BACKING), (UNRELATED, UNRELATED), (None, BACKING)]
)
def test_no_drift_when_both_agree_or_one_is_missing(live: str | None, archived: str) -> None:
    live_text = source_from_text(live) if live is not None else None

    assert content_drift(CLAIM, REFERENCE, live_text, source_from_text(archived), judge) is None
