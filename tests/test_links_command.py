"""`citecheck links` end to end: real servers on 127.0.0.1, real SQLite files.

The command runs in-process through click's runner (fast); two runs sharing one db
run in two forked processes.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import socket
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from cli_run import citecheck
from click.testing import CliRunner
from httpservers import Route, ServerURL, serve

from citecheck.cli import cli
from citecheck.fetch import FetchOptions
from citecheck.links.run import LinksOptions, run_links

HTML = {"Content-Type": "text/html; charset=utf-8"}
FAST = ("--allow-private", "--max-retries", "0", "--timeout", "0.5")


def closed_port() -> int:
    """A port nothing listens on: connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def site() -> Iterator[ServerURL]:
    routes: dict[str, Any] = {
        "/ok": Route(200, body=b"<title>Welcome</title><h1 id='intro'>Hi</h1>", headers=HTML),
        "/moved": Route(301, headers={"Location": "/ok"}),
        "/gone": Route(404, body=b"<title>Gone</title>", headers=HTML),
        "/soft": Route(200, body=b"<title>Page not found</title>", headers=HTML),
        "/wall": Route(403, body=b"<title>Denied</title>", headers=HTML),
        "/slow": Route(200, body=b"<title>Late</title>", headers=HTML, delay=2.0),
    }
    with serve(routes) as base_url:
        yield base_url


def every_status_page(base: str) -> str:
    """One link per status; the line and column of each are asserted below."""
    return (
        "# Links\n"  # line 1
        f"See [ok]({base}/ok) here.\n"  # 2, the URL at column 10
        f"[moved]({base}/moved)\n"  # 3, column 1
        f"[gone]({base}/gone)\n"  # 4
        f"[soft]({base}/soft)\n"  # 5
        f"[wall]({base}/wall)\n"  # 6
        f"[slow]({base}/slow)\n"  # 7
        f"[down](http://127.0.0.1:{closed_port()}/x)\n"  # 8
        "[bad](<http://exa mple.test/>)\n"  # 9
        "[skip](https://skip-me.example/)\n"  # 10
        "[mail](ftp://files.example/a.txt)\n"  # 11
        "[setup](setup.md)\n"  # 12
        "[missing](missing.md)\n"  # 13
    )


