"""Both fetch engines (requests and aiohttp) against the same real servers on 127.0.0.x:
politeness per host, HEAD/GET, retries, headers, the address guard, bad servers."""

from __future__ import annotations

import gzip
import itertools
import socket
import ssl
import time
import zlib
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from httpservers import ReceivedRequest, Route, RouteSpec, serve

from citecheck.fetch import Fetcher, FetchOptions, is_github_host, request_headers
from citecheck.fetch import chain as chain_module
from citecheck.fetch import pinning as pinning_module
from citecheck.fetch import resolver as resolver_module
from citecheck.models import Fetch, LinkStatus, Redirect
from citecheck.netguard import is_private_address, is_private_host

HTML = {"Content-Type": "text/html; charset=utf-8"}
FAST = FetchOptions(allow_private=True, max_retries=0, timeout=5.0, deadline=10.0)


@pytest.fixture(params=["sync", "async", "aiohttp"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def fetch_all(
    urls: list[str],
    options: FetchOptions,
    engine: str,
    *,
    need_body: bool = True,
    workers: int = 16,
) -> dict[str, Fetch]:
    with Fetcher(options, engine=engine) as fetcher:  # type: ignore[arg-type]  # str from params
        assert fetcher.engine == engine
        return {f.url: f for f in fetcher.fetch_many(urls, workers, need_body=need_body)}


def fetch_one(url: str, options: FetchOptions, engine: str, *, need_body: bool = True) -> Fetch:
    return fetch_all([url], options, engine, need_body=need_body)[url]


# -- politeness ------------------------------------------------------------------------


def test_host_concurrency_is_never_exceeded(engine: str) -> None:
    routes = {"/slow": Route(200, body=b"ok", delay=0.05)}
    options = msgspec.structs.replace(FAST, host_concurrency=3)
    with serve(routes) as one, serve(routes, host="127.0.0.2") as two:
        urls = [f"{base}/slow?{i}" for i in range(18) for base in (one, two)]
        results = fetch_all(urls, options, engine, workers=32)
        assert {r.status for r in results.values()} == {LinkStatus.OK}
        assert len(results) == 36
        # each host saw several requests at once, never more than its limit
        assert 2 <= one.peak_in_flight <= 3
        assert 2 <= two.peak_in_flight <= 3


def test_max_concurrency_bounds_all_hosts_together(engine: str) -> None:
    routes = {"/slow": Route(200, body=b"ok", delay=0.05)}
    options = msgspec.structs.replace(FAST, host_concurrency=10, max_concurrency=2)
    with serve(routes) as one, serve(routes, host="127.0.0.2") as two:
        urls = [f"{base}/slow?{i}" for i in range(6) for base in (one, two)]
        with Fetcher(options, engine=engine) as fetcher:  # type: ignore[arg-type]
            results = list(fetcher.fetch_many(urls))
        assert len(results) == 12
        assert one.peak_in_flight + two.peak_in_flight <= 4  # each ≤ 2 (the overall cap)
        assert one.peak_in_flight <= 2 and two.peak_in_flight <= 2


def test_host_request_interval_spaces_request_starts(engine: str) -> None:
    options = msgspec.structs.replace(FAST, host_request_interval=0.1)
    with serve({"/p": Route(200, body=b"ok")}) as site:
        fetch_all([f"{site}/p?{i}" for i in range(4)], options, engine)
        starts = sorted(r.received_at for r in site.requests)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    # started 0.1 s apart by the client; the server sees each start late by however
    # long it waited for a core (up to ~30 ms seen on a loaded machine), which moves
    # single gaps but not the span of all four
    assert len(gaps) == 3 and min(gaps) >= 0.05
    assert starts[-1] - starts[0] >= 0.25


def test_429_backs_off_its_host_without_stalling_others(engine: str) -> None:
    routes_a: dict[str, RouteSpec] = {
        "/limited": [Route(429, headers={"Retry-After": "0.5"}), Route(200, body=b"ok")],
        "/other": Route(200, body=b"ok", delay=0.2),
    }
    options = msgspec.structs.replace(FAST, host_concurrency=2, max_retries=1)
    with serve(routes_a) as a, serve({"/fast": Route(200, delay=0.05)}, host="127.0.0.2") as b:
        urls = [f"{a}/limited"] + [f"{a}/other?{i}" for i in range(3)]
        urls += [f"{b}/fast?{i}" for i in range(6)]
        results = fetch_all(urls, options, engine)
        first_429 = next(r.received_at for r in a.requests if r.path == "/limited")
        later_on_a = [r.received_at for r in a.requests if r.received_at > first_429 + 0.1]
        on_b = [r.received_at for r in b.requests]
    assert results[f"{a}/limited"].status is LinkStatus.OK
    assert a.hits("/limited") == 2
    assert later_on_a and min(later_on_a) >= first_429 + 0.45  # the host waited its turn
    assert max(on_b) < first_429 + 0.45  # the other host went on meanwhile


def test_a_used_up_quota_pauses_its_host_until_the_reset(engine: str) -> None:
    """An answer saying the quota is at 0 stands, and the host's next requests wait for
    the reset instead of meeting 429s; another host goes on."""
    used_up = {"RateLimit-Remaining": "0", "RateLimit-Reset": "0.5"}
    routes: dict[str, RouteSpec] = {
        "/first": Route(200, body=b"ok", headers=used_up),
        "/next": Route(200, body=b"ok"),
    }
    with serve(routes) as a, serve({"/fast": Route(200)}, host="127.0.0.2") as b, \
            Fetcher(FAST, engine=engine) as fetcher:  # type: ignore[arg-type]
        first = list(fetcher.fetch_many([f"{a}/first"]))
        later = list(fetcher.fetch_many([f"{a}/next?{i}" for i in range(3)] + [f"{b}/fast"]))
        answered = next(r.received_at for r in a.requests if r.path == "/first")
        next_starts = [r.received_at for r in a.requests if r.path.startswith("/next")]
        other_start = b.requests[0].received_at
    assert first[0].status is LinkStatus.OK
    assert {fetch.status for fetch in later} == {LinkStatus.OK}
    assert min(next_starts) >= answered + 0.45
    assert other_start < answered + 0.45


def test_githubs_403_with_the_quota_used_up_is_retried_after_the_reset(engine: str) -> None:
    limited = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 1)}
    routes: dict[str, RouteSpec] = {
        "/api": [Route(403, headers=limited), Route(200, body=b"ok")],
        "/denied": Route(403, body=b"no"),  # a plain 403: a refusal, not asked again
    }
    options = msgspec.structs.replace(FAST, max_retries=2)
    with serve(routes) as site:
        results = fetch_all([f"{site}/api", f"{site}/denied"], options, engine)
        asked = [r.received_at for r in site.requests if r.path == "/api"]
        denied = site.hits("/denied")
    assert results[f"{site}/api"].status is LinkStatus.OK
    assert len(asked) == 2 and asked[1] - asked[0] >= 0.2  # waited for the reset
    assert results[f"{site}/denied"].status is LinkStatus.BLOCKED and denied == 1


