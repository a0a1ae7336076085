"""Redirect targets are requested the way browsers request them."""

from __future__ import annotations

import pytest

from citecheck.fetch.urls import requote_location


@pytest.mark.parametrize(
    ("location", "requested"),
    [
        ("http://a.test/plain/path?q=1&r=2#top", "http://a.test/plain/path?q=1&r=2#top"),
        ("http://a.test/two words", "http://a.test/two%20words"),
        ("http://a.test/caf\u00e9", "http://a.test/caf%C3%A9"),
        ("http://a.test/a%20b", "http://a.test/a%20b"),  # an escape is not escaped again
        ("http://a.test/50%", "http://a.test/50%"),  # nor a stray %, as WHATWG leaves it
        ("http://a.test/a|b{c}", "http://a.test/a%7Cb%7Bc%7D"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_redirect_target_is_quoted_like_a_browser(location: str, requested: str) -> None:
    assert requote_location(location) == requested
