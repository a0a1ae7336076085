"""The HTTP clients alone, without citecheck: how fast can each fetch 5,000 links?

Each client runs in a process of its own with nothing but a loop that GETs every URL
of the Markdown file (10 at a time per host, 128 at most, bodies read, redirects
followed by the client) on uvloop's event loop, against the loopback sites of
links_vs_lychee.py with no latency. This is the measurement that moved the async
engine from aiohttp to pyreqwest: it is the floor under citecheck's own figure.

    .venv/bin/python benchmarks/bare_clients.py --rounds 3

lychee runs too when installed (see links_vs_lychee.py), as the line to beat.
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
from links_vs_lychee import find_lychee, start_sites, write_links  # a sibling script

# One program per client, run as `python -c PROGRAM FILE`: the same loop for both.
COMMON = """
import asyncio, collections, re, sys
from urllib.parse import urlsplit
import uvloop
LINK = re.compile(r"\\]\\((http[^)\\s]+)\\)")
urls = [u for line in open(sys.argv[1]) for u in LINK.findall(line)]
slots = collections.defaultdict(lambda: asyncio.Semaphore(10))
overall = asyncio.Semaphore(128)
"""
PROGRAMS = {
    "aiohttp": COMMON + """
import aiohttp
async def main():
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=128)) as session:
        async def one(url):
            async with slots[urlsplit(url).netloc], overall:
                async with session.get(url) as response:
                    await response.read()
                    return response.status
        print(collections.Counter(await asyncio.gather(*map(one, urls))))
uvloop.run(main())
""",
    "pyreqwest": COMMON + """
from pyreqwest.client import ClientBuilder
async def main():
    async with ClientBuilder().build() as client:
        async def one(url):
            async with slots[urlsplit(url).netloc], overall:
                response = await client.get(url).build().send()
                await response.bytes()
                return response.status
        print(collections.Counter(await asyncio.gather(*map(one, urls))))
uvloop.run(main())
""",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    lychee = find_lychee(None)
    times: dict[str, list[float]] = {name: [] for name in (*PROGRAMS, "lychee")}
    with tempfile.TemporaryDirectory(prefix="bare-clients-") as tmp:
        workdir = Path(tmp)
        server, ports = start_sites(args.hosts, "0-0", workdir)
        try:
            for round_number in range(args.rounds):
                for name in times:
                    if name == "lychee" and lychee is None:
                        continue
                    page = workdir / f"{name}.md"
                    write_links(page, ports, args.links, f"{name}{round_number}", no_429=True)
                    command = (
                        [lychee, str(page), "--no-progress", "--host-concurrency", "10",
                         "--max-concurrency", "128", "--host-request-interval", "0ms"]
                        if name == "lychee"
                        else [sys.executable, "-c", PROGRAMS[name], str(page)]
                    )
                    started = time.perf_counter()
                    subprocess.run(command, check=name != "lychee", capture_output=True)
                    times[name].append(time.perf_counter() - started)
        finally:
            server.terminate()
            server.wait()
    print(f"\n{args.links} links on {args.hosts} hosts, no latency, {args.rounds} rounds\n")
    print("| client | median wall s | all rounds s |")
    print("|---|---|---|")
    for name, rounds in times.items():
        if rounds:
            listed = ", ".join(f"{t:.2f}" for t in rounds)
            print(f"| {name} | {statistics.median(rounds):.2f} | {listed} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
