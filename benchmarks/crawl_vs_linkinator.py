"""`citecheck links --recursive` against linkinator's `--recurse` on one local site.

A fictional site of N HTML pages on 127.0.0.1 (an aiohttp server in a process of its
own, latency injected with asyncio.sleep): page i links to a few other pages, and
every tenth page to a page that is not there (404). Both checkers crawl it from its
folder (linkinator follows only URLs that start with the one it is given) with the
same concurrency and must find the same broken links. Reports
the median wall time, the peak RSS and the ratio. lychee cannot crawl (its issue #78).

    npm install --prefix /tmp/linkinator linkinator@7.6.1
    .venv/bin/python benchmarks/crawl_vs_linkinator.py --pages 1000 --latency 20 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from links_vs_lychee import CITECHECK, run_measured  # a sibling script, not a package

LINKS_PER_PAGE = 4


def page_links(index: int, pages: int) -> list[str]:
    """The hrefs of page `index`: a few pages further on (every page is reached), and
    on every tenth page a page that does not exist."""
    hrefs = [f"p{(index * 7 + k + 1) % pages}.html" for k in range(LINKS_PER_PAGE)]
    hrefs.append(f"p{(index + 1) % pages}.html")  # a chain through all: none unreachable
    if index % 10 == 0:
        hrefs.append(f"missing{index}.html")
    return hrefs


def serve(pages: int, latency_ms: float, ports_file: Path) -> None:
    """Run the site (in its own process) until killed; writes its port to `ports_file`."""
    import asyncio

    from aiohttp import web

    async def handle(request: web.Request) -> web.Response:
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000)
        name = request.match_info["name"] or "p0.html"  # the folder: the first page
        if not name.startswith("p") or not name.endswith(".html"):
            return web.Response(status=404, text="Not Found")
        try:
            index = int(name[1:-5])
        except ValueError:
            return web.Response(status=404, text="Not Found")
        if not 0 <= index < pages:
            return web.Response(status=404, text="Not Found")
        anchors = "".join(f"<li><a href='{href}'>{href}</a></li>"
                          for href in page_links(index, pages))
        body = f"<html><head><title>Page {index}</title></head><body><ul>{anchors}</ul></body>"
        return web.Response(text=body + "</html>", content_type="text/html")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/site/{name:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port = runner.addresses[0][1]
        ports_file.write_text(json.dumps({"port": port}))
        await asyncio.Event().wait()

    asyncio.run(main())


def start_site(pages: int, latency_ms: float, folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    ports_file = folder / "port.json"
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(pages),
                               str(latency_ms), str(ports_file)])
    for _ in range(300):
        if ports_file.exists() and ports_file.stat().st_size:
            return server, int(json.loads(ports_file.read_text())["port"])
        time.sleep(0.05)
    server.kill()
    raise SystemExit("the site did not start")


def citecheck_broken(report: Path) -> set[str]:
    return {link["url"] for link in json.loads(report.read_text())["links"]
            if link["status"] == "broken"}


def linkinator_broken(report: Path) -> set[str]:
    return {link["url"] for link in json.loads(report.read_text())["links"]
            if link["state"] == "BROKEN"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=20.0, help="ms per answer")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--linkinator", default="/tmp/linkinator/node_modules/.bin/linkinator")
    parser.add_argument("--only", choices=("citecheck", "linkinator"), help="run one checker")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), float(args.serve[1]), Path(args.serve[2]))
        return 0
    linkinator = args.linkinator if Path(args.linkinator).exists() else shutil.which("linkinator")
    if linkinator is None and args.only != "citecheck":
        print("linkinator is not installed; install it with:\n"
              "  npm install --prefix /tmp/linkinator linkinator@7.6.1")
        return 0
    expected = {f"missing{i}.html" for i in range(0, args.pages, 10)}
    times: dict[str, list[float]] = {"citecheck": [], "linkinator": []}
    memory: dict[str, list[float]] = {"citecheck": [], "linkinator": []}
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        folder = Path(tmp)
        server, port = start_site(args.pages, args.latency, folder)
        # the folder: linkinator crawls only URLs that start with the one it is given
        start = f"http://127.0.0.1:{port}/site/"
        try:
            for _ in range(args.rounds):
                if args.only != "linkinator":
                    problems += run_citecheck(start, folder, args, expected, times, memory)
                if args.only != "citecheck" and linkinator is not None:
                    problems += run_linkinator(linkinator, start, folder, args, expected,
                                               times, memory)
        finally:
            server.terminate()
            server.wait()
    print(f"\n{args.pages} pages ({args.pages * (LINKS_PER_PAGE + 1)} links, "
          f"{len(expected)} broken), latency {args.latency:g} ms, "
          f"concurrency {args.concurrency}, {args.rounds} rounds\n")
    print("| checker | median wall s | all rounds s | peak RSS MiB |")
    print("|---|---|---|---|")
    for name in ("citecheck", "linkinator"):
        if times[name]:
            rounds = ", ".join(f"{t:.2f}" for t in times[name])
            print(f"| {name} | {statistics.median(times[name]):.2f} | {rounds} "
                  f"| {max(memory[name]):.0f} |")
    if times["citecheck"] and times["linkinator"]:
        ratio = statistics.median(times["citecheck"]) / statistics.median(times["linkinator"])
        print(f"\nratio citecheck / linkinator (median wall time): {ratio:.2f}")
    print(f"runs that did not find exactly the broken links: {len(problems)}")
    for line in problems[:5]:
        print("  " + line)
    return 1 if problems else 0


Times = dict[str, list[float]]


def run_citecheck(start: str, folder: Path, args: argparse.Namespace, expected: set[str],
                  times: Times, memory: Times) -> list[str]:
    report = folder / "citecheck.json"
    wall, rss = run_measured(
        [str(CITECHECK), "links", start, "--recursive", "--allow-private", "--no-cache", "-q",
         "--format", "json", "--output", str(report), "--host-concurrency",
         str(args.concurrency), "--max-retries", "0"],
        folder,
    )
    times["citecheck"].append(wall)
    memory["citecheck"].append(rss)
    found = {url.rsplit("/", 1)[1] for url in citecheck_broken(report)}
    return [] if found == expected else [f"citecheck: {len(found)} of {len(expected)} broken"]


def run_linkinator(linkinator: str, start: str, folder: Path, args: argparse.Namespace,
                   expected: set[str], times: Times, memory: Times) -> list[str]:
    out = folder / "linkinator.json"
    wall, rss = run_measured(
        [linkinator, start, "--recurse", "--concurrency", str(args.concurrency),
         "--format", "json"], folder, stdout=out,
    )
    times["linkinator"].append(wall)
    memory["linkinator"].append(rss)
    found = {url.rsplit("/", 1)[1] for url in linkinator_broken(out)}
    return [] if found == expected else [f"linkinator: {len(found)} of {len(expected)} broken"]


if __name__ == "__main__":
    raise SystemExit(main())