@contextlib.contextmanager
def working_dir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def links(cwd: Path, *args: str | Path, stdin: str | None = None) -> tuple[int, str, str]:
    """Run `citecheck links` in-process in `cwd`: (exit code, stdout, stderr)."""
    runner = CliRunner()
    with working_dir(cwd):
        result = runner.invoke(cli, ["links", *map(str, args)], input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def by_path(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {link["url"].rsplit("/", 1)[-1] or link["url"]: link for link in document["links"]}


@pytest.fixture
def docs(tmp_path: Path, site: ServerURL) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(every_status_page(site), encoding="utf-8")
    (tmp_path / "docs" / "setup.md").write_text("# Setup\n", encoding="utf-8")
    return tmp_path


def test_every_status_reaches_the_json_with_its_origin(docs: Path, site: ServerURL) -> None:
    code, out, err = links(docs, "docs/guide.md", *FAST, "--exclude", "skip-me",
                           "--format", "json", "--db", docs / "c.db")
    assert code == 1, err
    document = json.loads(out)
    assert document["schema"] == "citecheck/1"
    found = {link["origin"]["line"]: link for link in document["links"]}
    expected = {
        2: "ok", 3: "redirected", 4: "broken", 5: "soft_404", 6: "blocked", 7: "timeout",
        8: "unreachable", 9: "invalid", 10: "excluded", 11: "unsupported", 12: "ok",
        13: "broken",
    }
    assert {line: link["status"] for line, link in found.items()} == expected
    assert found[2]["origin"] == {"path": "docs/guide.md", "line": 2, "column": 10}
    assert found[3]["redirects"] == [{"url": f"{site}/moved", "http_status": 301}]
    assert found[3]["final_url"] == f"{site}/ok"
    assert found[4]["http_status"] == 404
    assert found[13]["error"].startswith("file not found")
    summary = document["summary"]
    assert summary["failures"] == 6  # gone, soft, slow, down, bad, missing
    assert summary["warnings"] == 1  # wall
    assert all(link["from_cache"] is False for link in document["links"])


def test_second_run_takes_passing_links_from_the_cache(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok) [b]({site}/moved) [c]({site}/gone) [d]({site}/ok)\n")
    db = docs / "cache.db"
    code, out, _ = links(docs, page, *FAST, "--format", "json", "--db", db)
    assert code == 1
    assert site.hits("/ok") == 2  # once itself, once as the redirect's target
    assert site.hits("/gone") == 1
    code, out, _ = links(docs, page, *FAST, "--format", "json", "--db", db)
    assert code == 1
    assert site.hits("/ok") == 2 and site.hits("/moved") == 1  # nothing asked again
    assert site.hits("/gone") == 2  # a failure is always checked again
    results = json.loads(out)["links"]
    assert [link["from_cache"] for link in results] == [True, True, False, True]
    assert [link["status"] for link in results] == ["ok", "redirected", "broken", "ok"]


def test_max_age_zero_and_no_cache_fetch_again(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok)\n")
    db = docs / "cache.db"
    assert links(docs, page, *FAST, "--db", db)[0] == 0
    assert links(docs, page, *FAST, "--db", db, "--max-age", "0")[0] == 0
    assert links(docs, page, *FAST, "--no-cache", "--db", docs / "unused.db")[0] == 0
    assert site.hits("/ok") == 3
    assert not (docs / "unused.db").exists()


def test_exit_code_zero_when_only_warnings(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok) [b]({site}/wall) [c](ftp://files.example/)\n")
    code, out, _ = links(docs, page, *FAST, "--no-cache")
    assert code == 0
    assert "1 warning" in out
    code, _, _ = links(docs, page, *FAST, "--no-cache", "--fail-on", "blocked")
    assert code == 1


def test_accept_turns_a_status_into_a_pass(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/gone)\n")
    assert links(docs, page, *FAST, "--no-cache")[0] == 1
    assert links(docs, page, *FAST, "--no-cache", "--accept", "200..=299,404")[0] == 0


def test_missing_and_binary_inputs_are_one_line_errors_and_the_rest_is_checked(
    docs: Path, site: ServerURL
) -> None:
    good = docs / "docs" / "good.md"
    good.write_text(f"[a]({site}/ok)\n")
    binary = docs / "docs" / "logo.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, out, err = links(docs, "nowhere.md", binary, good, *FAST, "--no-cache",
                           "--format", "json")
    assert code == 2
    errors = err.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("citecheck: error: ") for line in errors)
    assert "nowhere.md" in errors[0] and "logo.md" in errors[1]
    document = json.loads(out)
    assert [link["status"] for link in document["links"]] == ["ok"]
    assert len(document["summary"]["input_errors"]) == 2


def test_output_file_and_extra_reports(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/gone)\n")
    code, out, _ = links(docs, page, *FAST, "--no-cache", "--format", "sarif",
                         "--output", "out/links.sarif", "--report", "markdown=out/summary.md",
                         "--report", "junit=out/junit.xml")
    assert code == 1
    assert out == ""
    sarif = json.loads((docs / "out" / "links.sarif").read_text())
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 5}  # where the URL starts
    assert "### Failures (1)" in (docs / "out" / "summary.md").read_text()
    assert "<failure" in (docs / "out" / "junit.xml").read_text()


def test_bad_options_are_usage_errors(docs: Path) -> None:
    page = docs / "docs" / "setup.md"
    code, _, err = links(docs, page, "--host-request-interval", "soon")
    assert code == 2 and "interval" in err
    code, _, err = links(docs, page, "--header", "no colon here")
    assert code == 2 and "header" in err
    code, _, err = links(docs, page, "--report", "pdf=x.pdf")
    assert code == 2 and "unknown format" in err
    code, _, err = links(docs, page, "--format", "pdf")
    assert code == 2
    for seconds in ("inf", "nan", "-1"):
        code, _, err = links(docs, page, "--timeout", seconds)
        assert code == 2 and "--timeout" in err, seconds
    code, _, err = links(docs, page, "--retry-after-max", "inf")
    assert code == 2 and "finite" in err


