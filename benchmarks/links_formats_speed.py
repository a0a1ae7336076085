"""How long each `citecheck links` output format takes for a report of N links.

The results look like a loopback benchmark run's (50 hosts; ok, broken, redirected,
blocked, soft-404; a redirect chain on some), and are held in a tuple: this times
the formats only, not spilling or reading back. Output goes to an in-memory buffer.

    .venv/bin/python benchmarks/links_formats_speed.py --links 5000 --rounds 7
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from citecheck.links.formats import FORMATS, LinksReport, write
from citecheck.links.model import Link, LinkResult, Origin
from citecheck.models import LinkStatus, Redirect

ROOT = Path("/srv/bench")

_KINDS = (
    (LinkStatus.OK, 200, None),
    (LinkStatus.BROKEN, 404, "HTTP 404"),
    (LinkStatus.REDIRECTED, 200, None),
    (LinkStatus.BLOCKED, 429, "HTTP 429"),
    (LinkStatus.SOFT_404, 200, 'soft 404: page title says "Not found"'),
)


def sample_results(count: int) -> tuple[LinkResult, ...]:
    results = []
    for index in range(count):
        status, http_status, error = _KINDS[index % len(_KINDS)]
        url = f"http://127.0.0.{index % 50 + 1}:8080/ok/r-{index}"
        redirects = (Redirect(url, 301),) if status is LinkStatus.REDIRECTED else ()
        link = Link(url, Origin(f"{ROOT}/links.md", index + 3, 3), written=url)
        results.append(
            LinkResult(link, status, http_status=http_status, final_url=url + "/final",
                       redirects=redirects, error=error, elapsed_ms=round(50 + index * 0.013, 3),
                       from_cache=index % 7 == 0)
        )
    return tuple(results)


def time_format(report: LinksReport, fmt: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        out = io.StringIO()
        started = time.perf_counter()
        write(report, fmt, out)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--format", dest="formats", action="append", choices=sorted(FORMATS))
    args = parser.parse_args()
    report = LinksReport(results=sample_results(args.links), elapsed_ms=1234.0, root=ROOT)
    for fmt in args.formats or list(FORMATS):
        seconds = time_format(report, fmt, args.rounds)
        print(f"{fmt:<9} {args.links} links: {seconds * 1000:7.1f} ms (median of {args.rounds})")


if __name__ == "__main__":
    main()
