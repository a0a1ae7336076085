"""normalize_date: ISO 8601 at the precision the citation gives, never invented."""

from __future__ import annotations

import pytest

from citecheck.dates import normalize_date


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("30 September 2023", "2023-09-30"),
        ("September 30, 2023", "2023-09-30"),
        ("2023-09-30", "2023-09-30"),
        ("2023-9-3", "2023-09-03"),
        ("Sept. 30, 2023", "2023-09-30"),
        ("30 Sep 2023", "2023-09-30"),
        ("1st March 2020", "2020-03-01"),
        ("(2023-09-30).", "2023-09-30"),
        ("September 2023", "2023-09"),
        ("Sep 2023", "2023-09"),
        ("2019-08", "2019-08"),
        ("2019", "2019"),
        ("2019-08-17T10:00:00Z", "2019-08-17"),
        ("2 janvier 2020", "2020-01-02"),
    ],
)
def test_dates_keep_the_precision_given(written: str, iso: str) -> None:
    assert normalize_date(written) == iso


@pytest.mark.parametrize(
    "written",
    ["n.d.", "n.d", "no date", "", "   ", "garbage", "2023-02-30", "2023-13-01", "20 Foo 2020",
     "Spring", "the year 2019 maybe"],
)  # fmt: skip
def test_no_date_or_garbage_gives_none(written: str) -> None:
    assert normalize_date(written) is None
