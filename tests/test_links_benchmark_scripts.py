"""The link-checking benchmarks run end to end at a small size: their figures are in
the README, so the scripts must keep working. The cache benchmark is also the one
program that crashed (SIGSEGV inside pyreqwest) when pyreqwest was first imported in
the async engine's worker thread; see fetch.transport.load_client_modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_cache_benchmark_runs_and_reports_a_ratio() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "links_cache.py"), "--rounds", "1", "--links", "100",
         "--hosts", "2", "--latency", "10-10"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "100/100 from cache" not in done.stdout  # the 404s are checked again
    assert "ratio" in done.stdout


def test_lychee_benchmark_runs_citecheck_alone() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "links_vs_lychee.py"), "--only", "citecheck",
         "--links", "200", "--hosts", "4", "--latency", "0-0", "--rounds", "1"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| citecheck |" in done.stdout


def test_bare_clients_benchmark_runs_both_clients() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bare_clients.py"), "--links", "100", "--hosts", "2",
         "--rounds", "1"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| aiohttp |" in done.stdout and "| pyreqwest |" in done.stdout


def test_crawl_benchmark_crawls_the_site_and_finds_every_broken_link() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "crawl_vs_linkinator.py"), "--only", "citecheck",
         "--pages", "40", "--latency", "0", "--rounds", "1"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    assert "| citecheck |" in done.stdout
    assert "runs that did not find exactly the broken links: 0" in done.stdout
