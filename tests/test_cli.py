"""`citecheck check/verify/score/report` end to end, against real servers on 127.0.0.1.

Each test runs the installed command in a subprocess, the way a user or CI does,
with its own SQLite file, and reads the JSON report it wrote.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_run import citecheck, command, environment
from fake_wayback import FakeWayback
from httpservers import Route, ServerURL, serve

HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(title: str, *paragraphs: str, aside: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><main><article><h1>{title}</h1>{body}</article></main>"
        f"<aside class='sidebar popular-posts'>{aside}</aside><footer>Footer</footer>"
        f"</body></html>"
    ).encode()


LIVE_PAGE = page(
    "Harbour crane restored",
    "The old steam crane on the Dunmere quay was restored in 2018 by volunteers.",
    "It lifted cargo from fishing boats for ninety years.",
)
ARCHIVED_PAGE = page(
    "Dunmere ferry history",
    "The Dunmere ferry carried passengers across the estuary from 1921 until 1968.",
)


def article(base: str) -> str:
    return f"""'''Dunmere''' is a fictional harbour village used in citecheck's tests.

The old steam crane on the quay was restored in 2018 by volunteers.<ref>{{{{cite web \
|url={base}/crane |title=Harbour crane restored |website=Dunmere News |date=2018-09-01 \
|access-date=2022-01-10}}}}</ref> A ferry carried passengers across the estuary from 1921 \
until 1968.<ref>{{{{cite web |url={base}/ferry |title=Dunmere ferry history \
|website=Estuary Heritage |access-date=2021-03-04}}}}</ref>

