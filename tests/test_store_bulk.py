"""Rows in and out of SQLite in bulk (citecheck.store.bulk), on real database files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from citecheck.store import bulk
from citecheck.store.urls import url_domain

COLUMNS = ("url", "status", "code", "elapsed")
ROWS = [
    ["http://a.test/x", "ok", 200, 12.5],
    ["http://b.test/\x00nul", "broken", None, 1733500000.123456],
    ["http://é.test/😀\u2028\"'\\", None, 2**62, -0.0],
    ["", "ok", 0, None],
]


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(tmp_path / "bulk.db")
    connection.execute("create table t (id integer primary key, url, status, code, elapsed)")
    yield connection
    connection.close()


def _statements(conn: sqlite3.Connection) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    return seen


def test_rows_go_in_exactly_as_given_in_one_statement(conn: sqlite3.Connection) -> None:
    rows = ROWS * 100
    seen = _statements(conn)
    with conn:
        bulk.insert_rows(conn, "t", COLUMNS, rows)
    inserts = [sql for sql in seen if sql.lower().startswith("insert")]
    assert len(inserts) == 1  # not one per row: each row would hand the GIL over
    stored = conn.execute("select url, status, code, elapsed from t order by id").fetchall()
    assert [list(row) for row in stored] == rows
    assert str(stored[2][3]) == "-0.0"  # exact values, not a JSON text's


def test_rows_past_the_parameter_limit_go_in_several_statements(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "_variable_limit", lambda conn: 10)  # two rows a statement
    seen = _statements(conn)
    with conn:
        bulk.insert_rows(conn, "t", COLUMNS, ROWS + ROWS[:1])
    assert len([sql for sql in seen if sql.lower().startswith("insert")]) == 3
    assert conn.execute("select count(*) from t").fetchone() == (5,)


@pytest.mark.parametrize("packed", [True, False], ids=["json", "row-by-row"])
def test_rows_come_out_the_same_packed_or_one_by_one(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, packed: bool
) -> None:
    monkeypatch.setattr(bulk, "has_json", lambda: packed)
    with conn:
        bulk.insert_rows(conn, "t", COLUMNS, ROWS)
    rows = bulk.select_rows(conn, COLUMNS, "t order by id", [])
    # texts (a NUL, non-BMP characters, quotes and line separators among them),
    # integers past 2**53 and NULL come back as stored; reals to 15 digits
    assert [row[:3] for row in rows] == [row[:3] for row in ROWS]
    assert [rows[0][3], rows[2][3], rows[3][3]] == [12.5, 0.0, None]
    assert rows[1][3] == pytest.approx(1733500000.123456, abs=1e-3)
    assert bulk.select_rows(conn, COLUMNS, "t where code = ?", [200]) == [ROWS[0]]
    assert bulk.select_rows(conn, COLUMNS, "t where code = ?", [404]) == []


def test_this_sqlite_has_the_json_functions() -> None:
    # 3.38 and newer always have them; the row-by-row path is for odd builds only
    if sqlite3.sqlite_version_info >= (3, 38):
        assert bulk.has_json()


def _domain_by_urlsplit(url: str | None) -> str | None:
    """The rule url_domain keeps, written the plain way: urlsplit on the whole URL."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or any(ch.isspace() or ord(ch) < 32 or ch == "\x7f" for ch in host):
        return None
    return host.removeprefix("www.")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.News.example:8080/a?b#c",
        "http://user:pw@Host.test/path",
        "HTTP://[::1]:80/x",
        "http://[::1/x",  # a broken IPv6 literal: no domain
        "http://ho\tst.test/x",  # urlsplit drops tabs and newlines anywhere
        "h\tttp://host.test/x",
        " http://padded.test/ ",
        "http://host.test",
        "http://host.test?q",
        "http://host.test#f",
        "http://host.test\\evil.test/",
        "mailto:someone@site.test",
        "//scheme-relative.test/x",
        "1http://not-a-scheme.test/",
        "http://",
        "http:///path",
        "http://sp ace.test/",
        "http://%41.test/",
        "",
        None,
    ],
)
def test_url_domain_reads_each_url_as_urlsplit_does(url: str | None) -> None:
    assert url_domain(url) == _domain_by_urlsplit(url)


@pytest.mark.parametrize("packed", [True, False], ids=["json", "row-by-row"])
def test_an_infinite_real_is_read_back(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, packed: bool
) -> None:
    # some SQLite versions write it as Inf in JSON, which is no JSON: read row by row
    monkeypatch.setattr(bulk, "has_json", lambda: packed)
    with conn:
        bulk.insert_rows(conn, "t", COLUMNS, [["http://a.test/", "ok", 200, float("inf")]])
    assert bulk.select_rows(conn, COLUMNS, "t", []) == [["http://a.test/", "ok", 200, float("inf")]]
