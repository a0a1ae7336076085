"""WARC recording and replay: the same Fetcher, answered from a file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import requests
from cli_run import citecheck
from httpservers import ReceivedRequest, Route, serve
from warcio.archiveiterator import ArchiveIterator

from citecheck.errors import ReplayError
from citecheck.fetch import Fetcher, FetchOptions
from citecheck.models import ArchiveStatus, LinkStatus
from citecheck.network import Network, RunOptions
from citecheck.replay import (
    RecordedResponse,
    WarcRecorder,
    read_warc,
    replay_key,
    replay_session_factory,
    replay_sessions,
    write_warc,
)

HTML = {"Content-Type": "text/html; charset=utf-8"}
LOCAL = FetchOptions(allow_private=True, retries=0, max_bytes=4000)

ROUTES = {
    "/article": Route(200, body=b"<title>Tides</title><p>The moon pulls.</p>", headers=HTML),
    "/old": Route(301, body=b"moved", headers={"Location": "/hop"}),
    "/hop": Route(302, headers={"Location": "/article"}),
    "/gone": Route(404, body=b"no such page"),
    "/paywall": Route(403, body=b"subscribe"),
    "/compressed": Route(200, body=b"squeezed text " * 50, gzip=True, headers=HTML),
    "/soft": Route(200, body=b"<title>Page not found</title>", headers=HTML),
    "/huge": Route(200, body=b"h" * 10_000),
    "/cookies": Route(200, body=b"c", headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]),
}


def test_round_trip_replays_what_was_recorded(tmp_path: Path) -> None:
    warc = tmp_path / "run.warc.gz"
    with serve(ROUTES) as base_url:
        urls = [f"{base_url}{path}" for path in ROUTES]
        with WarcRecorder(warc) as recorder, Fetcher(LOCAL, recorder=recorder) as fetcher:
            live = {f.url: f for f in fetcher.fetch_many(urls, workers=4)}
    # the server is gone now: only the WARC can answer
    with Fetcher(LOCAL, session_factory=replay_session_factory(warc), resolve_dns=False) as fetcher:
        replayed = {url: fetcher.fetch(url) for url in urls}

    assert live[f"{base_url}/old"].status is LinkStatus.REDIRECTED
    assert live[f"{base_url}/soft"].status is LinkStatus.SOFT_404
    assert live[f"{base_url}/huge"].truncated
    for url in urls:
        before, after = live[url], replayed[url]
        assert (after.status, after.http_status, after.final_url, after.redirects) == (
            before.status,
            before.http_status,
            before.final_url,
            before.redirects,
        ), url
        assert (after.body, after.content_type, after.error, after.truncated) == (
            before.body,
            before.content_type,
            before.error,
            before.truncated,
        ), url
        assert (before.via, after.via) == ("live", "replay")


def test_a_url_missing_from_the_archive_is_unreachable(tmp_path: Path) -> None:
    warc = tmp_path / "one.warc.gz"
    write_warc(warc, [("http://news.example/a", 200, [("Content-Type", "text/plain")], b"A")])
    with Fetcher(FetchOptions(), session_factory=replay_session_factory(warc)) as fetcher:
        result = fetcher.fetch("http://news.example/b")
    assert result.status is LinkStatus.UNREACHABLE
    assert result.error == "not in replay archive: http://news.example/b"


def test_replay_sessions_serve_any_requests_code(tmp_path: Path) -> None:
    warc = tmp_path / "pages.warc"
    write_warc(
        warc,
        [
            ("https://blog.example/post?id=7", 200, [("Content-Type", "text/plain")], b"post 7"),
            ("https://blog.example/moved", 308, [("Location", "/post?id=7")], b""),
        ],
    )
    session = replay_session_factory(warc)()
    assert session.get("HTTPS://Blog.Example:443/post?id=7").text == "post 7"
    moved = session.get("https://blog.example/moved", allow_redirects=False)
    assert (moved.status_code, moved.headers["Location"]) == (308, "/post?id=7")
    assert session.get("https://blog.example/moved").url == "https://blog.example/post?id=7"
    with pytest.raises(requests.ConnectionError, match="not in replay archive"):
        session.get("https://blog.example/post?id=8")


def test_recorded_warc_has_request_and_response_records(tmp_path: Path) -> None:
    warc = tmp_path / "run.warc.gz"
    with (
        serve(ROUTES) as base_url,
        WarcRecorder(warc) as recorder,
        Fetcher(LOCAL, recorder=recorder) as fetcher,
    ):
        fetcher.fetch(f"{base_url}/old")
        fetcher.fetch(f"{base_url}/compressed")
        fetcher.fetch(f"{base_url}/huge")
    with open(warc, "rb") as stream:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r)
            for r in ArchiveIterator(stream)
        ]
        kinds = [kind for kind, _, _ in records]
        assert kinds[0] == "warcinfo"
        responses = {url: r for kind, url, r in records if kind == "response"}
    # each redirect hop is recorded with its real status line
    assert set(responses) == {
        f"{base_url}{p}" for p in ("/old", "/hop", "/article", "/compressed", "/huge")
    }
    assert kinds.count("request") == kinds.count("response") == 5
    stored = read_warc(warc)
    old = stored[replay_key(f"{base_url}/old")]
    assert (old.status, old.reason, old.body) == (301, "Moved Permanently", b"moved")
    compressed = stored[replay_key(f"{base_url}/compressed")]
    assert compressed.body == b"squeezed text " * 50  # stored decoded, header dropped
    assert all(name.lower() != "content-encoding" for name, _ in compressed.headers)
    assert stored[replay_key(f"{base_url}/huge")].truncated


def test_repeated_headers_survive_a_round_trip(tmp_path: Path) -> None:
    warc = tmp_path / "cookies.warc.gz"
    write_warc(
        warc, [("http://shop.example/", 200, [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")], b"")]
    )
    response = replay_session_factory(warc)().get("http://shop.example/")
    assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]


def test_replay_key_normalises_case_default_port_and_fragment() -> None:
    assert replay_key("HTTP://News.Example:80#top") == "http://news.example/"
    assert replay_key("https://news.example:8443/a?b=1") == "https://news.example:8443/a?b=1"
    assert replay_key("http://[::1]:80/x") == "http://[::1]/x"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "replay file not found"),
        (b"", "not a WARC file"),
        (b"<html>this is a web page, not an archive</html>\n", "not a WARC file"),
        (b"\x1f\x8b\x08\x00garbage", "not a WARC file"),
        (b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 99\r\n\r\nshort", "not a WARC file"),
    ],
)
def test_unreadable_replay_file_is_a_one_line_replay_error(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "input.warc.gz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReplayError) as caught:
        replay_session_factory(path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_replaying_a_directory_is_a_replay_error(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="directory"):
        replay_session_factory(tmp_path)


def test_recording_into_a_missing_directory_is_a_replay_error(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="cannot write WARC file"):
        WarcRecorder(tmp_path / "no" / "such" / "dir.warc.gz")


def test_replay_network_answers_pages_and_captures_from_one_set_of_records(
    tmp_path: Path,
) -> None:
    warc = tmp_path / "replay.warc.gz"
    wayback = "https://web.archive.org/web"
    write_warc(
        warc,
        [
            ("https://tides.example/", 200, list(HTML.items()), b"<p>live</p>"),
            (f"{wayback}/20190101000000id_/https://tides.example/", 200, [], b"<p>early</p>"),
            (f"{wayback}/20200101000000id_/https://tides.example/", 404, [], b"gone"),
            (f"{wayback}/20210101000000id_/https://tides.example/", 200, [], b"<p>late</p>"),
        ],
    )
    network = Network(RunOptions(replay=warc, archive=False))
    try:
        assert network.replay_records is not None
        assert network.replay_records == read_warc(warc)
        page = network.fetcher.fetch("https://tides.example/")
        before = network.lookup("https://tides.example", "2020-06")
        after = network.lookup("http://www.tides.example/", "2018")
        missing = network.lookup("https://other.example/", "2020")
    finally:
        network.close()

    assert page.status is LinkStatus.OK and page.body == b"<p>live</p>"
    # the 200 capture closest before the date (the 2020 capture recorded a 404) ...
    assert before is not None and before.status is ArchiveStatus.FOUND
    assert before.timestamp == "20190101000000"
    assert before.url == f"{wayback}/20190101000000/https://tides.example/"
    # ... else the closest after it
    assert after is not None and after.timestamp == "20190101000000"
    assert missing is not None and missing.status is ArchiveStatus.NOT_FOUND


# --- secrets never reach a recording ---------------------------------------------------


def request_records(warc: Path) -> list[list[tuple[str, str]]]:
    """The HTTP headers of every request record in the WARC."""
    with open(warc, "rb") as stream:
        return [
            list(r.http_headers.headers) for r in ArchiveIterator(stream) if r.rec_type == "request"
        ]


def test_a_recorded_run_keeps_header_names_but_not_their_secret_values(tmp_path: Path) -> None:
    secrets = {"Authorization": "Bearer sekrit", "Cookie": "session=c00kie",
               "X-Api-Key": "k3y-value"}

    def private(request: ReceivedRequest) -> Route:
        # answers only when every header arrived: the secrets were really sent
        sent = all(request.headers.get(name) == value for name, value in secrets.items())
        return Route(200, body=b"<title>Members</title>", headers=HTML) if sent else Route(401)

    page, warc = tmp_path / "page.md", tmp_path / "run.warc.gz"
    with serve({"/private": private}) as base_url:
        url = f"{base_url}/private"
        page.write_text(f"[members]({url})\n")
        result = citecheck(
            "links", page, "--allow-private", "--max-retries", "0", "--no-cache",
            "--record", warc,
            "--header", "127.0.0.1=Authorization: Bearer sekrit",
            "--header", "Cookie: session=c00kie", "--header", "X-Api-Key: k3y-value",
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stdout + result.stderr

    raw = gzip.decompress(warc.read_bytes())
    for secret in (b"sekrit", b"c00kie", b"k3y-value"):
        assert secret not in raw
    assert url.encode() in raw and b"HTTP/1.1 200 OK" in raw
    [request] = request_records(warc)
    assert {name: request_value for name, request_value in request if name in secrets} == {
        name: "[redacted]" for name in secrets
    }

    # the server is gone: replay answers the link from the redacted file
    replayed = citecheck("links", page, "--no-cache", "--format", "json", "--replay", warc,
                         cwd=tmp_path)
    assert replayed.returncode == 0, replayed.stderr
    [link] = json.loads(replayed.stdout)["links"]
    assert (link["url"], link["status"]) == (url, "ok")


def test_the_github_token_never_reaches_a_recording(tmp_path: Path) -> None:
    url = "https://github.com/citecheck/citecheck"
    answers = replay_sessions({replay_key(url): RecordedResponse(url, 200, "OK", (), b"repo")})
    warc = tmp_path / "github.warc.gz"
    options = FetchOptions(retries=0, github_token="ghp_t0ken")
    with (
        WarcRecorder(warc) as recorder,
        Fetcher(options, session_factory=answers, recorder=recorder, resolve_dns=False) as fetcher,
    ):
        assert fetcher.fetch(url).status is LinkStatus.OK
    assert b"ghp_t0ken" not in gzip.decompress(warc.read_bytes())
    [request] = request_records(warc)
    assert ("Authorization", "[redacted]") in request


def test_credential_headers_are_redacted_whoever_records(tmp_path: Path) -> None:
    warc = tmp_path / "direct.warc"
    sent = [("Host", "news.example"), ("Proxy-Authorization", "Basic cHJveHk="),
            ("cookie", "id=42"), ("X-Session", "s3ss"), ("Accept", "text/html")]
    with WarcRecorder(warc) as recorder:
        recorder.record("http://news.example/", 200, "OK", [], b"", request_headers=sent,
                        secret_headers=["x-session"])
    assert request_records(warc) == [[
        ("Host", "news.example"), ("Proxy-Authorization", "[redacted]"),
        ("cookie", "[redacted]"), ("X-Session", "[redacted]"), ("Accept", "text/html"),
    ]]