== References ==
{{{{reflist}}}}
"""


@pytest.fixture
def site() -> Iterator[ServerURL]:
    routes: dict[str, Any] = {
        "/crane": Route(200, body=LIVE_PAGE, headers=HTML),
        "/ferry": Route(404, body=b"<title>Not Found</title>", headers=HTML),
    }
    with serve(routes) as base_url:
        yield base_url


@pytest.fixture
def wayback(site: ServerURL) -> Iterator[FakeWayback]:
    captures = [
        (f"{site}/ferry", "20200115080000", "200", "text/html", ARCHIVED_PAGE),
        (f"{site}/ferry", "20220601080000", "200", "text/html", b"<p>Page moved</p>"),
    ]
    with FakeWayback(captures=captures) as wb:
        yield wb


def write_article(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "dunmere.wiki"
    path.write_text(article(base), encoding="utf-8")
    return path


def run_check(tmp_path: Path, *args: str | Path) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "out"
    result = citecheck(
        "check", *args, "--db", tmp_path / "c.db", "--out", out, "--format", "json", "-q",
        cwd=tmp_path,
    )
    reports = sorted(out.glob("run-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    report = json.loads(reports[-1].read_text()) if reports else {}
    return result.returncode, report, result.stderr


def refs(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        ref["url"].rsplit("/", 1)[-1]: ref
        for document in report["documents"]
        for ref in document["references"]
        if ref["url"]
    }


def test_dead_link_is_judged_from_the_capture_before_its_access_date(
    tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    path = write_article(tmp_path, site)
    code, report, stderr = run_check(
        tmp_path, path, "--allow-private", "--wayback-url", wayback.base_url
    )
    assert code == 0, stderr
    by_name = refs(report)
    assert by_name["crane"]["link"]["status"] == "ok"
    assert by_name["ferry"]["link"]["status"] == "broken"
    assert by_name["ferry"]["link"]["http_status"] == 404
    assert by_name["ferry"]["archive"]["status"] == "found"
    assert by_name["ferry"]["archive"]["timestamp"] == "20200115080000"
    claims = report["documents"][0]["claims"]
    ferry_claim = next(c for c in claims if "ferry" in c["text"])
    assert ferry_claim["verdicts"][0]["verdict"] == "supported"
    assert report["summary"]["problems"] == 0


def test_archive_outage_is_unknown_never_not_archived(
    tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    wayback.fail_cdx = 503
    wayback.fail_availability = 503
    wayback.fail_playback = 503  # the /web/ redirect method is a third way in
    path = write_article(tmp_path, site)
    code, report, _ = run_check(
        tmp_path, path, "--allow-private", "--wayback-url", wayback.base_url
    )
    ferry = refs(report)["ferry"]
    assert ferry["archive"]["status"] == "unknown"
    assert {c["name"] for c in ferry["checks"]} >= {"dead_link", "archive_unknown"}
    assert code == 1
    # An outage is not remembered: once the archive is back, the capture is found.
    wayback.fail_cdx = None
    wayback.fail_availability = None
    wayback.fail_playback = None
    _, report, _ = run_check(tmp_path, path, "--allow-private", "--wayback-url", wayback.base_url)
    assert refs(report)["ferry"]["archive"]["status"] == "found"


def test_private_addresses_are_refused_without_allow_private(
    tmp_path: Path, site: ServerURL
) -> None:
    path = write_article(tmp_path, site)
    code, report, _ = run_check(tmp_path, path, "--no-archive")
    statuses = {name: ref["link"]["status"] for name, ref in refs(report).items()}
    assert statuses == {"crane": "excluded", "ferry": "excluded"}
    assert site.requests == []
    assert code == 0  # refused is not dead


def test_second_run_reuses_fresh_successes_and_rechecks_failures(
    tmp_path: Path, site: ServerURL
) -> None:
    path = write_article(tmp_path, site)
    run_check(tmp_path, path, "--allow-private", "--no-archive")
    assert (site.hits("/crane"), site.hits("/ferry")) == (1, 1)
    _, report, _ = run_check(tmp_path, path, "--allow-private", "--no-archive")
    assert (site.hits("/crane"), site.hits("/ferry")) == (1, 2)
    by_name = refs(report)
    assert by_name["crane"]["link"]["from_cache"] is True
    assert by_name["crane"]["link"]["status"] == "ok"
    assert by_name["ferry"]["link"]["from_cache"] is False
    # --max-age 0 fetches everything again.
    run_check(tmp_path, path, "--allow-private", "--no-archive", "--max-age", "0")
    assert site.hits("/crane") == 2


def test_recorded_warc_replays_the_same_results_offline(tmp_path: Path) -> None:
    warc = tmp_path / "run.warc.gz"
    with serve({"/crane": Route(200, body=LIVE_PAGE, headers=HTML)}) as base_url:
        path = write_article(tmp_path, base_url)
        _, live, _ = run_check(
            tmp_path, path, "--allow-private", "--no-archive", "--record", warc
        )
    # The server is gone: only the WARC can answer now.
    _, replayed, stderr = run_check(
        tmp_path, path, "--no-archive", "--replay", warc, "--max-age", "0"
    )
    assert {n: r["link"]["status"] for n, r in refs(replayed).items()} == {
        n: r["link"]["status"] for n, r in refs(live).items()
    }
    crane_claim = replayed["documents"][0]["claims"][0]
    assert crane_claim["verdicts"][0]["verdict"] == "supported", stderr


def test_offline_fetches_nothing(tmp_path: Path, site: ServerURL) -> None:
    path = write_article(tmp_path, site)
    _, report, _ = run_check(tmp_path, path, "--allow-private", "--offline")
    assert {r["link"]["status"] for r in refs(report).values()} == {"excluded"}
    assert site.requests == []


def test_bad_inputs_get_one_line_each_and_the_rest_is_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Notes\n\nA claim with no link at all.[^1]\n\n[^1]: A book, 2001.\n")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    empty = tmp_path / "empty.wiki"
    empty.write_text("")
    code, report, stderr = run_check(
        tmp_path, good, binary, empty, tmp_path / "missing.txt", "--offline"
    )
    assert code == 2
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("citecheck: error:")]
    assert len(errors) == 3
    assert [d["source"] for d in report["documents"]] == [str(good)]


def test_all_inputs_unreadable_is_a_usage_error(tmp_path: Path) -> None:
    result = citecheck("check", tmp_path / "nope.wiki", "--db", tmp_path / "c.db", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "nope.wiki" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "pdf"),
        ("--max-age", "soon"),
        ("--replay", "missing.warc.gz"),
        ("--wayback-url", "ftp://archive.test"),
    ],
)
def test_bad_options_exit_2_without_traceback(tmp_path: Path, args: tuple[str, str]) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("Text.[^1]\n\n[^1]: Note.\n")
    result = citecheck("check", doc, *args, "--db", tmp_path / "c.db", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("Text.[^1]\n\n[^1]: Note.\n")
    bad_db = tmp_path / "bad.db"
    bad_db.write_bytes(b"this is not sqlite" * 100)
    result = citecheck("check", doc, "--db", bad_db, "--offline", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_stdin_is_an_input(tmp_path: Path) -> None:
    result = citecheck(
        "check", "-", "--offline", "--db", tmp_path / "c.db", "--out", tmp_path / "o",
        "--format", "json", "-q",
        cwd=tmp_path,
        stdin="A fact worth citing.[^a]\n\n[^a]: https://facts.example/one\n",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "o" / "run-1.json").read_text())
    (document,) = report["documents"]
    assert document["references"][0]["url"] == "https://facts.example/one"


def test_score_reads_pairs_and_survives_bad_lines(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "claim": "The crane was restored in 2018.",
         "source": "Volunteers restored the old crane in 2018. It is painted red."},
        "this is not json",
        {"id": "b", "claim": "The bridge opened in 1990.",
         "source": "A recipe for fish soup needs onions and stock."},
    ]
    text = "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n"
    result = citecheck("score", "-", cwd=tmp_path, stdin=text)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b"]
    assert out[0]["verdict"] == "supported"
    assert out[0]["evidence"][0]["text"].startswith("Volunteers restored")
    assert "error" in out[1]
    assert out[2]["verdict"] == "not_supported"
    assert out[0]["score"] > out[2]["score"]


PLAIN_ARTICLE = """Maren Oakhurst (born 1961) is a fictional rower and coach from Dunmere.

