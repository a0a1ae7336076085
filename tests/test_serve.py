"""`citecheck serve`: Datasette started on 127.0.0.1, its canned queries answered over HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cli_run import citecheck, command, environment
from test_history import FIRST, SECOND, save_run

from citecheck.models import Check, Fetch, Level, LinkStatus, Verdict, VerdictLabel
from citecheck.serve import CANNED_QUERIES, build_metadata
from citecheck.store import Store

pytest.importorskip("datasette", reason="datasette is an optional extra: pip install datasette")

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with two runs, served by `citecheck serve`; yields its base URL."""
    db = tmp_path_factory.mktemp("serve") / "audit.db"
    with Store(db) as store:
        save_run(store, FIRST, {"c-mill": VerdictLabel.SUPPORTED,
                                "c-weir": VerdictLabel.SUPPORTED})
        run_id = save_run(store, SECOND, {"c-mill": VerdictLabel.SUPPORTED,
                                          "c-weir": VerdictLabel.NOT_SUPPORTED})
        document_id = store.db.execute(
            "select id from documents where run_id = ?", [run_id]
        ).fetchone()[0]
        anachronism = Check("anachronism", Level.WARNING, "source from 1850 predates 1871")
        store.save_verdict(run_id, document_id, Verdict("c-mill", "ref-lock",
                                                        VerdictLabel.SUPPORTED, 0.7,
                                                        checks=(anachronism,)))
        for status in (LinkStatus.BROKEN, LinkStatus.BROKEN, LinkStatus.OK):
            store.record_fetch(run_id, Fetch("https://www.rot.example/a", status))
        store.record_fetch(run_id, Fetch("https://fine.example/", LinkStatus.OK))
    port = free_port()
    child = subprocess.Popen(
        command("serve", "--db", db, "--port", str(port)),
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                requests.get(f"{base}/-/versions.json", timeout=2).raise_for_status()
                break
            except requests.RequestException:
                if child.poll() is not None or time.monotonic() > deadline:
                    stderr = child.stderr.read().decode() if child.stderr else ""
                    pytest.fail(f"citecheck serve did not start: {stderr[-2000:]}")
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(child.pid, signal.SIGTERM)  # datasette runs as our child's child
        child.wait(timeout=10)


def canned(base: str, name: str, **params: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{base}/audit/{name}.json", params={"_shape": "array", **params}, timeout=10
    )
    response.raise_for_status()
    rows: list[dict[str, Any]] = response.json()
    return rows


def test_dead_links_without_archive_lists_the_latest_runs_dead_link(served: str) -> None:
    rows = canned(served, "dead_links_without_archive")
    # ref-lock is dead too, but archived; ref-weir was dead in run 1 only.
    assert [(r["run_id"], r["marker"]) for r in rows] == [(2, "mill")]
    assert rows[0]["domain"] == "mill.example"
    earlier = canned(served, "dead_links_without_archive", run="1")
    assert [r["marker"] for r in earlier] == ["weir"]


def test_unsupported_claims_and_anachronisms_are_answered(served: str) -> None:
    unsupported = canned(served, "unsupported_claims")
    assert [(r["claim_id"], r["reference_id"]) for r in unsupported] == [("c-weir", "ref-weir")]
    assert unsupported[0]["claim"] == "The weir was rebuilt in 1903."
    anachronisms = canned(served, "anachronisms")
    assert [(r["claim_id"], r["message"]) for r in anachronisms] == [
        ("c-mill", "source from 1850 predates 1871")
    ]


def test_domains_are_ranked_by_failure_rate(served: str) -> None:
    rows = canned(served, "domains_by_failure_rate")
    assert rows[0]["domain"] == "rot.example"  # "www." dropped
    assert (rows[0]["fetches"], rows[0]["failures"], rows[0]["failure_rate"]) == (3, 2, 0.667)
    assert "fine.example" not in {r["domain"] for r in rows}


def test_metadata_titles_and_facets_are_served(served: str) -> None:
    response = requests.get(
        f"{served}/audit/link_results.json", params={"_facet": "domain"}, timeout=10
    )
    response.raise_for_status()
    body = response.json()
    facets = body["facet_results"]
    facet_names = set(facets) if isinstance(facets, dict) else set()
    if "results" in facet_names:  # newer Datasette nests them
        facet_names = set(facets["results"])
    assert {"link_status", "domain", "archive_status"} <= facet_names
    page = requests.get(f"{served}/audit/verdict_results", timeout=10).text
    assert "Verdicts, per run" in page


def test_every_canned_query_has_a_title_and_description() -> None:
    metadata = build_metadata("audit")
    queries = metadata["databases"]["audit"]["queries"]
    assert set(queries) == {
        "dead_links_without_archive", "unsupported_claims", "anachronisms",
        "domains_by_failure_rate",
    }
    assert all(q["title"] and q["description"] and q["sql"] for q in CANNED_QUERIES.values())
    json.dumps(metadata)  # it is written to a file as JSON


def test_serve_without_datasette_is_a_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    Store(db).close()
    blocked = (
        "import sys; sys.modules['datasette'] = None; "
        "from citecheck.cli import main; sys.argv = ['citecheck', 'serve', '--db', sys.argv[1]];"
        " main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocked, str(db)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "citecheck: error: datasette is not installed: pip install 'citecheck[serve]'"
        " (or pip install datasette)"
    ]


def test_serve_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = citecheck("serve", "--db", tmp_path / "none.db", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "no such database" in result.stderr
    assert "Traceback" not in result.stderr
