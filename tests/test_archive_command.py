"""`citecheck archive` end to end: the command line entry point, against a site and a
fake Wayback Machine on 127.0.0.1, with its own SQLite file."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cli_run import OUTSIDE_SETTINGS
from fake_wayback import FakeWayback
from httpservers import Route, ServerURL, serve

from citecheck.cli import main

HTML = {"Content-Type": "text/html; charset=utf-8"}
LIVE = b"<html><head><title>Harbour</title></head><body><p>The harbour is open.</p></body></html>"
OLD = b"<html><head><title>Founding</title></head><body><p>Founded in 1820.</p></body></html>"
GONE = Route(404, body=b"<title>Not Found</title>", headers=HTML)


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def citecheck(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Ran]:
    """Run `citecheck.cli.main` in this process (as the console script does, error
    handling included): a subprocess per test would spend seconds importing."""

    def run(*args: str | Path, env: dict[str, str] | None = None) -> Ran:
        for name in OUTSIDE_SETTINGS:
            monkeypatch.delenv(name, raising=False)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "argv", ["citecheck", *map(str, args)])
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main()
        out, err = capsys.readouterr()
        return Ran(int(exited.value.code or 0), out, err)

    return run


@pytest.fixture
def site() -> Iterator[ServerURL]:
    routes: dict[str, Any] = {
        "/founding": GONE,
        "/ferry": GONE,
        "/cottage": GONE,
        "/harbour": Route(200, body=LIVE, headers=HTML),
    }
    with serve(routes) as base_url:
        yield base_url


@pytest.fixture
def wayback(site: ServerURL) -> Iterator[FakeWayback]:
    captures = [
        (f"{site}/founding", "20190801120000", "200", "text/html", OLD),
        (f"{site}/founding", "20190818000000", "200", "text/html", OLD),
        (f"{site}/ferry", "20200310000000", "200", "text/html", OLD),
        (f"{site}/elsewhere", "20200101000000", "200", "text/html", OLD),
    ]
    with FakeWayback(captures=captures) as wb:
        yield wb


def founding(base: str) -> str:
    return f"{{{{cite web |url={base}/founding |title=Founding |access-date=2019-08-17}}}}"


def ferry(base: str) -> str:
    return f"{{{{cite news|url={base}/ferry|title=Ferry|access-date=2021-01-05}}}}"


def cottage(base: str, wb: str) -> str:
    return (
        f"{{{{cite web |url={base}/cottage |title=Cottage |access-date=2020-02-01 "
        f"|archive-url={wb}/web/20200101000000/{base}/elsewhere |archive-date=2020-01-01 "
        f"|url-status=dead}}}}"
    )


def harbour(base: str) -> str:
    return f"{{{{cite web |url={base}/harbour |title=Harbour |date=2024-05-01}}}}"


def article(base: str, wb: str) -> str:
    return (
        "'''Saltmarrow''' is a fictional harbour town.\n\n"
        f"It was founded in 1820.<ref>{founding(base)}</ref> "
        f"A ferry ran to Kell Island.<ref>{ferry(base)}</ref>\r\n"
        f"The cottage is a museum.<ref>{cottage(base, wb)}</ref> "
        f"The harbour is open.<ref>{harbour(base)}</ref>\n\n"
        "== References ==\n{{reflist}}\n"
    )


@pytest.fixture
def run_archive(citecheck: Callable[..., Ran], tmp_path: Path) -> Callable[..., Ran]:
    def run(path: Path, wb: FakeWayback, *args: str, env: dict[str, str] | None = None) -> Ran:
        return citecheck(
            "archive", path, "--allow-private", "--wayback-url", wb.base_url,
            "--db", tmp_path / "c.db", "--out", tmp_path / "out", "--format", "json", "-q",
            *args, env=env,
        )  # fmt: skip

    return run


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_archive_fix_writes_a_fixed_copy_beside_the_input(
    run_archive: Callable[..., Ran], tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    text = article(site, wayback.base_url)
    path = write(tmp_path, "saltmarrow.wiki", text)

    result = run_archive(path, wayback, "--fix")

    wb = wayback.base_url
    founding_params = (
        f" |archive-url={wb}/web/20190801120000/{site}/founding |archive-date=2019-08-01"
        " |url-status=dead"
    )
    ferry_params = (
        f"|archive-url={wb}/web/20200310000000/{site}/ferry|archive-date=2020-03-10|url-status=dead"
    )
    expected = text.replace(founding(site), founding(site)[:-2] + founding_params + "}}").replace(
        ferry(site), ferry(site)[:-2] + ferry_params + "}}"
    )
    fixed = tmp_path / "saltmarrow.fixed.wiki"
    assert fixed.read_bytes() == expected.encode("utf-8"), result.stdout + result.stderr
    assert path.read_bytes() == text.encode("utf-8")  # the input is untouched
    assert f"fix: |archive-url={wb}/web/20190801120000/{site}/founding" in result.stdout
    assert "capture 20190801120000 (wayback)" in result.stdout  # the one before access-date
    assert f"fixed copy: {fixed} (2 fix(es) applied)" in result.stdout
    # The wrong archive link the cottage citation carries is flagged.
    assert "error: archive_url_mismatch" in result.stdout
    # A wrong archive link (and the cottage, dead with no capture) is a problem.
    assert result.returncode == 1, result.stderr


def test_archive_in_place_and_output(
    run_archive: Callable[..., Ran], tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    text = article(site, wayback.base_url)
    path = write(tmp_path, "saltmarrow.wiki", text)
    elsewhere = tmp_path / "copy.wiki"

    run_archive(path, wayback, "--fix", "--output", str(elsewhere))
    copied = elsewhere.read_text(encoding="utf-8")
    run_archive(path, wayback, "--fix", "--in-place")

    assert path.read_bytes() == elsewhere.read_bytes()
    assert "20200310000000" in copied
    assert not (tmp_path / "saltmarrow.fixed.wiki").exists()


def test_archive_fix_on_markdown_replaces_the_url(
    run_archive: Callable[..., Ran], tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    text = (
        "# Saltmarrow\n\nIt was founded in 1820.[^1] The harbour is open.[^2]\n\n"
        f"[^1]: [Founding]({site}/founding).\n"
        f"[^2]: [Harbour]({site}/harbour).\n"
    )
    path = write(tmp_path, "saltmarrow.md", text)

    result = run_archive(path, wayback, "--fix")

    fixed = (tmp_path / "saltmarrow.fixed.md").read_text(encoding="utf-8")
    # No access-date in Markdown: the capture closest before now.
    archived = f"{wayback.base_url}/web/20190818000000/{site}/founding"
    assert fixed == text.replace(f"{site}/founding", archived), result.stdout
    assert f"fix: {archived}" in result.stdout


def test_archive_save_captures_live_pages_with_no_capture(
    run_archive: Callable[..., Ran], tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    path = write(tmp_path, "saltmarrow.wiki", article(site, wayback.base_url))
    access, secret = wayback.spn_keys
    keys = {"CITECHECK_IA_ACCESS_KEY": access, "CITECHECK_IA_SECRET_KEY": secret}

    result = run_archive(path, wayback, "--save", "--save-poll-interval", "0", env=keys)

    assert wayback.saved == [f"{site}/harbour"], result.stdout + result.stderr
    assert f"save {site}/harbour: success" in result.stdout
    with sqlite3.connect(tmp_path / "c.db") as db:
        rows = db.execute(
            "select status, timestamp, wanted from captures where original_url = ?",
            [f"{site}/harbour"],
        ).fetchall()
    assert rows == [("found", wayback.spn_timestamp, "2024-05-01")]


def test_archive_save_without_keys_is_a_one_line_error(
    run_archive: Callable[..., Ran], tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    path = write(tmp_path, "saltmarrow.wiki", article(site, wayback.base_url))

    result = run_archive(path, wayback, "--save")

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "CITECHECK_IA_ACCESS_KEY" in result.stderr
    assert wayback.requests == []


def test_wayback_outage_mid_run_says_unknown_never_no_capture(
    run_archive: Callable[..., Ran], tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    path = write(tmp_path, "saltmarrow.wiki", article(site, wayback.base_url))
    wayback.fail_after = 2  # the first lookup's requests are answered, then 503s

    result = run_archive(path, wayback, "--fix")

    assert "archive unknown" in result.stdout, result.stdout
    assert "no capture" not in result.stdout
    assert result.returncode == 1  # a dead link without a known archive is a problem


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--in-place",), "--in-place and --output go with --fix"),
        (("--fix", "--in-place", "--output", "x.wiki"), "exclude each other"),
        (("--memento", "nowhere"), "Memento TimeGate"),
    ],
)
def test_archive_usage_errors(
    run_archive: Callable[..., Ran],
    tmp_path: Path,
    site: ServerURL,
    wayback: FakeWayback,
    args: tuple[str, ...],
    message: str,
) -> None:
    path = write(tmp_path, "saltmarrow.wiki", article(site, wayback.base_url))

    result = run_archive(path, wayback, *args)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_archive_asks_memento_timegates_for_what_the_wayback_machine_lacks(
    run_archive: Callable[..., Ran], tmp_path: Path, site: ServerURL, wayback: FakeWayback
) -> None:
    text = f"Lost page.<ref>{{{{cite web |url={site}/cottage |access-date=2021-05-01}}}}</ref>\n"
    path = write(tmp_path, "lost.wiki", text)
    other_capture = (f"{site}/cottage", "20210420000000", "200", "text/html", OLD)
    with FakeWayback(captures=[other_capture]) as other:
        timegate = f"other={other.base_url}/timegate/"
        result = run_archive(path, wayback, "--memento", timegate, "--fix")

    memento = f"{other.base_url}/web/20210420000000/{site}/cottage"
    assert f"capture 20210420000000 (other) {memento}" in result.stdout, result.stdout
    assert f"|archive-url={memento} |archive-date=2021-04-20" in result.stdout
    assert memento in (tmp_path / "lost.fixed.wiki").read_text(encoding="utf-8")


def test_archive_takes_one_file(
    run_archive: Callable[..., Ran], tmp_path: Path, wayback: FakeWayback
) -> None:
    result = run_archive(tmp_path, wayback)

    assert result.returncode == 2
    assert "one document file" in result.stderr