# -- methods -----------------------------------------------------------------------------


def by_method(get: Route, head: Route) -> RouteSpec:
    return lambda request: head if request.method == "HEAD" else get


def test_head_falls_back_to_get_on_405(engine: str) -> None:
    routes = {"/no-head": by_method(get=Route(200, body=b"%PDF"), head=Route(405))}
    options = msgspec.structs.replace(FAST, method="head-then-get")
    with serve(routes) as site:
        result = fetch_one(f"{site}/no-head", options, engine, need_body=False)
        methods = [r.method for r in site.requests]
    assert (result.status, result.http_status) == (LinkStatus.OK, 200)
    assert methods == ["HEAD", "GET"]


def test_head_is_enough_for_a_non_html_link(engine: str) -> None:
    pdf = Route(200, body=b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    options = msgspec.structs.replace(FAST, method="head-then-get")
    with serve({"/paper.pdf": pdf}) as site:
        result = fetch_one(f"{site}/paper.pdf", options, engine, need_body=False)
        methods = [r.method for r in site.requests]
    assert result.status is LinkStatus.OK and result.body is None
    assert methods == ["HEAD"]


def test_link_check_without_body_still_finds_soft_404s(engine: str) -> None:
    soft = Route(200, body=b"<title>Page not found</title>" + b"x" * 500_000, headers=HTML)
    with serve({"/gone": soft, "/ok": Route(200, body=b"<title>Hi</title>", headers=HTML)}) as site:
        for method in ("get", "head-then-get"):
            options = msgspec.structs.replace(FAST, method=method)
            results = fetch_all([f"{site}/gone", f"{site}/ok"], options, engine, need_body=False)
            assert results[f"{site}/gone"].status is LinkStatus.SOFT_404
            assert results[f"{site}/ok"].status is LinkStatus.OK
            assert all(r.body is None and not r.truncated for r in results.values())


# -- retries -----------------------------------------------------------------------------


def test_503_is_retried_until_it_succeeds(engine: str) -> None:
    routes: dict[str, RouteSpec] = {"/flaky": [Route(503), Route(502), Route(200, body=b"up")]}
    options = msgspec.structs.replace(FAST, max_retries=3, retry_backoff=0.01)
    with serve(routes) as site:
        result = fetch_one(f"{site}/flaky", options, engine)
        assert (result.status, result.body) == (LinkStatus.OK, b"up")
        assert site.hits("/flaky") == 3


def test_retry_after_is_honoured(engine: str) -> None:
    routes: dict[str, RouteSpec] = {
        "/busy": [Route(429, headers={"Retry-After": "0.3"}), Route(200, body=b"ok")]
    }
    options = msgspec.structs.replace(FAST, max_retries=2, retry_backoff=0.01)
    with serve(routes) as site:
        assert fetch_one(f"{site}/busy", options, engine).status is LinkStatus.OK
        first, second = (r.received_at for r in site.requests)
    assert second - first >= 0.29


def test_spent_retry_budget_gives_the_last_answer(engine: str) -> None:
    routes: dict[str, RouteSpec] = {
        "/down": Route(503),
        "/later": Route(429, headers={"Retry-After": "3600"}),  # beyond retry_after_max
    }
    options = msgspec.structs.replace(FAST, max_retries=2, retry_backoff=0.01, retry_after_max=5)
    with serve(routes) as site:
        results = fetch_all([f"{site}/down", f"{site}/later"], options, engine)
        assert (results[f"{site}/down"].status, results[f"{site}/down"].error) == (
            LinkStatus.BROKEN,
            "HTTP 503",
        )
        assert site.hits("/down") == 3
        assert results[f"{site}/later"].status is LinkStatus.BLOCKED
        assert site.hits("/later") == 1


def test_timeouts_are_retried(engine: str) -> None:
    routes: dict[str, RouteSpec] = {"/stall": [Route(200, delay=1.0), Route(200, body=b"ok")]}
    options = msgspec.structs.replace(FAST, timeout=0.2, max_retries=1, retry_backoff=0.01)
    with serve(routes) as site:
        assert fetch_one(f"{site}/stall", options, engine).status is LinkStatus.OK
        assert site.hits("/stall") == 2


# -- headers -----------------------------------------------------------------------------


def test_host_headers_go_only_to_their_host(engine: str) -> None:
    echo: RouteSpec = lambda request: Route(200, body=b"ok")  # noqa: E731  # headers are kept
    options = msgspec.structs.replace(
        FAST,
        headers={"X-Everyone": "1"},
        host_headers={"127.0.0.1": {"X-Secret": "for-one"}},
        github_token="ghp_example",
    )
    with serve({"/h": echo}) as one, serve({"/h": echo}, host="127.0.0.2") as two:
        fetch_all([f"{one}/h", f"{two}/h"], options, engine)
        sent_one, sent_two = one.requests[0].headers, two.requests[0].headers
    assert sent_one.get("X-Secret") == "for-one" and sent_one.get("X-Everyone") == "1"
    assert "X-Secret" not in sent_two and sent_two.get("X-Everyone") == "1"
    assert "Authorization" not in sent_one and "Authorization" not in sent_two


def test_github_token_is_chosen_only_for_github_hosts() -> None:
    options = FetchOptions(github_token="ghp_example")
    for url in (
        "https://github.com/owner/repo",
        "https://API.github.com/repos/owner/repo",
        "https://raw.githubusercontent.com/owner/repo/main/README.md",
    ):
        assert request_headers(url, options)["Authorization"] == "Bearer ghp_example"
    for url in (
        "https://github.com.evil.test/",
        "https://gist.github.example/",
        "https://example.org/?u=github.com",
    ):
        assert "Authorization" not in request_headers(url, options)
    assert "Authorization" not in request_headers("https://github.com/", FetchOptions())
    assert is_github_host("github.com.") and not is_github_host("notgithub.com")


# -- the address guard ------------------------------------------------------------------


@pytest.fixture
def public_127_0_0_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend 127.0.0.2 is a public host (and nothing else is) for the guard."""

    def host_check(host: str, resolve: bool = True) -> bool:
        return host != "127.0.0.2" and is_private_host(host, resolve)

    def address_check(address: Any) -> bool:
        return str(address) != "127.0.0.2" and is_private_address(address)

    monkeypatch.setattr(chain_module, "is_private_host", host_check)
    monkeypatch.setattr(resolver_module, "is_private_address", address_check)
    monkeypatch.setattr(pinning_module, "is_private_address", address_check)


@pytest.mark.usefixtures("public_127_0_0_2")
def test_public_host_cannot_redirect_into_loopback(engine: str) -> None:
    with serve({"/admin": Route(200, body=b"secret")}) as inside:
        target = f"{inside}/admin"
        with serve({"/start": Route(302, headers={"Location": target})}, host="127.0.0.2") as out:
            result = fetch_one(f"{out}/start", FetchOptions(), engine)
        assert (result.status, result.error) == (LinkStatus.EXCLUDED, "private address")
        assert result.redirects == (Redirect(f"{out}/start", 302),)
        assert result.final_url == target
        assert inside.hits("/admin") == 0


def test_name_resolving_to_loopback_is_refused_after_dns(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # a name no rule knows by name: only its address gives it away
        return real_getaddrinfo("127.0.0.1" if host == "intranet.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with serve({"/": Route(200, body=b"inside")}) as site:
        for name in ("intranet.test", "localhost"):
            url = f"http://{name}:{site.port}/"
            refused = fetch_one(url, FetchOptions(max_retries=0), engine)
            assert (refused.status, refused.error) == (LinkStatus.EXCLUDED, "private address")
        assert site.hits("/") == 0
        allowed = fetch_one(f"http://intranet.test:{site.port}/", FAST, engine)
        assert allowed.status is LinkStatus.OK and site.hits("/") == 1


def test_spellings_of_a_name_cannot_slip_past_the_guard(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trailing dot and a percent-escape spell "intranet.test" differently; the
    address checked must still be the address connected to."""
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = str(host).rstrip(".")
        return real_getaddrinfo("127.0.0.1" if name == "intranet.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with serve({"/": Route(200, body=b"inside")}) as site:
        dotted = f"http://intranet.test.:{site.port}/"
        refused = fetch_one(dotted, FetchOptions(max_retries=0), engine)
        assert (refused.status, refused.error) == (LinkStatus.EXCLUDED, "private address")
        escaped = fetch_one(f"http://intr%61net.test:{site.port}/", FAST, engine)
        assert escaped.status is LinkStatus.INVALID
        assert site.hits("/") == 0
        # allowed, the dotted name reaches the server through the checked address
        # (no DNS server knows it: only the pinned address can have been used)
        allowed = fetch_one(dotted, FAST, engine)
        assert allowed.status is LinkStatus.OK, allowed.error
        assert site.hits("/") == 1


@pytest.mark.parametrize("spelling", ["127.0.0.1.", "127.1", "0x7f.0.0.1", "2130706433"])
def test_literal_loopback_spellings_are_refused(engine: str, spelling: str) -> None:
    with serve({"/": Route(200, body=b"inside")}) as site:
        result = fetch_one(f"http://{spelling}:{site.port}/", FetchOptions(max_retries=0), engine)
        assert (result.status, result.error) == (LinkStatus.EXCLUDED, "private address")
        assert site.hits("/") == 0


@pytest.mark.usefixtures("public_127_0_0_2")
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}\\@public.test",  # "\" is "/" to reqwest and browsers
        "public.test\\@127.0.0.1:{port}",
        "0x:{port}",  # 0.0.0.0 to a WHATWG parser, a name to Python
        "127.0x.0.1:{port}",
    ],
)
def test_hosts_parsers_read_differently_never_reach_loopback(
    engine: str, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def public_looking(name: Any, *args: Any, **kwargs: Any) -> Any:
        if str(name).rstrip(".") in ("public.test", "0x", "127.0x.0.1"):
            # the name resolves to 127.0.0.2, which the fixture makes public
            return real_getaddrinfo("127.0.0.2", *args, **kwargs)
        return real_getaddrinfo(name, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", public_looking)
    with serve({"/": Route(200, body=b"inside")}) as site:
        result = fetch_one(f"http://{host.format(port=site.port)}/", FetchOptions(), engine)
        assert site.hits("/") == 0, result
    assert result.status in (LinkStatus.INVALID, LinkStatus.EXCLUDED, LinkStatus.UNREACHABLE)


@pytest.mark.usefixtures("public_127_0_0_2")
def test_a_checked_host_vouches_only_for_its_own_spelling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reqwest transport does not judge a host again for every request: it keeps
    the verdict by "scheme://authority", the part of a URL both parsers read the host
    from. A URL whose host Python reads as the checked name but reqwest reads as
    loopback must be judged anew, and refused. (The engine's own URL check refuses
    this spelling first: here the transport is asked directly, as a second line.)"""
    import asyncio

    from citecheck.fetch.transport_reqwest import InvalidRequestUrl, ReqwestTransport

    real_getaddrinfo = socket.getaddrinfo

    def public_looking(name: Any, *args: Any, **kwargs: Any) -> Any:
        if str(name).rstrip(".") == "public.test":
            return real_getaddrinfo("127.0.0.2", *args, **kwargs)
        return real_getaddrinfo(name, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", public_looking)
    checked = "http://public.test:8080/page"
    tricky = "http://127.0.0.1:8080\\@public.test:8080/page"

    async def ask() -> tuple[object, object, object]:
        transport = ReqwestTransport(FetchOptions(), 4)
        try:
            _, host = await transport.pins.client_for(checked)
            again = transport.pins.client_now(checked + "?other")
            assert transport.pins.client_now(tricky) is None
            with pytest.raises(InvalidRequestUrl):
                await transport.pins.client_for(tricky)
            return host, again, transport.pins.client_now(tricky)
        finally:
            await transport.close()

    host, again, after = asyncio.run(ask())
    assert host == "public.test"
    assert again is not None and again[1] == "public.test"  # same authority: known at once
    assert after is None  # a refused spelling is never kept


@pytest.mark.usefixtures("public_127_0_0_2")
def test_an_empty_authority_vouches_for_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """"http:///127.0.0.1/" has no host to Python; WHATWG (reqwest) reads the host from
    what follows the slashes. Such a URL is never judged good, so it can never put
    "http://" in the transport's cache for every other URL of that shape."""
    import asyncio

    from citecheck.fetch.transport_reqwest import InvalidRequestUrl, ReqwestTransport

    real_getaddrinfo = socket.getaddrinfo

    def root_name_resolves(name: Any, *args: Any, **kwargs: Any) -> Any:
        if name == ".":  # reqwest reads "http:////%2e/" as the host "."
            return real_getaddrinfo("127.0.0.2", *args, **kwargs)
        return real_getaddrinfo(name, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", root_name_resolves)
    with serve({"/admin": Route(200, body=b"secret")}) as inside:
        target = f"http:///127.0.0.1:{inside.port}/admin"

        async def ask() -> object:
            transport = ReqwestTransport(FetchOptions(), 4)
            try:
                with pytest.raises(InvalidRequestUrl):
                    await transport.pins.client_for("http:////%2e/")
                known = transport.pins.client_now(target)
                with pytest.raises(InvalidRequestUrl):
                    async with transport.open("GET", target, {}):
                        pass
                return known
            finally:
                await transport.close()

        assert asyncio.run(ask()) is None
        assert inside.hits("/admin") == 0


def test_a_name_whose_first_address_is_dead_is_reached_at_the_next(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def two_addresses(name: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if str(name).rstrip(".") == "two.test":  # nothing listens on 127.0.0.3
            first = real_getaddrinfo("127.0.0.3", port, *args, **kwargs)
            return first + real_getaddrinfo("127.0.0.1", port, *args, **kwargs)
        return real_getaddrinfo(name, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", two_addresses)
    with serve({"/": Route(200, body=b"up")}) as site:
        result = fetch_one(f"http://two.test:{site.port}/", FAST, engine)
    assert result.status is LinkStatus.OK, result.error


def test_rebinding_is_refused_at_connect_time(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard's own lookup says public; the connection's lookup says loopback (a DNS
    server answering differently the second time). The connection must be refused."""
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real_getaddrinfo("127.0.0.1" if host == "rebind.test" else host, *args, **kwargs)

    def first_answer_public(host: str, resolve: bool = True) -> bool:
        return host != "rebind.test" and is_private_host(host, resolve)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(chain_module, "is_private_host", first_answer_public)
    with serve({"/": Route(200, body=b"inside")}) as site:
        result = fetch_one(f"http://rebind.test:{site.port}/", FetchOptions(max_retries=0), engine)
        assert (result.status, result.error) == (LinkStatus.EXCLUDED, "private address")
        assert site.hits("/") == 0


# -- bad servers --------------------------------------------------------------------------


def test_answers_hyper_refuses_are_read_like_a_browser_reads_them(engine: str) -> None:
    """A Location sent as raw UTF-8 bytes and an answer with 110 headers: reqwest's
    hyper refuses both (the async engine then asks aiohttp); every engine must give
    the status a browser would."""
    raw_utf8 = "/caf\u00e9".encode().decode("latin-1")  # the bytes of "/café" on the wire
    many = [(f"X-Header-{n}", "v") for n in range(110)]
    routes = {
        "/moved": Route(301, headers={"Location": raw_utf8}),
        "/caf%C3%A9": Route(200, body=b"<title>Caf\xc3\xa9</title>", headers=HTML),
        "/crowded": Route(200, body=b"<title>Fine</title>", headers=[*many, *HTML.items()]),
    }
    with serve(routes) as site:
        results = fetch_all([f"{site}/moved", f"{site}/crowded"], FAST, engine)
    moved, crowded = results[f"{site}/moved"], results[f"{site}/crowded"]
    assert moved.status is LinkStatus.REDIRECTED, moved.error
    assert moved.final_url == f"{site}/caf%C3%A9"
    assert (crowded.status, crowded.http_status) == (LinkStatus.OK, 200), crowded.error


def test_names_are_pinned_to_the_checked_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reqwest client connects to the address the guard checked, for names no DNS
    server knows (so reqwest's own lookup could not have found them), and names looked
    up together share one client instead of one ~4 ms client build each."""
    from citecheck.fetch import transport_reqwest

    real_getaddrinfo = socket.getaddrinfo
    names = [f"site{n}.test" for n in range(12)]

    def fake_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real_getaddrinfo("127.0.0.1" if host in names else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    builds: list[int] = []
    real_build = transport_reqwest._Pins._build

    def counting_build(self: Any, pins: Any) -> Any:
        builds.append(len(pins))
        return real_build(self, pins)

    monkeypatch.setattr(transport_reqwest._Pins, "_build", counting_build)
    with serve({"/p": Route(200, body=b"ok")}) as site:
        urls = [f"http://{name}:{site.port}/p?{i}" for name in names for i in range(3)]
        results = fetch_all(urls, FAST, "async")
        assert {r.status for r in results.values()} == {LinkStatus.OK}
        assert site.hits("/p") == len(urls)
    assert sum(builds) == len(names)  # every name pinned once
    assert len(builds) < len(names)  # and in batches


def test_client_variable_moves_live_fetching_to_aiohttp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CITECHECK_HTTP_CLIENT", raising=False)
    assert Fetcher(FAST).engine == "async"
    monkeypatch.setenv("CITECHECK_HTTP_CLIENT", "aiohttp")
    with serve({"/p": Route(200, body=b"ok")}) as site, Fetcher(FAST) as fetcher:
        assert fetcher.engine == "aiohttp"
        assert [f.status for f in fetcher.fetch_many([f"{site}/p"])] == [LinkStatus.OK]
    # WARC recording and replay go through requests, whatever the variable says
    assert Fetcher(FAST, session_factory=lambda: None).engine == "sync"  # type: ignore[arg-type,return-value]


def test_an_unverifiable_certificate_is_a_tls_error(
    engine: str, self_signed: ssl.SSLContext
) -> None:
    with serve({"/": Route(200, body=b"ok")}, tls=self_signed) as site:
        result = fetch_one(f"{site}/", FAST, engine)
        assert site.hits("/") == 0  # the handshake failed: no request was made
    assert result.status is LinkStatus.UNREACHABLE
    assert result.error is not None and result.error.startswith("TLS error"), result.error


def test_insecure_accepts_a_certificate_no_one_signed(
    engine: str, self_signed: ssl.SSLContext
) -> None:
    insecure = msgspec.structs.replace(FAST, insecure=True)
    with serve({"/": Route(200, body=b"ok")}, tls=self_signed) as site:
        result = fetch_one(f"{site}/", insecure, engine)
        assert site.hits("/") == 1
    assert (result.status, result.http_status) == (LinkStatus.OK, 200)


def test_compressed_bodies_decode_alike_on_every_engine(engine: str) -> None:
    page = b"<title>Harbour works</title>" + b"<p>The quay was rebuilt.</p>" * 200
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    routes = {
        "/upper": Route(200, body=gzip.compress(page), headers={"Content-Encoding": "GZIP"}),
        "/deflate": Route(200, body=zlib.compress(page), headers={"Content-Encoding": "deflate"}),
        "/raw-deflate": Route(
            200,
            body=raw_deflate.compress(page) + raw_deflate.flush(),
            headers={"Content-Encoding": "deflate"},
        ),
        "/bad": Route(200, body=b"not gzip at all", headers={"Content-Encoding": "gzip"}),
    }
    with serve(routes) as site:
        results = fetch_all([f"{site}{path}" for path in routes], FAST, engine)
    for path in ("/upper", "/deflate", "/raw-deflate"):
        result = results[f"{site}{path}"]
        assert (result.status, result.body) == (LinkStatus.OK, page), (path, result.error)
    bad = results[f"{site}/bad"]
    assert bad.status is LinkStatus.BROKEN and "decode" in (bad.error or ""), bad.error


def test_trickling_server_is_stopped_by_the_deadline(engine: str) -> None:
    routes = {"/trickle": Route(200, body=b"z" * 2000, trickle=0.05)}
    options = msgspec.structs.replace(FAST, deadline=0.5)
    with serve(routes) as site:
        result = fetch_one(f"{site}/trickle", options, engine)
    assert (result.status, result.error) == (LinkStatus.TIMEOUT, "deadline exceeded")
    assert result.http_status == 200
    assert result.elapsed_ms is not None and result.elapsed_ms < 3000


def test_gzip_bomb_is_capped(engine: str) -> None:
    routes = {"/bomb": Route(200, body=b"\0" * (20 * 2**20), gzip=True)}
    options = msgspec.structs.replace(FAST, max_bytes=64 * 1024)
    with serve(routes) as site:
        result = fetch_one(f"{site}/bomb", options, engine)
    assert (result.status, result.truncated) == (LinkStatus.OK, True)
    assert result.body == b"\0" * (64 * 1024)


def test_redirect_loop_and_chain(engine: str) -> None:
    routes = {
        "/loop": Route(301, headers={"Location": "/loop"}),
        "/a": Route(301, headers={"Location": "/b"}),
        "/b": Route(302, headers={"Location": "/ok"}),
        "/ok": Route(200, body=b"<title>Fine</title>", headers=HTML),
        "/deep/page": Route(301, headers={"Location": "/"}),
        "/": Route(200, body=b"<title>Home</title>", headers=HTML),
    }
    with serve(routes) as site:
        results = fetch_all([f"{site}{p}" for p in ("/loop", "/a", "/deep/page")], FAST, engine)
    loop, chain, root = (results[f"{site}{p}"] for p in ("/loop", "/a", "/deep/page"))
    assert (loop.status, loop.error) == (LinkStatus.BROKEN, "redirect loop")
    assert chain.status is LinkStatus.REDIRECTED and chain.final_url == f"{site}/ok"
    assert chain.redirects == (Redirect(f"{site}/a", 301), Redirect(f"{site}/b", 302))
    assert root.status is LinkStatus.SOFT_404


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/missing", LinkStatus.BROKEN, "HTTP 404"),
        ("/forbidden", LinkStatus.BLOCKED, "HTTP 403"),
        ("/reset", LinkStatus.UNREACHABLE, None),
        ("/soft", LinkStatus.SOFT_404, 'soft 404: page title says "404"'),
    ],
)
def test_both_engines_classify_alike(
    engine: str, path: str, status: LinkStatus, error: str | None
) -> None:
    routes = {
        "/missing": Route(404),
        "/forbidden": Route(403),
        "/reset": Route(close=True),
        "/soft": Route(200, body=b"<title>404</title>", headers=HTML),
    }
    with serve(routes) as site:
        result = fetch_one(f"{site}{path}", FAST, engine)
    assert result.status is status
    if error is not None:
        assert result.error == error
    else:
        assert result.error and "\n" not in result.error


def test_connection_refused_and_bad_urls(engine: str) -> None:
    with serve({}) as stopped:
        gone = f"{stopped}/x"
    urls = [gone, "http://exa mple.test/", "mailto:someone@example.org"]
    results = fetch_all(urls, FAST, engine)
    assert (results[gone].status, results[gone].error) == (
        LinkStatus.UNREACHABLE,
        "connection refused",
    )
    assert results[urls[1]].status is LinkStatus.INVALID
    assert results[urls[2]].status is LinkStatus.UNSUPPORTED


def test_many_urls_on_one_host_keep_memory_bounded_and_all_come_back(engine: str) -> None:
    seen: list[ReceivedRequest] = []

    def counting(request: ReceivedRequest) -> Route:
        seen.append(request)
        return Route(200, body=b"ok")

    with serve({"/n": counting}) as site:
        urls = (f"{site}/n?{i}" for i in range(300))  # a generator: read as needed
        with Fetcher(FAST, engine=engine) as fetcher:  # type: ignore[arg-type]
            stream = fetcher.fetch_many(urls, 8, need_body=False)
            first = next(stream)
            # the engine reads ahead a bounded amount, it does not swallow the input
            assert len(seen) < 300
            rest = list(stream)
    assert first.status is LinkStatus.OK
    assert len(rest) == 299 and {r.status for r in rest} == {LinkStatus.OK}


def test_fetch_many_stopped_early_does_not_hang(engine: str) -> None:
    with serve({"/s": Route(200, delay=0.05)}) as site:
        with Fetcher(FAST, engine=engine) as fetcher:  # type: ignore[arg-type]
            stream = fetcher.fetch_many((f"{site}/s?{i}" for i in range(500)), 4)
            assert next(stream).status is LinkStatus.OK
            stream.close()
        assert len(site.requests) < 100


def test_first_urls_are_all_asked_for_while_the_rest_is_slow_to_come(engine: str) -> None:
    """URLs known up front (a warm run's earlier failures) all start at once, though
    the other URLs (from documents still being read) are slow to come."""
    with serve({"/known": Route(404), "/later": Route(200)}) as site:
        # more than the engine reads ahead (4 x 8 requests in flight, at least 256)
        known = [f"{site}/known?{i}" for i in range(600)]

        def slow_urls() -> Iterator[str]:
            deadline = time.monotonic() + 8
            while len(site.requests) < len(known) and time.monotonic() < deadline:
                time.sleep(0.01)  # the documents are still being read
            yield f"{site}/later"

        with Fetcher(FAST, engine=engine) as fetcher:  # type: ignore[arg-type]
            started = time.monotonic()
            results = list(fetcher.fetch_many(slow_urls(), 8, need_body=False, first=known))
            waited = time.monotonic() - started

    assert sorted(r.url for r in results) == sorted([*known, f"{site}/later"])
    assert waited < 7  # the known ones did not wait for the slow input to end
