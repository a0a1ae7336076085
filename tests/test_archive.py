"""The Wayback client against a fake Wayback Machine on 127.0.0.1 (real HTTP, no mocks)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from fake_wayback import FAKE_TOOLBAR, CaptureTuple, FakeWayback, fast_client

from citecheck.archive import (
    DEFAULT_WAYBACK_URL,
    RateLimiter,
    Wayback,
    end_of_period,
    wayback_base_url,
)
from citecheck.errors import UsageError
from citecheck.models import ArchiveStatus, Capture, LinkStatus

STORY = "https://news.example/2019/story"
STORY_CAPTURES: list[CaptureTuple] = [
    (STORY, "20190801120000", "200", "text/html", b"<p>Two weeks before</p>"),
    (STORY, "20190817230000", "404", "text/html", b"<p>Briefly gone</p>"),
    (STORY, "20190818000000", "200", "text/html", b"<p>One day after</p>"),
]
LATE = "http://late.example/page"
LATE_CAPTURES: list[CaptureTuple] = [
    (LATE, "20210301000000", "200", "text/html", b"<p>Later</p>"),
    (LATE, "20200101000000", "200", "text/html", b"<p>Soon after</p>"),
]


@pytest.fixture
def fake() -> Iterator[FakeWayback]:
    with FakeWayback(captures=STORY_CAPTURES + LATE_CAPTURES) as server:
        yield server


# The chain without the redirect method: the tests of the availability fallback.
CDX_THEN_AVAILABILITY = ("cdx", "availability")


# --- choosing a capture -------------------------------------------------------------


def test_capture_before_the_date_beats_a_closer_one_after(fake: FakeWayback) -> None:
    capture = fast_client(fake.base_url).closest(STORY, "2019-08-17")

    assert capture.status is ArchiveStatus.FOUND
    assert capture.timestamp == "20190801120000"
    assert capture.url == f"{fake.base_url}/web/20190801120000/{STORY}"
    assert capture.http_status == 200
    assert capture.original_url == STORY


def test_a_date_means_the_whole_period_it_names(fake: FakeWayback) -> None:
    # "2019-08" runs to the end of August: the capture of 08-18 is "before" it.
    capture = fast_client(fake.base_url).closest(STORY, "2019-08")

    assert capture.timestamp == "20190818000000"


def test_closest_after_the_date_when_nothing_before(fake: FakeWayback) -> None:
    capture = fast_client(fake.base_url).closest(LATE, "2019-06-01")

    assert capture.status is ArchiveStatus.FOUND
    assert capture.timestamp == "20200101000000"
    assert fake.count("cdx") == 2  # the "before" query, then the "after" one


def test_no_date_means_now(fake: FakeWayback) -> None:
    capture = fast_client(fake.base_url).closest(LATE)

    assert capture.timestamp == "20210301000000"


def test_not_found_when_the_archive_has_nothing(fake: FakeWayback) -> None:
    capture = fast_client(fake.base_url).closest("https://never.example/", "2019")

    assert capture.status is ArchiveStatus.NOT_FOUND
    assert capture.url is None
    assert fake.count("availability") == 0  # CDX answered: no fallback needed


def test_captures_that_recorded_an_error_are_not_usable() -> None:
    captures: list[CaptureTuple] = [(STORY, "20190101000000", "404", "text/html", b"gone")]
    with FakeWayback(captures=captures) as fake:
        capture = fast_client(fake.base_url).closest(STORY, "2019-08-17")

    assert capture.status is ArchiveStatus.NOT_FOUND


def test_cdx_query_asks_for_the_200_capture_closest_before(fake: FakeWayback) -> None:
    fast_client(fake.base_url).closest(STORY, "2019-08-17")

    query = fake.requests[0].query
    assert fake.requests[0].family == "cdx"
    assert query["url"] == [STORY]
    assert query["filter"] == ["statuscode:20[036]"]  # IABot takes 203 and 206 too
    assert query["to"] == ["20190817235959"]
    assert query["sort"] == ["closest"]
    assert query["closest"] == ["20190817235959"]
    assert query["limit"] == ["1"]
    assert query["output"] == ["json"]
    assert query["fl"] == ["timestamp,original,statuscode,mimetype"]


def test_every_request_carries_our_user_agent(fake: FakeWayback) -> None:
    wayback = Wayback(
        fake.base_url,
        user_agent="citecheck-test/1 (+https://example.org/)",
        lookup_methods=CDX_THEN_AVAILABILITY,
    )
    wayback.fetch_original(wayback.closest(STORY, "2019-08-17"))
    fake.fail_cdx = 503
    wayback.closest(STORY, "2019-08-17")

    assert {r.family for r in fake.requests} == {"cdx", "availability", "playback"}
    assert {r.headers["User-Agent"] for r in fake.requests} == {
        "citecheck-test/1 (+https://example.org/)"
    }


def test_site_excluded_from_the_archive_is_not_found(fake: FakeWayback) -> None:
    fake.blocked.add(STORY)

    capture = fast_client(fake.base_url).closest(STORY, "2019-08-17")

    assert capture.status is ArchiveStatus.NOT_FOUND
    assert capture.error is not None and "excluded" in capture.error


@pytest.mark.parametrize("url", ["", "ftp://files.example/a", "news.example/story"])
def test_a_url_that_is_not_http_is_unknown_and_not_asked(fake: FakeWayback, url: str) -> None:
    capture = fast_client(fake.base_url).closest(url, "2019")

    assert capture.status is ArchiveStatus.UNKNOWN
    assert fake.requests == []


def test_an_unreadable_date_is_unknown_and_not_asked(fake: FakeWayback) -> None:
    capture = fast_client(fake.base_url).closest(STORY, "last Tuesday")

    assert capture.status is ArchiveStatus.UNKNOWN
    assert capture.error is not None and "last Tuesday" in capture.error
    assert fake.requests == []


# --- outages: never NOT_FOUND -------------------------------------------------------


def test_cdx_503_falls_back_to_the_availability_api(fake: FakeWayback) -> None:
    fake.fail_cdx = 503

    capture = fast_client(fake.base_url, lookup_methods=CDX_THEN_AVAILABILITY).closest(
        STORY, "2019-08-17"
    )

    assert capture.status is ArchiveStatus.FOUND
    # The availability API knows only "closest", in either direction.
    assert capture.timestamp == "20190818000000"
    assert capture.url == f"{fake.base_url}/web/20190818000000/{STORY}"
    assert fake.count("availability") == 1
    assert fake.requests[-1].query["timestamp"] == ["20190817235959"]


def test_cdx_503_and_availability_503_is_unknown(fake: FakeWayback) -> None:
    fake.fail_cdx = 503
    fake.fail_availability = 503

    capture = fast_client(fake.base_url, lookup_methods=CDX_THEN_AVAILABILITY).closest(
        STORY, "2019-08-17"
    )

    assert capture.status is ArchiveStatus.UNKNOWN
    assert capture.error is not None and "503" in capture.error


def test_empty_availability_answer_during_a_cdx_outage_is_unknown(fake: FakeWayback) -> None:
    fake.fail_cdx = 503

    capture = fast_client(fake.base_url, lookup_methods=CDX_THEN_AVAILABILITY).closest(
        "https://never.example/", "2019"
    )

    assert capture.status is ArchiveStatus.UNKNOWN


def test_garbage_json_is_unknown(fake: FakeWayback) -> None:
    fake.garbage = True

    capture = fast_client(fake.base_url, lookup_methods=CDX_THEN_AVAILABILITY).closest(
        STORY, "2019-08-17"
    )

    assert capture.status is ArchiveStatus.UNKNOWN
    assert capture.error is not None and "garbage" in capture.error


def test_timeout_is_unknown(fake: FakeWayback) -> None:
    # The fake would answer (FOUND) after 3 s; a client without a timeout would wait.
    fake.delay = 3.0

    capture = fast_client(fake.base_url, timeout=0.2).closest(STORY, "2019-08-17")

    assert capture.status is ArchiveStatus.UNKNOWN
    assert capture.error is not None and "timed out" in capture.error


def test_connection_refused_is_unknown() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    capture = fast_client(f"http://127.0.0.1:{port}").closest(STORY, "2019")

    assert capture.status is ArchiveStatus.UNKNOWN


def test_429_is_unknown_and_pauses_the_family(fake: FakeWayback) -> None:
    fake.fail_cdx = 429
    fake.fail_availability = 429
    wayback = fast_client(fake.base_url, pause_after_429=60.0, lookup_methods=CDX_THEN_AVAILABILITY)

    first = wayback.closest(STORY, "2019-08-17")
    asked = len(fake.requests)
    second = wayback.closest(LATE, "2020")

    assert first.status is ArchiveStatus.UNKNOWN
    assert "429" in (first.error or "")
    assert asked == 2  # one CDX, one availability
    assert second.status is ArchiveStatus.UNKNOWN
    assert "paused" in (second.error or "")
    assert len(fake.requests) == asked  # nothing sent while paused


def test_cdx_429_pauses_cdx_only(fake: FakeWayback) -> None:
    fake.fail_cdx = 429
    wayback = fast_client(fake.base_url, lookup_methods=CDX_THEN_AVAILABILITY)

    first = wayback.closest(STORY, "2019-08-17")
    fake.fail_cdx = None
    second = wayback.closest(LATE, "2020")

    assert first.status is ArchiveStatus.FOUND  # from the availability API
    assert second.status is ArchiveStatus.FOUND
    assert fake.count("cdx") == 1  # the second lookup did not ask CDX
    assert fake.count("availability") == 2


# --- fetching the capture's original bytes ------------------------------------------


def test_original_url_is_the_id_form(fake: FakeWayback) -> None:
    wayback = fast_client(fake.base_url)
    capture = wayback.closest(STORY, "2019-08-17")

    assert wayback.original_url(capture) == f"{fake.base_url}/web/20190801120000id_/{STORY}"


def test_fetch_original_returns_the_captured_bytes(fake: FakeWayback) -> None:
    wayback = fast_client(fake.base_url)

    fetched = wayback.fetch_original(wayback.closest(STORY, "2019-08-17"))

    assert fetched.status is LinkStatus.OK
    assert fetched.body == b"<p>Two weeks before</p>"
    assert FAKE_TOOLBAR not in fetched.body
    assert fetched.http_status == 200
    assert fetched.content_type == "text/html"
    assert fetched.via == "archive"
    assert fetched.url == f"{fake.base_url}/web/20190801120000id_/{STORY}"


def test_fetch_original_follows_the_archive_to_the_exact_capture(fake: FakeWayback) -> None:
    capture = Capture(STORY, ArchiveStatus.FOUND, timestamp="20190802000000")

    fetched = fast_client(fake.base_url).fetch_original(capture)

    assert fetched.status is LinkStatus.REDIRECTED
    assert fetched.body == b"<p>Two weeks before</p>"
    assert fetched.final_url == f"{fake.base_url}/web/20190801120000id_/{STORY}"
    assert [r.http_status for r in fetched.redirects] == [302]


def test_fetch_original_caps_the_body(fake: FakeWayback) -> None:
    wayback = Wayback(fake.base_url, max_bytes=5)

    fetched = wayback.fetch_original(wayback.closest(STORY, "2019-08-17"))

    assert fetched.body == b"<p>Tw"
    assert fetched.truncated


def test_fetch_original_without_a_capture_asks_nothing(fake: FakeWayback) -> None:
    missing = Capture(STORY, ArchiveStatus.NOT_FOUND)

    fetched = fast_client(fake.base_url).fetch_original(missing)

    assert fetched.status is LinkStatus.NO_URL
    assert fetched.body is None
    assert fake.requests == []


@pytest.mark.parametrize(
    ("failure", "status"), [(503, LinkStatus.BROKEN), (429, LinkStatus.BLOCKED)]
)
def test_fetch_original_reports_playback_failures(
    fake: FakeWayback, failure: int, status: LinkStatus
) -> None:
    wayback = fast_client(fake.base_url)
    capture = wayback.closest(STORY, "2019-08-17")
    fake.fail_playback = failure

    fetched = wayback.fetch_original(capture)

    assert fetched.status is status
    assert fetched.http_status == failure


def test_fetch_original_timeout_is_a_status(fake: FakeWayback) -> None:
    wayback = fast_client(fake.base_url, timeout=0.2)
    capture = wayback.closest(STORY, "2019-08-17")
    fake.delay = 3.0

    fetched = wayback.fetch_original(capture)

    assert fetched.status is LinkStatus.TIMEOUT


# --- plumbing -----------------------------------------------------------------------


class CountingAdapter(requests.adapters.HTTPAdapter):
    """A real transport that counts what it sends (stands in for a replay transport)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def send(  # type: ignore[override]  # keyword pass-through; the stub spells each one out
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        self.sent.append(request.url or "")
        assert kwargs.get("timeout") is not None, "every archive request needs a timeout"
        return super().send(request, **kwargs)


def test_all_http_goes_through_the_given_session_with_a_timeout(fake: FakeWayback) -> None:
    adapter = CountingAdapter()
    session = requests.Session()
    session.mount("http://", adapter)
    wayback = Wayback(fake.base_url, session=session, lookup_methods=CDX_THEN_AVAILABILITY)

    wayback.fetch_original(wayback.closest(STORY, "2019-08-17"))
    fake.fail_cdx = 503
    wayback.closest(STORY, "2019-08-17")

    assert len(adapter.sent) == len(fake.requests) == 4


def test_wayback_base_url_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITECHECK_WAYBACK_URL", "http://wayback.test:8080/")

    assert wayback_base_url() == "http://wayback.test:8080"
    assert wayback_base_url("https://mirror.example/") == "https://mirror.example"


def test_wayback_base_url_defaults_to_the_wayback_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CITECHECK_WAYBACK_URL", raising=False)

    assert wayback_base_url() == DEFAULT_WAYBACK_URL == "https://web.archive.org"


@pytest.mark.parametrize("bad", ["web.archive.org", "ftp://mirror.example", "http://"])
def test_wayback_base_url_refuses_what_is_not_an_http_url(bad: str) -> None:
    with pytest.raises(UsageError, match="http"):
        wayback_base_url(bad)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2019", "20191231235959"),
        ("2019-02", "20190228235959"),
        ("2020-02", "20200229235959"),
        ("2019-08-17", "20190817235959"),
        ("2019-08-17T10:30:00Z", "20190817103000"),
        ("201908", "20190831235959"),
        ("20190817103000", "20190817103000"),
    ],
)
def test_end_of_period(when: str, expected: str) -> None:
    assert end_of_period(when) == expected