Career

edit

Oakhurst won the Dunmere Regatta three times between 1984 and 1989.[1] In 1995 she founded \
a rowing school for children on the estuary.[2]

References

edit
  1. ^ Pike, Juno (1990-02-03). "Three wins for Oakhurst". Dunmere Courier. Retrieved 2024-01-05.
  2. ^ "Rowing school opens on the estuary". Estuary Weekly. 1995-06-11. Retrieved 2024-01-05.
"""

BLOG_COPY = """Skip to main content

Three wins for Oakhurst

Maren Oakhurst won the Dunmere Regatta for the third time, after earlier wins in 1984 and 1987.

She said she would keep rowing for as long as the estuary allowed it.

Popular posts from this blog

Rowing school opens on the estuary

In 1995 Oakhurst founded a rowing school for children on the estuary, say the neighbours.
"""


def test_verify_draws_evidence_only_from_the_article_body(tmp_path: Path) -> None:
    article_path = tmp_path / "oakhurst.txt"
    article_path.write_text(PLAIN_ARTICLE)
    blog = tmp_path / "blog.txt"
    blog.write_text(BLOG_COPY)
    html = tmp_path / "blog.html"
    paragraphs = [p for p in BLOG_COPY.split("Popular posts")[0].split("\n\n")[2:] if p.strip()]
    html.write_bytes(
        page(
            "Three wins for Oakhurst",
            *paragraphs,
            aside="<h2>Popular posts from this blog</h2><p>In 1995 Oakhurst founded a rowing "
            "school for children on the estuary, say the neighbours.</p>",
        )
    )
    for source in (blog, html):
        out = tmp_path / f"out-{source.suffix[1:]}"
        result = citecheck(
            "verify", article_path, "--source", source, "--db", tmp_path / "v.db",
            "--out", out, "--format", "json", "-q",
            cwd=tmp_path,
        )
        assert result.returncode in (0, 1), result.stderr
        report = json.loads(next(out.glob("run-*.json")).read_text())
        claims = report["documents"][0]["claims"]
        school = next(c for c in claims if "rowing school" in c["text"])
        (verdict,) = school["verdicts"]
        assert verdict["verdict"] != "supported", source
        for claim in claims:
            for v in claim["verdicts"]:
                for evidence in v["evidence"]:
                    assert "neighbours" not in evidence["text"], source
        regatta = next(c for c in claims if "Regatta" in c["text"])
        assert regatta["verdicts"][0]["evidence"], source


def test_killed_run_keeps_what_was_stored_and_the_next_run_resumes(tmp_path: Path) -> None:
    routes: dict[str, Any] = {
        "/crane": Route(200, body=LIVE_PAGE, headers=HTML),
        # The first answer hangs (the run is killed meanwhile); later ones are prompt.
        "/ferry": [Route(200, body=ARCHIVED_PAGE, headers=HTML, delay=30),
                   Route(200, body=ARCHIVED_PAGE, headers=HTML)],
    }
    with serve(routes) as base_url:
        path = write_article(tmp_path, base_url)
        db = tmp_path / "c.db"
        process = subprocess.Popen(
            command("check", path, "--db", db, "--allow-private", "--no-archive",
                    "--timeout", "60", "-q", "--out", tmp_path / "out"),
            cwd=tmp_path,
            env=environment(),
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if db.exists() and _count(db, "select count(*) from fetches") >= 1:
                    break
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
        assert _count(db, "select count(*) from fetches where url like '%/crane'") == 1
        result = citecheck(
            "report", "--db", db, "--out", tmp_path / "partial", "--format", "json", cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        partial = json.loads(next((tmp_path / "partial").glob("run-*.json")).read_text())
        assert len(partial["documents"][0]["references"]) == 2
        hits_before = base_url.hits("/crane")
        # The next run reuses the fresh fetch of /crane and only asks for /ferry again.
        _, report, _ = run_check(
            tmp_path, path, "--allow-private", "--no-archive", "--timeout", "60"
        )
        assert base_url.hits("/crane") == hits_before
        assert refs(report)["crane"]["link"]["from_cache"] is True


def _count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return int(connection.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_report_lists_runs(tmp_path: Path) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("Text.[^1]\n\n[^1]: Note.\n")
    citecheck("check", doc, "--db", tmp_path / "c.db", "--offline", "-q", "--out", tmp_path / "o",
              cwd=tmp_path)
    result = citecheck("report", "--db", tmp_path / "c.db", "--list", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("1\tcheck\tcomplete")
    missing = citecheck("report", "--db", tmp_path / "none.db", cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_fail_on_new_fails_only_on_problems_the_previous_run_did_not_have(
    tmp_path: Path, site: ServerURL
) -> None:
    path = write_article(tmp_path, site)
    args = ("--allow-private", "--no-archive", "--fail-on", "new")
    code, _, _ = run_check(tmp_path, path, *args)
    assert code == 1  # no earlier run: the dead ferry link is new
    code, _, _ = run_check(tmp_path, path, *args)
    assert code == 0  # the same dead link again: nothing new
    code, _, _ = run_check(tmp_path, path, "--allow-private", "--no-archive")
    assert code == 1  # --fail-on any (the default) still fails on it
    path.write_text(
        path.read_text().replace(
            "== References ==",
            f"Gulls nest on the quay.<ref>{{{{cite web |url={site}/gulls |title=Gulls}}}}</ref>"
            "\n\n== References ==",
        )
    )
    code, _, _ = run_check(tmp_path, path, *args)
    assert code == 1  # a second dead link appeared


def test_a_status_only_links_fetch_is_not_reused_as_page_text(
    tmp_path: Path, site: ServerURL
) -> None:
    path = write_article(tmp_path, site)
    links = citecheck(
        "links", path, "--allow-private", "--db", tmp_path / "c.db", "--format", "json",
        cwd=tmp_path,
    )
    assert links.returncode in (0, 1), links.stderr
    crane_hits = site.hits("/crane")
    _, report, _ = run_check(tmp_path, path, "--allow-private", "--no-archive")
    assert site.hits("/crane") > crane_hits  # fetched again, for its text
    claim = report["documents"][0]["claims"][0]
    assert claim["verdicts"][0]["verdict"] == "supported"


def test_check_a_wikipedia_title_through_the_mediawiki_api(
    tmp_path: Path, site: ServerURL
) -> None:
    from fake_mediawiki import FakePage, serve_mediawiki

    pages = {"Dunmere": FakePage(article(site), revision_id=424242)}
    with serve_mediawiki(pages) as api_url:
        out = tmp_path / "out"
        result = citecheck(
            "check", "--wiki", "en", "--title", "Dunmere", "--title", "No Such Page",
            "--mediawiki-api", api_url, "--allow-private", "--no-archive", "--no-crossref",
            "--db", tmp_path / "c.db", "--out", out, "--format", "json", "-q",
            cwd=tmp_path,
        )
    assert result.returncode == 2, result.stderr  # one title is missing: one line, exit 2
    assert "No Such Page" in result.stderr and "Traceback" not in result.stderr
    report = json.loads(next(out.glob("run-*.json")).read_text())
    (document,) = report["documents"]
    assert "oldid=424242" in document["source"]  # the report names the revision it checked
    assert document["title"] == "Dunmere"
    assert refs(report)["crane"]["link"]["status"] == "ok"


def test_references_without_urls_are_matched_to_given_sources(tmp_path: Path) -> None:
    article_path = tmp_path / "oakhurst.txt"
    article_path.write_text(PLAIN_ARTICLE)
    courier = tmp_path / "courier.html"
    courier.write_text(
        "<!doctype html><html><head><title>Three wins for Oakhurst</title>"
        '<meta property="og:site_name" content="Dunmere Courier">'
        '<meta property="article:published_time" content="1990-02-03"></head><body>'
        "<article><h1>Three wins for Oakhurst</h1><p>Maren Oakhurst won the Dunmere Regatta "
        "three times between 1984 and 1989, the club said on Saturday.</p></article>"
        "</body></html>"
    )
    code, report, stderr = run_check(tmp_path, article_path, "--offline", "--source", courier)
    assert code == 0, stderr
    (document,) = report["documents"]
    first, second = document["references"]
    assert "matched_source" in {c["name"] for c in first["checks"]}
    assert "matched_source" not in {c["name"] for c in second["checks"]}
    regatta = next(c for c in document["claims"] if "Regatta" in c["text"])
    assert regatta["verdicts"][0]["verdict"] == "supported"
    school = next(c for c in document["claims"] if "rowing school" in c["text"])
    assert school["verdicts"][0]["verdict"] == "unverifiable"


def test_a_batch_run_writes_a_report_per_article_and_an_index(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.md").write_text("# First article\n\nA fact.[^1]\n\n[^1]: A note.\n")
    (folder / "two.md").write_text("# Second & last article\n\nAnother.[^1]\n\n[^1]: Note.\n")
    out = tmp_path / "out"
    result = citecheck(
        "check", folder, "--offline", "--db", tmp_path / "c.db", "--out", out, "-q",
        "--format", "json,html,md", cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    index = (out / "run-1" / "index.html").read_text()
    assert "First article" in index and "Second &amp; last article" in index
    per_article = sorted(p.name for p in (out / "run-1").glob("*.json"))
    assert len(per_article) == 2
    single = json.loads((out / "run-1" / per_article[0]).read_text())
    assert len(single["documents"]) == 1 and single["summary"]["references"] == 1
    assert (out / "run-1.json").is_file()  # the whole-run report is still there
