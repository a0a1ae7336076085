"""`citecheck links --suggest`: an archived copy for each failing web link, from a fake
Wayback Machine on 127.0.0.1 (real HTTP, real SQLite), in every output format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fake_wayback import FakeWayback
from httpservers import Route, ServerURL, serve
from test_links_command import links
from test_links_formats import SARIF_SCHEMA

HTML = {"Content-Type": "text/html; charset=utf-8"}
FAST = ("--allow-private", "--max-retries", "0", "--timeout", "2")


@pytest.fixture
def site() -> Iterator[ServerURL]:
    routes: dict[str, Any] = {
        "/ok": Route(200, body=b"<title>Fine</title>", headers=HTML),
        "/gone": Route(404, body=b"<title>Gone</title>", headers=HTML),
        "/wall": Route(403, body=b"<title>Denied</title>", headers=HTML),
    }
    with serve(routes) as base_url:
        yield base_url


@pytest.fixture
def wayback(site: ServerURL) -> Iterator[FakeWayback]:
    captures = [
        # the page when it was there, then the archive's own capture of its 404
        (f"{site}/gone", "20190801120000", "200", "text/html", b"<p>Then</p>"),
        (f"{site}/gone", "20240101120000", "404", "text/html", b"gone"),
        (f"{site}/ok", "20190801120000", "200", "text/html", b"<p>Fine</p>"),
    ]
    with FakeWayback(captures=captures) as wb:
        yield wb


@pytest.fixture
def page(tmp_path: Path, site: ServerURL) -> Path:
    path = tmp_path / "page.md"
    path.write_text(
        f"# Page\n\n[ok]({site}/ok) [gone]({site}/gone#part) [wall]({site}/wall)\n"
        f"[gone again]({site}/gone)\n[local](missing.md)\n"
    )
    return path


def suggest(tmp_path: Path, page: Path, wayback: FakeWayback, *more: str) -> tuple[int, str]:
    code, out, err = links(tmp_path, page, *FAST, "--db", tmp_path / "c.db", "--suggest",
                           "--wayback-url", wayback.base_url, *more)
    assert "Traceback" not in err
    return code, out


def test_each_failing_web_link_gets_its_closest_usable_capture_once(
    tmp_path: Path, page: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    code, out = suggest(tmp_path, page, wayback, "--format", "json")
    assert code == 1
    document = json.loads(out)
    archives = {entry["url"]: entry for entry in document["summary"]["archives"]}
    # one lookup per URL, its #fragment aside; none for the good link or the local file
    assert set(archives) == {f"{site}/gone", f"{site}/wall"}
    gone = archives[f"{site}/gone"]
    assert gone["status"] == "found" and gone["timestamp"] == "20190801120000"
    assert gone["archive_url"] == f"{wayback.base_url}/web/20190801120000/{site}/gone"
    assert archives[f"{site}/wall"]["status"] == "not_found"
    assert list(document["links"][0]) == [  # the link objects keep the contract's keys
        "url", "status", "http_status", "final_url", "redirects", "origin", "from_cache",
        "error", "elapsed_ms",
    ]


def test_the_copy_is_shown_beside_the_link_in_every_format(
    tmp_path: Path, page: Path, wayback: FakeWayback
) -> None:
    code, out = suggest(tmp_path, page, wayback, "--report", f"sarif={tmp_path / 'l.sarif'}",
                        "--report", f"markdown={tmp_path / 'l.md'}",
                        "--report", f"junit={tmp_path / 'l.xml'}",
                        "--report", f"github={tmp_path / 'l.txt'}")
    assert code == 1
    copy = "archived copy: " + wayback.base_url + "/web/20190801120000/"
    gone_lines = [line for line in out.splitlines() if "/gone" in line]
    assert len(gone_lines) == 2 and all(copy in line and "(2019-08-01)" in line
                                        for line in gone_lines)
    assert not any(copy in line for line in out.splitlines() if "/wall" in line)

    sarif = json.loads((tmp_path / "l.sarif").read_text())
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text()))
    assert not list(validator.iter_errors(sarif))
    results = sarif["runs"][0]["results"]
    found = [r for r in results if "archiveUrl" in r["properties"]]
    assert len(found) == 2 and all(copy in r["message"]["text"] for r in found)

    summary = (tmp_path / "l.md").read_text()
    assert "| archived copy |" in summary
    assert f"[2019-08-01](<{wayback.base_url}/web/20190801120000/" in summary

    messages = [f.get("message", "") for f in ET.parse(tmp_path / "l.xml").iter("failure")]
    assert sum(copy in message for message in messages) == 2
    assert sum(copy in line for line in (tmp_path / "l.txt").read_text().splitlines()) == 2


def test_lookups_are_kept_in_the_database_and_not_asked_again(
    tmp_path: Path, page: Path, wayback: FakeWayback
) -> None:
    suggest(tmp_path, page, wayback, "--format", "json")
    asked = wayback.count("cdx")
    assert asked >= 2
    code, out = suggest(tmp_path, page, wayback, "--format", "json")
    assert code == 1 and wayback.count("cdx") == asked
    statuses = {e["status"] for e in json.loads(out)["summary"]["archives"]}
    assert statuses == {"found", "not_found"}


def test_an_archive_outage_is_unknown_never_not_archived_and_asked_again(
    tmp_path: Path, page: Path, wayback: FakeWayback
) -> None:
    wayback.fail_cdx = wayback.fail_availability = wayback.fail_playback = 503
    code, out = suggest(tmp_path, page, wayback, "--format", "json")
    assert code == 1  # the links' own statuses decide; the archive changes nothing
    archives = json.loads(out)["summary"]["archives"]
    assert {entry["status"] for entry in archives} == {"unknown"}
    assert all(entry["error"] for entry in archives)
    wayback.fail_cdx = wayback.fail_availability = wayback.fail_playback = None
    code, out = suggest(tmp_path, page, wayback, "--format", "json")
    archives = json.loads(out)["summary"]["archives"]
    statuses = {entry["url"].rsplit("/", 1)[1]: entry["status"] for entry in archives}
    assert statuses == {"gone": "found", "wall": "not_found"}


def test_without_suggest_nothing_is_asked_and_the_summary_has_no_archives(
    tmp_path: Path, page: Path, wayback: FakeWayback
) -> None:
    code, out, _ = links(tmp_path, page, *FAST, "--no-cache", "--format", "json",
                         "--wayback-url", wayback.base_url)
    assert code == 1 and "archives" not in json.loads(out)["summary"]
    assert wayback.count("cdx") == 0 and "archived copy" not in links(
        tmp_path, page, *FAST, "--no-cache", "--wayback-url", wayback.base_url)[1]


def test_a_live_page_missing_a_fragment_is_not_looked_up_but_a_soft_404_is(
    tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    page = tmp_path / "frag.md"
    page.write_text(f"[frag]({site}/ok#nowhere)\n")
    code, out = suggest(tmp_path, page, wayback, "--format", "json", "--include-fragments")
    assert code == 1 and json.loads(out)["summary"]["archives"] == []
    assert wayback.count("cdx") == 0


def test_lookups_beyond_the_limit_wait_for_a_later_run_and_a_ci_log_hears_why(
    tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    page = tmp_path / "many.md"
    page.write_text("".join(f"[g{i}]({site}/gone?{i})\n" for i in range(6)))
    wayback.fail_cdx = 429  # the CDX family pauses: lookups fall back at once
    code, out, err = links(tmp_path, page, *FAST, "--db", tmp_path / "c.db", "--suggest",
                           "--wayback-url", wayback.base_url, "--format", "json",
                           "--suggest-limit", "5")
    assert code == 1
    assert "looking up archived copies of 5 links" in err
    archives = json.loads(out)["summary"]["archives"]
    assert len(archives) == 6
    assert archives[5]["status"] == "unknown" and "--suggest-limit" in archives[5]["error"]
    assert {entry["status"] for entry in archives[:5]} == {"not_found"}
    code, out, err = links(tmp_path, page, *FAST, "--db", tmp_path / "c.db", "--suggest",
                           "--wayback-url", wayback.base_url, "--format", "json",
                           "--suggest-limit", "5")
    assert "looking up" not in err  # five kept, one asked
    assert {entry["status"] for entry in json.loads(out)["summary"]["archives"]} == {"not_found"}
