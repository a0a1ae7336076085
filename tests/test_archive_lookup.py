"""The lookup chain (CDX, redirect method, availability), outages, and Memento TimeGates,
against the fake Wayback Machine on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_wayback import CaptureTuple, FakeWayback, fast_client
from httpservers import Route, serve

from citecheck.archive import MementoArchives, TimeGate, Wayback, timegate_from_spec
from citecheck.errors import UsageError
from citecheck.models import ArchiveStatus

STORY = "https://news.example/2019/story"
CAPTURES: list[CaptureTuple] = [
    (STORY, "20190801120000", "200", "text/html", b"<p>Two weeks before</p>"),
    (STORY, "20190818000000", "200", "text/html", b"<p>One day after</p>"),
]
ERRORED = "https://errored.example/page"
PARTIAL = "https://partial.example/file.pdf"


@pytest.fixture
def fake() -> Iterator[FakeWayback]:
    captures = [
        *CAPTURES,
        (ERRORED, "20200101000000", "404", "text/html", b"gone"),
        (ERRORED, "20180101000000", "200", "text/html", b"<p>early</p>"),
        (PARTIAL, "20200101000000", "206", "application/pdf", b"%PDF-"),
    ]
    with FakeWayback(captures=captures) as server:
        yield server


# --- the redirect method ------------------------------------------------------------


def test_cdx_outage_falls_back_to_the_redirect_method(fake: FakeWayback) -> None:
    fake.fail_cdx = 503

    capture = fast_client(fake.base_url).closest(STORY, "2019-08-17")

    assert capture.status is ArchiveStatus.FOUND
    assert capture.timestamp == "20190818000000"  # the nearest, in either direction
    assert capture.url == f"{fake.base_url}/web/20190818000000/{STORY}"
    assert fake.count("availability") == 0
    first, second = [r.path for r in fake.requests if r.family == "playback"]
    assert first == f"/web/20190817235959id_/{STORY}"  # answered 302, not followed
    assert second == f"/web/20190818000000id_/{STORY}"  # the capture's own status


def test_redirect_method_reads_location_without_following(fake: FakeWayback) -> None:
    fake.fail_cdx = 503

    fast_client(fake.base_url, lookup_methods=("redirect",)).closest(STORY, "2019-08-17")

    # Following would have fetched the capture's body once more through the redirect.
    assert fake.count("playback") == 2


def test_redirect_method_passes_on_when_the_nearest_capture_is_an_error(
    fake: FakeWayback,
) -> None:
    fake.fail_cdx = 503

    capture = fast_client(fake.base_url).closest(ERRORED, "2020-01-01")

    # The redirect method only knows the nearest capture (a 404); availability knows 200s.
    assert capture.status is ArchiveStatus.FOUND
    assert capture.timestamp == "20180101000000"
    assert fake.count("availability") == 1


def test_redirect_method_404_is_not_archived(fake: FakeWayback) -> None:
    fake.fail_cdx = 503

    capture = fast_client(fake.base_url).closest("https://never.example/", "2019")

    assert capture.status is ArchiveStatus.NOT_FOUND
    assert fake.count("availability") == 0


@pytest.mark.parametrize("failure", [503, 429])
def test_every_method_failing_is_unknown(fake: FakeWayback, failure: int) -> None:
    fake.fail_cdx = failure
    fake.fail_playback = failure
    fake.fail_availability = failure

    capture = fast_client(fake.base_url).closest(STORY, "2019-08-17")

    assert capture.status is ArchiveStatus.UNKNOWN
    error = capture.error or ""
    assert "CDX" in error and "redirect method" in error and "availability API" in error


def test_a_429_on_the_redirect_method_pauses_playback(fake: FakeWayback) -> None:
    fake.fail_cdx = 503
    fake.fail_playback = 429
    wayback = fast_client(fake.base_url, pause_after_429=60.0)

    wayback.closest(STORY, "2019-08-17")
    asked = fake.count("playback")
    wayback.closest(STORY, "2019-08-18")

    assert asked == 1
    assert fake.count("playback") == asked  # paused: not asked again
    assert wayback.playback_limiter.paused_for() > 0


def test_unknown_lookup_method_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="lookup method"):
        Wayback("http://127.0.0.1:9", lookup_methods=("cdx", "guess"))


def test_cdx_accepts_206_captures_as_iabot_does(fake: FakeWayback) -> None:
    capture = fast_client(fake.base_url).closest(PARTIAL, "2020-06-01")

    assert capture.status is ArchiveStatus.FOUND
    assert capture.http_status == 206


# --- an outage in the middle of a run -----------------------------------------------


def test_outage_in_the_middle_of_a_run_never_says_not_archived(fake: FakeWayback) -> None:
    urls = [f"https://site{n}.example/page" for n in range(8)]
    for url in urls:
        fake.add((url, "20190101000000", "200", "text/html", b"<p>kept</p>"))
    fake.fail_after = 6  # a few lookups succeed, then every endpoint answers 503
    wayback = fast_client(fake.base_url)

    captures = [wayback.closest(url, "2019-06-01") for url in urls]

    statuses = [capture.status for capture in captures]
    assert ArchiveStatus.FOUND in statuses
    assert ArchiveStatus.UNKNOWN in statuses
    assert ArchiveStatus.NOT_FOUND not in statuses


# --- Memento TimeGates -----------------------------------------------------------------


def gates(fake: FakeWayback, *names: str) -> MementoArchives:
    return MementoArchives(
        [TimeGate(name, f"{fake.base_url}/timegate/") for name in names], timeout=5.0
    )


def test_timegate_finds_the_memento_and_its_datetime(fake: FakeWayback) -> None:
    capture = gates(fake, "fake-archive").closest(STORY, "2019-08-17")

    assert capture.status is ArchiveStatus.FOUND
    assert capture.archive == "fake-archive"
    assert capture.timestamp == "20190818000000"
    assert capture.url == f"{fake.base_url}/web/20190818000000/{STORY}"
    request = next(r for r in fake.requests if r.family == "timegate")
    assert request.headers["Accept-Datetime"] == "Sat, 17 Aug 2019 23:59:59 GMT"


def test_timegate_404_is_not_found(fake: FakeWayback) -> None:
    capture = gates(fake, "one", "two").closest("https://never.example/", "2019")

    assert capture.status is ArchiveStatus.NOT_FOUND
    assert fake.count("timegate") == 2  # both asked


@pytest.mark.parametrize("failure", [503, 429])
def test_timegate_failure_is_unknown(fake: FakeWayback, failure: int) -> None:
    fake.fail_timegate = failure

    capture = gates(fake, "fake-archive").closest(STORY, "2019-08-17")

    assert capture.status is ArchiveStatus.UNKNOWN


def test_timegate_reads_the_memento_datetime_when_the_link_header_lacks_it() -> None:
    memento_headers = {"Memento-Datetime": "Tue, 02 Mar 2021 10:00:00 GMT"}
    routes = {
        "/tg/https://other.example/a": Route(302, headers={"Location": "/m/abc"}),
        "/m/abc": Route(200, body=b"<p>memento</p>", headers=memento_headers),
    }
    with serve(routes) as base:
        archives = MementoArchives([TimeGate("other", f"{base}/tg/")], timeout=5.0)
        capture = archives.closest("https://other.example/a", "2021-03-01")

    assert capture.status is ArchiveStatus.FOUND
    assert capture.timestamp == "20210302100000"
    assert capture.url == f"{base}/m/abc"


def test_timegate_specs() -> None:
    assert timegate_from_spec("archive.today").prefix == "https://archive.ph/timegate/"
    assert timegate_from_spec("mine=https://tg.example/tg/") == TimeGate(
        "mine", "https://tg.example/tg/"
    )
    assert timegate_from_spec("https://tg.example/tg/").name == "tg.example"
    with pytest.raises(UsageError):
        timegate_from_spec("nowhere")


def test_no_timegates_is_unknown_not_none() -> None:
    capture = MementoArchives([]).closest(STORY, "2019")

    assert capture.status is ArchiveStatus.UNKNOWN