@pytest.mark.parametrize("bad", ["2019-13", "2019-02-30", "17 August 2019", "19", ""])
def test_end_of_period_refuses_what_is_not_a_date(bad: str) -> None:
    with pytest.raises(ValueError):
        end_of_period(bad)


class FakeClock:
    """Time that moves only when the limiter sleeps: limiter tests without real waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limiter_allows_a_burst_then_spaces_requests() -> None:
    clock = FakeClock()
    limiter = RateLimiter(30, burst=2, clock=clock, sleep=clock.sleep)

    granted = [limiter.acquire() for _ in range(4)]

    assert granted == [True] * 4
    assert clock.slept == [pytest.approx(2.0), pytest.approx(2.0)]


def test_rate_limiter_pause_refuses_at_once_then_resumes() -> None:
    clock = FakeClock()
    limiter = RateLimiter(60, burst=5, pause_seconds=60, clock=clock, sleep=clock.sleep)

    limiter.pause()
    refused = limiter.acquire()
    clock.now += 30
    still_refused = limiter.acquire()
    clock.now += 31
    resumed = limiter.acquire()

    assert (refused, still_refused, resumed) == (False, False, True)
    assert clock.slept == []  # a paused family never makes the caller wait


# --- the fake itself (others build end-to-end tests on it) --------------------------


def test_fake_cdx_speaks_text_with_default_fields_and_negative_limit(
    fake: FakeWayback,
) -> None:
    answer = requests.get(
        f"{fake.base_url}/cdx/search/cdx", params={"url": STORY, "limit": "-1"}, timeout=5
    )

    fields = answer.text.split()
    assert answer.status_code == 200
    assert len(fields) == 7
    assert fields[1:5] == ["20190818000000", STORY, "text/html", "200"]


def test_fake_playback_shows_the_page_with_a_memento_datetime(fake: FakeWayback) -> None:
    answer = requests.get(f"{fake.base_url}/web/20190801120000/{STORY}", timeout=5)

    assert answer.content == FAKE_TOOLBAR + b"<p>Two weeks before</p>"
    assert answer.headers["Memento-Datetime"] == "Thu, 01 Aug 2019 12:00:00 GMT"


def test_fake_playback_redirects_to_the_nearest_capture(fake: FakeWayback) -> None:
    answer = requests.get(f"{fake.base_url}/web/2021/{LATE}", timeout=5, allow_redirects=False)

    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{fake.base_url}/web/20210301000000/{LATE}"


def test_one_client_serves_many_threads(fake: FakeWayback) -> None:
    wayback = fast_client(fake.base_url, cdx_per_minute=60_000)
    urls = [STORY, LATE, "https://never.example/"] * 10

    with ThreadPoolExecutor(max_workers=8) as pool:
        captures = list(pool.map(wayback.closest, urls))

    statuses = [capture.status for capture in captures]
    assert statuses == [ArchiveStatus.FOUND, ArchiveStatus.FOUND, ArchiveStatus.NOT_FOUND] * 10
