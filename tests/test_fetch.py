"""The fetcher against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterator

import pytest
from httpservers import Route, RouteSpec, ServerURL, serve

from citecheck.fetch import (
    Fetcher,
    FetchOptions,
    parse_header_token,
    request_headers,
    soft_404_reason,
    url_problem,
)
from citecheck.fetch.retries import quota_reset
from citecheck.models import LinkStatus, Redirect
from citecheck.replay import replay_session_factory, write_warc

HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(title: str, h1: str = "", text: str = "Some article text.") -> bytes:
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><h1>{h1}</h1><p>{text}</p></body></html>".encode()


LOCAL = FetchOptions(allow_private=True, retries=0, timeout=5.0, deadline=10.0)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(LOCAL) as f:
        yield f


@pytest.fixture(scope="module")
def site() -> Iterator[ServerURL]:
    routes = {
        "/ok": Route(200, body=page("A fine article", "A fine article"), headers=HTML),
        "/plain": Route(200, body=b"just text", headers={"Content-Type": "text/plain"}),
        "/a": Route(301, headers={"Location": "/b"}),
        "/b": Route(302, headers={"Location": "/ok"}),
        "/missing": Route(404, body=b"gone"),
        "/error": Route(500),
        "/401": Route(401),
        "/403": Route(403),
        "/429": Route(429, headers={"Retry-After": "120"}),
        "/451": Route(451),
        "/loop": Route(301, headers={"Location": "/loop"}),
        "/ping": Route(302, headers={"Location": "/pong"}),
        "/pong": Route(302, headers={"Location": "/ping"}),
        "/r1": Route(302, headers={"Location": "/r2"}),
        "/r2": Route(302, headers={"Location": "/r3"}),
        "/r3": Route(302, headers={"Location": "/r4"}),
        "/r4": Route(302, headers={"Location": "/ok"}),
        "/no-location": Route(302),
        "/to-mailto": Route(302, headers={"Location": "mailto:someone@example.org"}),
        "/": Route(200, body=page("Home"), headers=HTML),
        "/deep/article/42": Route(301, headers={"Location": "/"}),
        "/soft-title": Route(200, body=page("Page Not Found - Example News"), headers=HTML),
        "/soft-h1": Route(200, body=page("Example News", "Error 404"), headers=HTML),
        "/article-about-absence": Route(
            200,
            body=page("Why the aether does not exist", "Why the aether does not exist"),
            headers=HTML,
        ),
        "/big": Route(200, body=b"x" * 5000),
        "/exact": Route(200, body=b"y" * 1000),
        "/gzip": Route(200, body=b"hello, compressed world", gzip=True),
        "/bomb": Route(200, body=b"\0" * (20 * 2**20), gzip=True),
        "/slow": Route(200, body=b"late", delay=1.0),
        "/reset": Route(close=True),
        "/ua": Route(200, body=b"ok"),
        "/spacey": Route(302, headers={"Location": "/target page"}),
        "/target%20page": Route(200, body=b"target"),
    }
    with serve(routes) as base_url:
        yield base_url


def test_ok_page_carries_status_body_and_metadata(fetcher: Fetcher, site: ServerURL) -> None:
    result = fetcher.fetch(f"{site}/ok")
    assert result.status is LinkStatus.OK
    assert result.http_status == 200
    assert result.final_url == f"{site}/ok"
    assert result.redirects == ()
    assert result.content_type == "text/html; charset=utf-8"
    assert result.body is not None and b"A fine article" in result.body
    assert not result.truncated
    assert result.error is None
    assert result.via == "live"
    assert result.fetched_at is not None and result.fetched_at.endswith("Z")
    assert result.elapsed_ms is not None and result.elapsed_ms >= 0


def test_user_agent_is_sent(site: ServerURL) -> None:
    with Fetcher(FetchOptions(allow_private=True, user_agent="citecheck-test/9")) as fetcher:
        fetcher.fetch(f"{site}/ua")
    sent = [r.headers.get("User-Agent") for r in site.requests if r.path == "/ua"]
    assert sent[-1] == "citecheck-test/9"


def test_redirect_chain_is_recorded_hop_by_hop(fetcher: Fetcher, site: ServerURL) -> None:
    result = fetcher.fetch(f"{site}/a")
    assert result.status is LinkStatus.REDIRECTED
    assert result.http_status == 200
    assert result.final_url == f"{site}/ok"
    assert result.redirects == (Redirect(f"{site}/a", 301), Redirect(f"{site}/b", 302))


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/missing", LinkStatus.BROKEN, "HTTP 404"),
        ("/error", LinkStatus.BROKEN, "HTTP 500"),
        ("/nowhere", LinkStatus.BROKEN, "HTTP 404"),
        ("/401", LinkStatus.BLOCKED, "HTTP 401"),
        ("/403", LinkStatus.BLOCKED, "HTTP 403"),
        ("/429", LinkStatus.BLOCKED, "HTTP 429"),
        ("/451", LinkStatus.BLOCKED, "HTTP 451"),
        ("/no-location", LinkStatus.BROKEN, "HTTP 302 without a Location header"),
    ],
)
def test_http_errors_map_to_statuses(
    fetcher: Fetcher, site: ServerURL, path: str, status: LinkStatus, error: str
) -> None:
    result = fetcher.fetch(f"{site}{path}")
    assert (result.status, result.error) == (status, error)
    assert result.http_status == int(error.split()[1])


def test_location_with_a_space_is_followed_percent_encoded(
    fetcher: Fetcher, site: ServerURL
) -> None:
    result = fetcher.fetch(f"{site}/spacey")
    assert (result.status, result.body) == (LinkStatus.REDIRECTED, b"target")
    assert result.final_url == f"{site}/target%20page"


def test_redirect_loop_is_broken(fetcher: Fetcher, site: ServerURL) -> None:
    for path in ("/loop", "/ping"):
        result = fetcher.fetch(f"{site}{path}")
        assert (result.status, result.error) == (LinkStatus.BROKEN, "redirect loop")
        assert result.redirects


def test_too_many_redirects_is_broken(site: ServerURL) -> None:
    options = FetchOptions(allow_private=True, max_redirects=3)
    with Fetcher(options) as fetcher:
        result = fetcher.fetch(f"{site}/r1")
        assert (result.status, result.error) == (LinkStatus.BROKEN, "too many redirects")
    with Fetcher(FetchOptions(allow_private=True, max_redirects=4)) as fetcher:
        assert fetcher.fetch(f"{site}/r1").status is LinkStatus.REDIRECTED


def test_redirect_to_another_scheme_is_unsupported(fetcher: Fetcher, site: ServerURL) -> None:
    result = fetcher.fetch(f"{site}/to-mailto")
    assert result.status is LinkStatus.UNSUPPORTED
    assert result.error == "redirect to mailto:someone@example.org: unsupported scheme: mailto"
    assert result.redirects == (Redirect(f"{site}/to-mailto", 302),)


def test_soft_404_by_title_and_by_heading(fetcher: Fetcher, site: ServerURL) -> None:
    by_title = fetcher.fetch(f"{site}/soft-title")
    assert by_title.status is LinkStatus.SOFT_404
    assert by_title.error == 'soft 404: page title says "Page Not Found - Example News"'
    by_heading = fetcher.fetch(f"{site}/soft-h1")
    assert by_heading.status is LinkStatus.SOFT_404
    assert by_heading.error is not None and "Error 404" in by_heading.error


def test_an_article_about_absence_is_not_a_soft_404(fetcher: Fetcher, site: ServerURL) -> None:
    assert fetcher.fetch(f"{site}/article-about-absence").status is LinkStatus.OK


def test_redirect_from_deep_path_to_root_is_soft_404(fetcher: Fetcher, site: ServerURL) -> None:
    result = fetcher.fetch(f"{site}/deep/article/42")
    assert result.status is LinkStatus.SOFT_404
    assert result.error == "soft 404: redirected to the site root"
    assert result.final_url == f"{site}/"


@pytest.mark.parametrize(
    ("title", "soft"),
    [
        ("404", True),
        ("Error 404 (Not Found)", True),
        ("Not Found", True),
        ("Page not found | Example Times", True),
        ("Sorry, this article is no longer available", True),
        ("The page you requested does not exist", True),
        ("Content not found", True),
        ("Why the aether does not exist", False),
        ("A study of things not found in nature, with many examples", False),
        ("Budget 2024 announced", False),
        ("Route 4040 reopens", False),
    ],
)
def test_soft_404_phrases(title: str, soft: bool) -> None:
    headers = {"Content-Type": "text/html"}
    reason = soft_404_reason("http://a.test/x", "http://a.test/x", False, headers, page(title))
    assert (reason is not None) == soft


@pytest.mark.parametrize(
    ("heading", "charset"),
    [
        ("<title>Page not f&#111;und</title>", "utf-8"),  # an entity inside the word
        ("<title>Page not f&#x6f;und</title>", "iso-8859-1"),
        ("<title>Page not <b>found</b></title>", "utf-8"),  # a tag inside the title
        ("<title>This page does not exi\u017ft</title>", "utf-8"),  # long s: "exist" folded
        ("<h1>Page not found</h1>", "utf-8"),  # no title: the first heading says it
    ],
)
def test_soft_404_headings_the_quick_look_must_not_skip(heading: str, charset: str) -> None:
    """Most headings skip decoding (no word of a not-found phrase in plain ASCII);
    these need it, and must still be found."""
    headers = {"Content-Type": f"text/html; charset={charset}"}
    body = f"<html><head>{heading}</head><body>x</body></html>".encode(charset)
    assert soft_404_reason("http://a.test/x", "http://a.test/x", False, headers, body)


def test_soft_404_ignores_non_html(fetcher: Fetcher) -> None:
    body = b"<title>404</title>"
    assert (
        soft_404_reason(
            "http://a.test/x", "http://a.test/x", False, {"Content-Type": "application/pdf"}, body
        )
        is None
    )


def test_body_is_capped_at_max_bytes(site: ServerURL) -> None:
    with Fetcher(FetchOptions(allow_private=True, max_bytes=1000)) as fetcher:
        big = fetcher.fetch(f"{site}/big")
        exact = fetcher.fetch(f"{site}/exact")
    assert big.status is LinkStatus.OK
    assert big.truncated and big.body == b"x" * 1000
    assert not exact.truncated and exact.body == b"y" * 1000


def test_gzip_body_is_decoded(fetcher: Fetcher, site: ServerURL) -> None:
    assert fetcher.fetch(f"{site}/gzip").body == b"hello, compressed world"


def test_gzip_bomb_stops_at_max_bytes_of_decoded_data(site: ServerURL) -> None:
    assert len(gzip.compress(b"\0" * (20 * 2**20))) < 100_000  # the route really is a bomb
    with Fetcher(FetchOptions(allow_private=True, max_bytes=64 * 1024)) as fetcher:
        result = fetcher.fetch(f"{site}/bomb")
    assert result.status is LinkStatus.OK
    assert result.truncated
    assert result.body == b"\0" * (64 * 1024)


def test_slow_answer_is_a_read_timeout(site: ServerURL) -> None:
    options = FetchOptions(allow_private=True, timeout=0.2, max_retries=0)
    with Fetcher(options) as fetcher:
        result = fetcher.fetch(f"{site}/slow")
    assert (result.status, result.error) == (LinkStatus.TIMEOUT, "read timeout")


def test_trickling_body_hits_the_overall_deadline() -> None:
    # 2,000 bytes at 20 per second would take 100 s; each byte arrives well inside the
    # read timeout, so only the overall deadline can stop it.
    routes = {"/trickle": Route(200, body=b"z" * 2000, trickle=0.05)}
    options = FetchOptions(allow_private=True, timeout=5.0, deadline=0.5)
    with serve(routes) as base_url, Fetcher(options) as fetcher:
        result = fetcher.fetch(f"{base_url}/trickle")
    assert (result.status, result.error) == (LinkStatus.TIMEOUT, "deadline exceeded")
    assert result.http_status == 200


def test_connection_refused_is_unreachable() -> None:
    with serve({}) as base_url:
        stopped = str(base_url)
    with Fetcher(LOCAL) as fetcher:
        result = fetcher.fetch(f"{stopped}/ok")
    assert (result.status, result.error) == (LinkStatus.UNREACHABLE, "connection refused")


def test_dropped_connection_is_unreachable(fetcher: Fetcher, site: ServerURL) -> None:
    result = fetcher.fetch(f"{site}/reset")
    assert result.status is LinkStatus.UNREACHABLE
    assert result.error


def test_unknown_host_is_unreachable_dns_failure() -> None:
    with Fetcher(FetchOptions(retries=0)) as fetcher:
        result = fetcher.fetch("http://no-such-host.invalid/page")
    assert result.status is LinkStatus.UNREACHABLE
    assert result.error == "DNS failure: host name does not resolve"


def test_international_host_name_parses_and_fails_as_unreachable() -> None:
    with Fetcher(FetchOptions(retries=0)) as fetcher:
        result = fetcher.fetch("http://bücher.test/straße?q=ü")
    assert result.status is LinkStatus.UNREACHABLE
    assert result.error == "DNS failure: host name does not resolve"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "http://exa mple.test/",
        "http://a.test/has space",
        "http://a.test/tab\there",
        "http://a.test/\x00",
        "example.org/page",
        "www.example.org:80/page",
        "http://",
        "http:///path-only",
        "http://[::1",
        "http://a.test:99999/",
        "http://xn--.test/",
    ],
)
def test_malformed_urls_are_invalid(fetcher: Fetcher, url: str) -> None:
    result = fetcher.fetch(url)
    assert result.status is LinkStatus.INVALID
    assert result.error and "\n" not in result.error


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("mailto:someone@example.org", "mailto"),
        ("ftp://files.example.org/a.txt", "ftp"),
        ("javascript:alert(1)", "javascript"),
        ("FILE:///etc/passwd", "file"),
    ],
)
def test_other_schemes_are_unsupported(fetcher: Fetcher, url: str, scheme: str) -> None:
    result = fetcher.fetch(url)
    assert (result.status, result.error) == (
        LinkStatus.UNSUPPORTED,
        f"unsupported scheme: {scheme}",
    )


def test_url_problem_accepts_good_urls() -> None:
    assert url_problem("https://example.org/a b".replace(" ", "%20")) is None
    assert url_problem("http://bücher.test/") is None


def test_private_targets_are_excluded_without_allow_private(site: ServerURL) -> None:
    before = site.hits("/ok")
    with Fetcher(FetchOptions()) as fetcher:
        for url in (f"{site}/ok", "http://localhost:1/", "http://[::1]:1/", "http://127.1:1/"):
            result = fetcher.fetch(url)
            assert (result.status, result.error) == (LinkStatus.EXCLUDED, "private address")
    assert site.hits("/ok") == before  # refused before any connection


def test_public_page_cannot_redirect_into_the_local_network(tmp_path: object) -> None:
    # A recorded "public" page whose redirect points at loopback: the guard runs per hop.
    from pathlib import Path

    warc = Path(str(tmp_path)) / "public.warc.gz"
    write_warc(
        warc,
        [("http://public.example/start", 302, [("Location", "http://127.0.0.1:9/admin")], b"")],
    )
    options = FetchOptions(allow_private=False)
    with Fetcher(options, session_factory=replay_session_factory(warc), resolve_dns=False) as f:
        result = f.fetch("http://public.example/start")
    assert (result.status, result.error) == (LinkStatus.EXCLUDED, "private address")
    assert result.redirects == (Redirect("http://public.example/start", 302),)
    assert result.final_url == "http://127.0.0.1:9/admin"


def test_offline_fetches_nothing(site: ServerURL) -> None:
    before = len(site.requests)
    with Fetcher(FetchOptions(allow_private=True, offline=True)) as fetcher:
        result = fetcher.fetch(f"{site}/ok")
    assert (result.status, result.error) == (LinkStatus.EXCLUDED, "offline")
    assert len(site.requests) == before


def test_503_with_short_retry_after_is_retried_once() -> None:
    routes: dict[str, RouteSpec] = {
        "/flaky": [Route(503, headers={"Retry-After": "0"}), Route(200, body=b"back")],
        "/down": Route(503, headers={"Retry-After": "0"}),
        "/later": Route(429, headers={"Retry-After": "3600"}),
        "/missing": Route(404),
    }
    options = FetchOptions(allow_private=True, retries=1)
    with serve(routes) as base_url, Fetcher(options) as fetcher:
        flaky = fetcher.fetch(f"{base_url}/flaky")
        down = fetcher.fetch(f"{base_url}/down")
        later = fetcher.fetch(f"{base_url}/later")
        missing = fetcher.fetch(f"{base_url}/missing")
        assert (flaky.status, flaky.body) == (LinkStatus.OK, b"back")
        assert base_url.hits("/flaky") == 2
        assert down.status is LinkStatus.BROKEN and base_url.hits("/down") == 2
        assert later.status is LinkStatus.BLOCKED and base_url.hits("/later") == 1
        assert missing.status is LinkStatus.BROKEN and base_url.hits("/missing") == 1


def test_fetch_many_returns_one_result_per_url(site: ServerURL) -> None:
    paths = ["/ok", "/a", "/missing", "/403", "/big"] * 8
    urls = [f"{site}{p}?n={i}" for i, p in enumerate(paths)]
    with Fetcher(LOCAL) as fetcher:
        results = list(fetcher.fetch_many(urls, workers=4))
    assert sorted(r.url for r in results) == sorted(urls)
    by_path = {r.url.split("?")[0].removeprefix(site): r.status for r in results}
    assert by_path == {
        "/ok": LinkStatus.OK,
        "/a": LinkStatus.REDIRECTED,
        "/missing": LinkStatus.BROKEN,
        "/403": LinkStatus.BLOCKED,
        "/big": LinkStatus.OK,
    }


def test_fetch_many_with_nothing_to_do(fetcher: Fetcher) -> None:
    assert list(fetcher.fetch_many([])) == []


def test_fetch_many_can_be_called_again_and_stopped_early(site: ServerURL) -> None:
    with Fetcher(LOCAL) as fetcher:
        first = [f.status for f in fetcher.fetch_many([f"{site}/ok"] * 3, workers=2)]
        again = fetcher.fetch_many([f"{site}/ok?again={i}" for i in range(50)], workers=2)
        early = next(again)
        again.close()  # a consumer that stops reading must not hang the fetcher
    assert first == [LinkStatus.OK] * 3
    assert early.status is LinkStatus.OK


def test_stopped_test_server_is_gone_even_for_kept_alive_connections() -> None:
    # The shared test server must really stop: a pooled keep-alive connection from the
    # same session may not keep talking to it. Also exercises a callable route and
    # a second loopback address.
    routes: dict[str, RouteSpec] = {
        "/echo": lambda request: Route(200, body=request.headers.get("User-Agent", "").encode())
    }
    with Fetcher(FetchOptions(allow_private=True, user_agent="echo/1")) as fetcher:
        with serve(routes, host="127.0.0.2") as base_url:
            assert base_url.host == "127.0.0.2"
            assert fetcher.fetch(f"{base_url}/echo").body == b"echo/1"
        after = fetcher.fetch(f"{base_url}/echo")
    assert after.status is LinkStatus.UNREACHABLE


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("X-Key: 1", (None, "X-Key", "1")),
        ("Cookie: a=b; c=d", (None, "Cookie", "a=b; c=d")),
        ("X-Thing:a=b", (None, "X-Thing", "a=b")),
        ("docs.example=Authorization: Bearer t", ("docs.example", "Authorization", "Bearer t")),
        ("Docs.Example:8443=Authorization: Bearer t",
         ("docs.example:8443", "Authorization", "Bearer t")),
        ("[::1]:8080=X-Key: v", ("[::1]:8080", "X-Key", "v")),
        ("127.0.0.1=X-Key: a=b", ("127.0.0.1", "X-Key", "a=b")),
        ("intranet=X-Key: v", ("intranet", "X-Key", "v")),
        ("localhost:8080=X-Key: v", ("localhost:8080", "X-Key", "v")),
        ("X-Api-Version:2=beta:on", (None, "X-Api-Version", "2=beta:on")),  # not a host
        ("Cookie:1=a:b", (None, "Cookie", "1=a:b")),
        ("X-Key: a\tb", (None, "X-Key", "a\tb")),
    ],
)
def test_header_tokens_name_their_host_with_or_without_a_port(
    token: str, expected: tuple[str | None, str, str]
) -> None:
    assert parse_header_token(token) == expected


@pytest.mark.parametrize(
    "token",
    ["no colon", "=X-Key: 1", "Bad Name: 1", "host=no colon", "X: v\r\nInjected: 1", "X: \x00"],
)
def test_bad_header_tokens_are_refused(token: str) -> None:
    with pytest.raises(ValueError, match="bad header"):
        parse_header_token(token)


def test_a_host_header_goes_to_its_host_on_any_port_and_nowhere_else() -> None:
    options = FetchOptions(host_headers={"docs.example:8443": {"X-Key": "v"}})
    assert request_headers("https://docs.example/a", options)["X-Key"] == "v"
    assert request_headers("https://docs.example:8443/a", options)["X-Key"] == "v"
    assert "X-Key" not in request_headers("https://other.example:8443/a", options)


def headers_get(headers: dict[str, str]) -> Callable[[str], str | None]:
    """A case-insensitive lookup, as a response's headers give."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return lambda name: lowered.get(name.lower())


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "30"}, None),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"}, 30.0),  # seconds
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": "7"}, 7.0),
        ({"RateLimit": "limit=100, remaining=0, reset=12"}, 12.0),
        ({"RateLimit": '"default";r=0;t=12'}, None),  # a later draft's form: not read
        ({"RateLimit": "limit=100, remaining=5, reset=12"}, None),
        ({"X-RateLimit-Remaining": "0"}, 0.0),  # used up, reset not said
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "soon"}, 0.0),
    ],
)
def test_quota_reset_reads_the_rate_limit_headers(
    headers: dict[str, str], expected: float | None
) -> None:
    assert quota_reset(headers_get(headers)) == expected


def test_quota_reset_reads_githubs_epoch_seconds_as_a_moment() -> None:
    soon = str(int(time.time()) + 60)
    wait = quota_reset(headers_get({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": soon}))
    assert wait is not None and 55 <= wait <= 60
    past = str(int(time.time()) - 60)
    assert quota_reset(headers_get({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": past})) == 0
