"""Save Page Now 2 against the fake Wayback Machine's /save and /save/status/<job>."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fake_wayback import FakeWayback

from citecheck.archive import SavePageNow, SaveStatus
from citecheck.errors import UsageError
from citecheck.models import ArchiveStatus

PAGE = "https://live.example/new-page"


@pytest.fixture
def fake() -> Iterator[FakeWayback]:
    with FakeWayback() as server:
        yield server


def saver(fake: FakeWayback, **options: Any) -> SavePageNow:
    access, secret = fake.spn_keys
    settings: dict[str, Any] = {
        "poll_interval": 0.0,
        "saves_per_minute": 600.0,
        "timeout": 5.0,
        "sleep": lambda seconds: None,  # polls without real waiting
    } | options
    return SavePageNow(fake.base_url, access, secret, **settings)


def test_save_polls_the_job_until_it_succeeds(fake: FakeWayback) -> None:
    fake.spn_pending_polls = 2

    result = saver(fake).save(PAGE)

    assert result.status is SaveStatus.SUCCESS
    assert result.timestamp == fake.spn_timestamp
    assert result.capture_url == f"{fake.base_url}/web/{fake.spn_timestamp}/{PAGE}"
    assert result.job_id is not None
    polls = [r.path for r in fake.requests if r.path.startswith("/save/status/")]
    assert polls == [f"/save/status/{result.job_id}"] * 3  # pending, pending, success
    capture = result.capture()
    assert capture is not None and capture.status is ArchiveStatus.FOUND
    assert fake.saved == [PAGE]


def test_save_sends_the_keys_and_asks_for_json(fake: FakeWayback) -> None:
    saver(fake).save(PAGE)

    post = fake.requests[0]
    assert post.path == "/save"
    assert post.query == {"url": [PAGE]}  # the form body
    assert post.headers["Authorization"] == "LOW test-access-key:test-secret-key"
    assert post.headers["Accept"] == "application/json"


def test_a_job_error_is_an_error_with_the_archive_reason(fake: FakeWayback) -> None:
    fake.spn_errors[PAGE] = "error:not-found"

    result = saver(fake).save(PAGE)

    assert result.status is SaveStatus.ERROR
    assert "error:not-found" in (result.message or "")
    assert result.capture() is None


def test_wrong_keys_are_unavailable_not_an_error(fake: FakeWayback) -> None:
    result = SavePageNow(fake.base_url, "wrong", "keys", poll_interval=0).save(PAGE)

    assert result.status is SaveStatus.UNAVAILABLE
    assert "401" in (result.message or "")
    assert "logged in" in (result.message or "")


@pytest.mark.parametrize("failure", [503, 429])
def test_save_endpoint_failure_is_unavailable(fake: FakeWayback, failure: int) -> None:
    fake.fail_save = failure

    result = saver(fake).save(PAGE)

    assert result.status is SaveStatus.UNAVAILABLE
    assert str(failure) in (result.message or "")


def test_a_429_pauses_saving(fake: FakeWayback) -> None:
    fake.fail_save = 429
    client = saver(fake)

    client.save(PAGE)
    second = client.save("https://live.example/other")

    assert second.status is SaveStatus.UNAVAILABLE
    assert "paused" in (second.message or "")
    assert fake.count("save") == 1


def test_a_job_still_pending_after_the_wait_is_pending(fake: FakeWayback) -> None:
    fake.spn_pending_polls = 100

    result = saver(fake, poll_interval=1.0, max_wait=2.0, polls_per_minute=6000).save(PAGE)

    assert result.status is SaveStatus.PENDING
    assert fake.count("save") == 1 + 3  # the POST, then polls at 0, 1 and 2 "seconds"


def test_saving_needs_keys() -> None:
    with pytest.raises(UsageError, match="CITECHECK_IA_ACCESS_KEY"):
        SavePageNow("http://127.0.0.1:9", "", "")


def test_saves_are_spread_out_by_default() -> None:
    client = SavePageNow("http://127.0.0.1:9", "a", "b")

    assert client.save_limiter.per_second * 60 == pytest.approx(6.0)
    assert client.save_limiter.capacity == 1.0  # no burst
