"""`citecheck links` cold vs warm cache: the second run must take <= 0.1x the first.

Loopback hosts 127.0.0.1 ... 127.0.0.N (loopback_sites.py, an aiohttp server in a
process of its own, so its work never takes the checker's GIL) answer with
injected latency; a Markdown file links to them (200s, 301s and 404s). The same run
is made twice on one db: the second run fetches only the failures (which are never
cached). By default both runs are library calls in this process (start-up excluded);
with --cli each is a `citecheck links` command, start-up included, as CI runs it.

    .venv/bin/python benchmarks/links_cache.py --links 5000 --hosts 20 --latency 0.05
    .venv/bin/python benchmarks/links_cache.py --cli
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from links_vs_lychee import CITECHECK, PACKAGE, start_sites  # a sibling script, not a package

from citecheck.fetch import FetchOptions
from citecheck.links.run import LinksOptions, run_links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per answer")
    parser.add_argument("--broken-every", type=int, default=20, help="one 404 in N links")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cli", action="store_true",
                        help="run the citecheck command (start-up included), not the library")
    args = parser.parse_args()
    if args.cli:  # as pip would have left it: bytecode compiled (see links_vs_lychee.py)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], check=True,
                       stdout=subprocess.DEVNULL)

    cold, warm = [], []
    latency_ms = f"{args.latency * 1000:g}-{args.latency * 1000:g}"
    with tempfile.TemporaryDirectory() as folder:
        server, ports = start_sites(args.hosts, latency_ms, Path(folder))
        try:
            hosts = sorted(ports, key=lambda host: int(host.rsplit(".", 1)[1]))
            for round_number in range(args.rounds):
                lines = []
                for i in range(args.links):
                    # the kind goes by the link's row among its host's links, so every
                    # host gets its share of 404s and the warm run waits on no one host
                    row = i // args.hosts
                    kind = (
                        "missing" if row % args.broken_every == 0
                        else "moved" if row % 7 == 0 else "ok"
                    )
                    host = hosts[i % args.hosts]
                    lines.append(f"- [link {i}](http://{host}:{ports[host]}/{kind}/r{round_number}-{i})\n")
                page = Path(folder) / "links.md"
                page.write_text("".join(lines))
                fetch = FetchOptions(allow_private=True, max_retries=0, host_concurrency=10,
                                     max_concurrency=128)
                db = Path(folder) / f"cache-{round_number}.db"
                options = LinksOptions(fetch=fetch, db=db)
                for times in (cold, warm):
                    if args.cli:
                        times.append(run_command(page, db, Path(folder) / "out.json"))
                        cached = count_cached(Path(folder) / "out.json", args.links)
                        continue
                    started = time.perf_counter()
                    with run_links([str(page)], options) as report:
                        times.append(time.perf_counter() - started)
                        assert len(report.results) == args.links
                        cached = sum(1 for r in report.results if r.from_cache)
                print(f"round {round_number + 1}: cold {cold[-1]:.2f} s, warm {warm[-1]:.2f} s, "
                      f"{cached}/{args.links} from cache on the warm run")
        finally:
            server.terminate()
            server.wait()
    cold_median, warm_median = statistics.median(cold), statistics.median(warm)
    print("runs as", "`citecheck links` commands" if args.cli else "library calls in process")
    print(f"median cold {cold_median:.2f} s, warm {warm_median:.2f} s, "
          f"ratio {warm_median / cold_median:.3f} (target <= 0.1)")


def run_command(page: Path, db: Path, report: Path) -> float:
    """Wall time of one `citecheck links` command with the library run's options."""
    command = [str(CITECHECK), "links", str(page), "--db", str(db), "--allow-private",
               "--max-retries", "0", "--host-concurrency", "10", "--max-concurrency", "128",
               "-q", "--format", "json", "--output", str(report)]
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some links are broken, as they should be
        raise SystemExit(f"citecheck links failed with exit code {done.returncode}")
    return elapsed


def count_cached(report: Path, expected: int) -> int:
    import json

    links = json.loads(report.read_text())["links"]
    assert len(links) == expected
    return sum(1 for link in links if link["from_cache"])


if __name__ == "__main__":
    main()