def test_config_file_supplies_options_and_the_command_line_wins(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok) [b](https://skip-me.example/)\n")
    (docs / "citecheck.toml").write_text(
        '[links]\nformat = "json"\nallow-private = true\nexclude = ["skip-me"]\n'
        'no-cache = true\nmax-retries = 0\n'
    )
    code, out, err = links(docs, page)
    assert code == 0, err
    statuses = [link["status"] for link in json.loads(out)["links"]]
    assert statuses == ["ok", "excluded"]
    code, out, _ = links(docs, page, "--format", "github")
    assert code == 0 and out.startswith("2 links")


def test_headers_reach_the_host_they_are_meant_for(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok)\n")
    code, _, err = links(docs, page, *FAST, "--no-cache", "--header", "X-Everywhere: 1",
                         "--header", "127.0.0.1=X-Token: secret",
                         "--header", "other.example=X-Other: no")
    assert code == 0, err
    headers = site.requests[-1].headers
    assert headers.get("X-Everywhere") == "1"
    assert headers.get("X-Token") == "secret"
    assert "X-Other" not in headers


def test_a_header_for_a_host_with_a_port_goes_to_that_host_only(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok)\n")
    port = site.rsplit(":", 1)[1].split("/")[0]
    code, _, err = links(docs, page, *FAST, "--no-cache",
                         "--header", f"127.0.0.1:{port}=Authorization: Bearer mine",
                         "--header", "docs.example:8443=X-Other: theirs")
    assert code == 0, err
    headers = site.requests[-1].headers
    assert headers.get("Authorization") == "Bearer mine"
    assert "X-Other" not in headers
    assert not any("8443" in f"{name}{value}" for name, value in headers.items())


def test_stdin_links_are_checked(tmp_path: Path, site: ServerURL) -> None:
    code, out, err = links(tmp_path, "-", *FAST, "--no-cache", "--format", "json",
                           stdin=f"A [link]({site}/gone) in stdin.\n")
    assert code == 1, err
    link = json.loads(out)["links"][0]
    assert link["origin"] == {"path": "-", "line": 1, "column": 10}
    assert link["status"] == "broken"


def _run_in_child(page: Path, db: Path) -> None:
    """A second process on the same db (forked: no second start-up of the interpreter)."""
    options = LinksOptions(fetch=FetchOptions(allow_private=True, max_retries=0), db=db)
    try:
        code = run_links([str(page)], options).exit_code
    except BaseException as error:  # shown by the test, not lost in the child
        (db.parent / f"child-{os.getpid()}.error").write_text(f"{type(error).__name__}: {error}")
        code = 3
    sys.exit(code)


def test_two_processes_share_one_database(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    page.write_text("".join(f"[l{i}]({site}/ok?{i}) [g{i}]({site}/gone?{i})\n" for i in range(40)))
    db = docs / "shared.db"
    context = multiprocessing.get_context("fork")
    runs = [context.Process(target=_run_in_child, args=(page, db)) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=60)
    errors = [p.read_text() for p in db.parent.glob("child-*.error")]
    assert [run.exitcode for run in runs] == [1, 1], errors
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        statuses = conn.execute("select status from runs where command = 'links'").fetchall()
        assert statuses == [("complete",), ("complete",)]
        recorded = conn.execute("select count(*) from fetches").fetchone()[0]
    assert 80 <= recorded <= 160  # every URL once per run that fetched it


def test_remote_fragments_are_checked_when_asked(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok#intro) [b]({site}/ok#nowhere)\n")
    code, out, _ = links(docs, page, *FAST, "--no-cache", "--format", "json")
    assert code == 0  # fragments of remote pages are not looked at by default
    code, out, _ = links(docs, page, *FAST, "--no-cache", "--format", "json",
                         "--include-fragments")
    assert code == 1
    assert [link["status"] for link in json.loads(out)["links"]] == ["ok", "broken"]
    assert site.hits("/ok") == 2  # one fetch per run for both fragments


def test_a_page_linked_with_and_without_a_fragment_is_fetched_once(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    # first without, then with a fragment: the plain link must not send its own request
    page.write_text(f"[plain]({site}/ok) [part]({site}/ok#nowhere) [again]({site}/ok)\n")
    code, out, _ = links(docs, page, *FAST, "--no-cache", "--format", "json",
                         "--include-fragments")
    assert code == 1
    assert [link["status"] for link in json.loads(out)["links"]] == ["ok", "broken", "ok"]
    assert site.hits("/ok") == 1


def test_record_then_replay_without_the_server(tmp_path: Path) -> None:
    routes = {"/ok": Route(200, body=b"<title>Fine</title>", headers=HTML),
              "/gone": Route(404, body=b"<title>Gone</title>", headers=HTML)}
    page = tmp_path / "page.md"
    warc = tmp_path / "links.warc.gz"
    with serve(routes) as base:
        page.write_text(f"[a]({base}/ok) [b]({base}/gone)\n")
        code, recorded, _ = links(tmp_path, page, *FAST, "--no-cache", "--format", "json",
                                  "--record", warc)
    assert code == 1
    code, replayed, err = links(tmp_path, page, "--no-cache", "--format", "json",
                                "--replay", warc)
    assert code == 1, err
    statuses = [link["status"] for link in json.loads(replayed)["links"]]
    assert statuses == [link["status"] for link in json.loads(recorded)["links"]]
    assert statuses == ["ok", "broken"]
    code, _, err = links(tmp_path, page, "--replay", tmp_path / "missing.warc.gz")
    assert code == 2 and "no such file" in err


def new_failures_run(cwd: Path, *args: str | Path) -> tuple[int, int | None]:
    """A `--fail-on new` run's exit code and the new failures its JSON summary counts
    (None when nothing failed), the summary's exit_code asserted to be the command's."""
    code, out, _ = links(cwd, *args)
    summary = json.loads(out)["summary"]
    assert summary["exit_code"] == code
    return code, summary.get("new_failures")


def test_fail_on_new_fails_only_on_links_that_were_not_failing_before(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok) [c]({site}/gone)\n")
    db = docs / "cache.db"
    args = (page, *FAST, "--format", "json", "--db", db, "--fail-on", "new")

    def run_new() -> tuple[int, int | None]:
        return new_failures_run(docs, *args)

    assert run_new() == (1, 1)  # no earlier run: the broken link is new
    assert run_new() == (0, 0)  # the same broken link: nothing new
    assert links(docs, page, *FAST, "--format", "json", "--db", db)[0] == 1  # default: fails
    page.write_text(f"[a]({site}/ok) [c]({site}/gone) [d]({site}/also-gone)\n")
    assert run_new() == (1, 1)  # a second broken link appeared


def test_warm_cache_reuses_every_success_and_rechecks_every_failure(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    page.write_text("".join(f"[l{i}]({site}/ok?{i}) [g{i}]({site}/gone?{i})\n" for i in range(30)))
    db = docs / "warm.db"
    code, _, _ = links(docs, page, *FAST, "--db", db, "--format", "json")
    assert code == 1
    code, out, _ = links(docs, page, *FAST, "--db", db, "--format", "json")
    results = json.loads(out)["links"]
    assert {(r["status"], r["from_cache"]) for r in results} == {("ok", True), ("broken", False)}
    assert site.hits("/ok") == 30 and site.hits("/gone") == 60  # failures asked again
    with sqlite3.connect(db) as conn:
        recorded = conn.execute("select status, count(*) from fetches group by status").fetchall()
    assert sorted(recorded) == [("broken", 60), ("ok", 30)]


def test_a_cached_private_success_does_not_pass_a_run_that_refuses_private_addresses(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok)\n")
    db = docs / "private.db"
    code, out, _ = links(docs, page, *FAST, "--db", db, "--format", "json")
    assert code == 0 and json.loads(out)["links"][0]["status"] == "ok"
    code, out, _ = links(docs, page, "--max-retries", "0", "--db", db, "--format", "json")
    link = json.loads(out)["links"][0]
    assert (link["status"], link["from_cache"]) == ("excluded", False)
    assert site.hits("/ok") == 1  # refused before connecting


def test_a_link_that_failed_last_time_is_asked_with_get_at_once(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/gone) [b]({site}/wall)\n")
    db = docs / "cache.db"
    args = (page, *FAST, "--method", "head-then-get", "--db", db)
    assert links(docs, *args)[0] == 1
    first = [(r.method, r.path) for r in site.requests]
    assert sorted(first) == [
        ("GET", "/gone"), ("GET", "/wall"), ("HEAD", "/gone"), ("HEAD", "/wall")
    ]
    assert links(docs, *args)[0] == 1
    again = [(r.method, r.path) for r in site.requests[len(first):]]
    assert sorted(again) == [("GET", "/gone"), ("GET", "/wall")]  # no HEAD spent first
    # without the cache's word, HEAD comes first as usual
    assert links(docs, page, *FAST, "--method", "head-then-get", "--no-cache")[0] == 1
    assert sum(r.method == "HEAD" for r in site.requests) == 4


def test_what_failed_last_time_is_fetched_again_first(docs: Path, site: ServerURL) -> None:
    page = docs / "docs" / "page.md"
    db = docs / "cache.db"
    one_at_a_time = ("--max-concurrency", "1", "--host-concurrency", "1")
    page.write_text(f"[a]({site}/ok) [g]({site}/gone) [w]({site}/wall)\n")
    assert links(docs, page, *FAST, *one_at_a_time, "--db", db)[0] == 1
    asked = len(site.requests)
    # a new link before the old failures: they are asked for before it all the same
    page.write_text(f"[n]({site}/ok?new) [a]({site}/ok) [g]({site}/gone) [w]({site}/wall)\n")
    code, out, _ = links(docs, page, *FAST, *one_at_a_time, "--db", db, "--format", "json")
    assert code == 1
    again = [r.path for r in site.requests[asked:]]
    assert sorted(again[:2]) == ["/gone", "/wall"] and again[2:] == ["/ok?new"]
    statuses = {link["url"].rsplit("/", 1)[1]: link["status"] for link in json.loads(out)["links"]}
    assert statuses == {"ok?new": "ok", "ok": "ok", "gone": "broken", "wall": "blocked"}


def test_a_failure_no_longer_linked_or_now_excluded_is_not_reported_or_not_asked(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    db = docs / "cache.db"
    page.write_text(f"[g]({site}/gone) [w]({site}/wall)\n")
    assert links(docs, page, *FAST, "--db", db)[0] == 1
    asked = len(site.requests)
    page.write_text(f"[w]({site}/wall)\n")  # /gone is no longer linked
    code, out, _ = links(docs, page, *FAST, "--db", db, "--exclude", "/wall$",
                         "--format", "json")
    assert code == 0
    assert [link["status"] for link in json.loads(out)["links"]] == ["excluded"]
    # /gone may be asked again (it was a failure of the same inputs), never /wall
    assert "/wall" not in [r.path for r in site.requests[asked:]]
    with sqlite3.connect(db) as conn:  # what is not linked is not kept as this run's
        kept = conn.execute("select url from fetches where run_id = 2").fetchall()
    assert kept == []
    asked = len(site.requests)
    assert links(docs, page, *FAST, "--db", db, "--exclude", "/wall$")[0] == 0
    assert site.requests[asked:] == []  # so it is not asked for on every later run


def test_a_failure_of_other_inputs_is_not_fetched_early(docs: Path, site: ServerURL) -> None:
    first, second = docs / "docs" / "one.md", docs / "docs" / "two.md"
    db = docs / "cache.db"
    first.write_text(f"[g]({site}/gone)\n")
    second.write_text(f"[a]({site}/ok)\n")
    assert links(docs, first, *FAST, "--db", db)[0] == 1
    asked = len(site.requests)
    assert links(docs, second, *FAST, "--db", db)[0] == 0
    assert [r.path for r in site.requests[asked:]] == ["/ok"]


def test_an_early_failure_linked_with_a_fragment_is_fetched_once_and_counted_once(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    page.write_text(f"[g]({site}/gone#part) [a]({site}/ok#intro)\n")
    db = docs / "cache.db"
    options = LinksOptions(
        fetch=FetchOptions(allow_private=True, max_retries=0, timeout=0.5), db=db,
        sources=(str(page),),
    )
    options = msgspec.structs.replace(
        options, collect=msgspec.structs.replace(options.collect, include_fragments=True)
    )
    with run_links([str(page)], options) as report:
        assert [r.status.value for r in report.results] == ["broken", "ok"]
    asked = len(site.requests)
    steps: list[tuple[int, int]] = []
    with run_links([str(page)], options, progress=lambda _, done, total: steps.append(
            (done, total))) as report:
        assert [r.status.value for r in report.results] == ["broken", "ok"]
    # /gone failed last time: fetched first, once (no second fetch for its #fragment)
    assert [r.path for r in site.requests[asked:]].count("/gone") == 1
    assert steps[-1][0] == steps[-1][1]  # the progress ends at its total


def test_runs_over_stdin_do_not_fetch_each_others_failures(
    tmp_path: Path, site: ServerURL
) -> None:
    db = tmp_path / "cache.db"
    assert links(tmp_path, "-", *FAST, "--db", db, stdin=f"[g]({site}/gone)\n")[0] == 1
    asked = len(site.requests)
    assert links(tmp_path, "-", *FAST, "--db", db, stdin=f"[a]({site}/ok)\n")[0] == 0
    assert [r.path for r in site.requests[asked:]] == ["/ok"]


def test_root_dir_is_what_a_leading_slash_is_relative_to(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "guide").mkdir(parents=True)
    (site / "guide" / "setup.md").write_text("# Setup\n")
    (site / "blog").mkdir()
    page = site / "blog" / "post.md"
    page.write_text("[setup](/guide/setup.md#setup)\n")
    code, out, _ = links(tmp_path, page, "--no-cache", "--format", "json")
    assert code == 1 and json.loads(out)["links"][0]["status"] == "broken"  # blog/guide/...
    code, out, err = links(tmp_path, page, "--no-cache", "--format", "json",
                           "--root-dir", site)
    assert code == 0, err
    assert json.loads(out)["links"][0]["status"] == "ok"
    code, _, err = links(tmp_path, page, "--root-dir", tmp_path / "nowhere")
    assert code == 2 and "nowhere" in err


def test_remap_checks_a_sites_own_urls_against_the_local_build_or_a_test_server(
    tmp_path: Path, site: ServerURL
) -> None:
    build = tmp_path / "build"
    (build / "guide").mkdir(parents=True)
    (build / "guide" / "setup.md").write_text("# Setup\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[setup](https://docs.example/guide/setup.md#setup)\n"
        "[gone](https://docs.example/guide/gone.md)\n"
        "[api](https://api.example/ok)\n"
        "[private](https://api.example/private)\n"
    )
    code, out, err = links(
        tmp_path, page, *FAST, "--no-cache", "--format", "json",
        "--remap", rf"^https://docs\.example/(.*) {build.as_uri()}/$1",
        "--remap", rf"^https://api\.example {site}",
        "--exclude", "private",
    )
    assert code == 1, err
    found = json.loads(out)["links"]
    assert [(link["url"], link["status"]) for link in found] == [
        (f"{build.as_uri()}/guide/setup.md", "ok"),  # a web link's #fragment: dropped
        (f"{build.as_uri()}/guide/gone.md", "broken"),
        (f"{site}/ok", "ok"),
        ("https://api.example/private", "excluded"),  # excluded as written
    ]
    assert site.hits("/ok") == 1
    page.write_text("[setup](https://docs.example/guide/setup.md#nowhere)\n")
    code, out, _ = links(tmp_path, page, "--no-cache", "--format", "json", "--include-fragments",
                         "--remap", rf"^https://docs\.example/(.*) {build.as_uri()}/$1")
    assert code == 1 and json.loads(out)["links"][0]["error"] == "fragment not found: #nowhere"
    bad = citecheck("links", page, "--remap", "no-replacement", cwd=tmp_path)
    assert bad.returncode == 2 and "PATTERN REPLACEMENT" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_dump_lists_links_as_they_would_be_checked_and_checks_none(
    tmp_path: Path, site: ServerURL
) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"# T\n\n[a]({site}/ok) [b](https://skip.example/)\n"
                    "[c](https://docs.example/x)\n[d](other.md)\n")
    code, out, err = links(tmp_path, page, "--dump", "--exclude", "skip",
                           "--remap", rf"^https://docs\.example {site}")
    assert code == 0, err
    skip_column = len(f"[a]({site}/ok) [b](") + 1
    assert out.splitlines() == [
        f"{site}/ok  page.md:3:5",
        f"https://skip.example/  page.md:3:{skip_column}  (excluded: matches --exclude 'skip')",
        f"{site}/x  page.md:4:5",
        f"{(tmp_path / 'other.md').as_uri()}  page.md:5:5",
    ]
    assert site.requests == [] and not (tmp_path / "citecheck.db").exists()
    code, out, _ = links(tmp_path, page, "--dump", "--format", "json")
    document = json.loads(out)
    assert out == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert document["links"][1] == {"url": "https://skip.example/", "excluded": None,
                                    "origin": {"path": "page.md", "line": 3,
                                               "column": skip_column}}
    code, _, _ = links(tmp_path, page, tmp_path / "missing.md", "--dump")
    assert code == 2  # an unreadable input, the others still listed
    bad = citecheck("links", page, "--dump", "--format", "sarif", cwd=tmp_path)
    assert bad.returncode == 2 and "--dump writes human or json" in bad.stderr


def test_dump_of_a_url_input_fetches_only_its_page(tmp_path: Path, site: ServerURL) -> None:
    code, out, err = links(tmp_path, f"{site}/ok", "--dump", "--allow-private")
    assert (code, out) == (0, ""), err  # the page links nowhere
    assert site.hits("/ok") == 1 and len(site.requests) == 1


def test_fail_on_new_counts_every_kind_of_failure_not_only_fetches(
    docs: Path, site: ServerURL
) -> None:
    page = docs / "docs" / "page.md"
    db = docs / "kinds.db"
    args = (page, *FAST, "--format", "json", "--db", db, "--fail-on", "new",
            "--fail-on", "blocked", "--include-fragments")

    def run_new() -> tuple[int, int | None]:
        return new_failures_run(docs, *args)

    page.write_text(f"[a]({site}/ok)\n")
    assert run_new() == (0, None)  # nothing failing: nothing to compare
    # a missing file, a missing #fragment, an invalid URL and a newly blocked page
    page.write_text(f"[a]({site}/ok) [m](missing-file.md) [f]({site}/ok#nope)\n"
                    f"[i](<http://exa mple.test/>) [w]({site}/wall)\n")
    assert run_new() == (1, 4)
    assert run_new() == (0, 0)  # the same four: nothing new


def test_files_from_names_the_inputs_one_a_line(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("[x](missing.md)\n")
    (tmp_path / "b.md").write_text("[y](a.md)\n")
    (tmp_path / "changed.txt").write_text("# files a pull request changed\nb.md\n\n")
    code, out, _ = links(tmp_path, "--files-from", "changed.txt", "--no-cache",
                         "--format", "json")
    assert code == 0 and [link["origin"]["path"] for link in json.loads(out)["links"]] == ["b.md"]
    code, out, _ = links(tmp_path, "a.md", "--files-from", "-", "--no-cache", "--format", "json",
                         stdin="b.md\n")
    assert code == 1 and len(json.loads(out)["links"]) == 2  # the named input and the listed
    code, out, _ = links(tmp_path, "--files-from", "-", "--no-cache", stdin="")
    assert code == 0 and "0 links" in out  # nothing changed: nothing to check
    for args in (("--files-from", "nowhere.txt"), ("-", "--files-from", "-"), ()):
        bad = citecheck("links", *args, "--no-cache", cwd=tmp_path)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, args


def test_fail_on_new_after_a_run_from_before_link_problems_compares_fetches(
    docs: Path, site: ServerURL
) -> None:
    """A run recorded before the failing links were kept (no rows, no problems_kept in
    its options) is compared by its fetches, as then: its failures are not new."""
    page = docs / "docs" / "page.md"
    page.write_text(f"[a]({site}/ok) [c]({site}/gone)\n")
    db = docs / "old.db"
    args = (page, *FAST, "--format", "json", "--db", db, "--fail-on", "new")
    assert links(docs, *args)[0] == 1
    with sqlite3.connect(db) as conn:  # make it look like an old run
        conn.execute("delete from link_problems")
        (options,) = conn.execute("select options from runs").fetchone()
        old = json.loads(options)
        del old["problems_kept"]
        conn.execute("update runs set options = ?", [json.dumps(old)])
    code, out, _ = links(docs, *args)
    assert (code, json.loads(out)["summary"]["new_failures"]) == (0, 0)


def test_a_success_seen_with_insecure_is_no_answer_for_a_run_that_checks_certificates(
    tmp_path: Path, self_signed: Any
) -> None:
    with serve({"/": Route(200, body=b"ok")}, tls=self_signed) as site:
        page = tmp_path / "p.md"
        page.write_text(f"[a]({site}/)\n")
        db = tmp_path / "tls.db"
        code, out, _ = links(tmp_path, page, *FAST, "--db", db, "--format", "json", "-k")
        assert code == 0 and json.loads(out)["links"][0]["status"] == "ok"
        code, out, _ = links(tmp_path, page, *FAST, "--db", db, "--format", "json")
        link = json.loads(out)["links"][0]
        assert (link["status"], link["from_cache"]) == ("unreachable", False)
        assert link["error"].startswith("TLS error")


def test_files_from_reads_a_list_that_starts_with_a_bom(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n")
    (tmp_path / "list.txt").write_bytes("\ufeffa.md\r\n".encode())
    code, _, err = links(tmp_path, "--files-from", "list.txt", "--no-cache")
    assert code == 0, err
