"""How fast `collect_links` reads Markdown: links/s on generated 5,000- and 50,000-link files.

Two shapes of file: "list" is what benchmarks/links_vs_lychee.py checks (one bullet
list, one link per item); "docs" is a README-like mix of headings, prose with inline
links, images, autolinks, bare URLs, reference definitions, code spans and fenced
code. Nothing is fetched: this times reading, parsing and resolving only. With
--memory, each file is also collected once in a fresh interpreter, for the peak RSS
of collection alone (links are streamed, and a long file is parsed a chunk at a time:
it should not grow much with the link count).

    .venv/bin/python benchmarks/extract_speed.py --rounds 5 --memory
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from citecheck.links.collect import CollectOptions, collect_links
from citecheck.links.model import Link


def list_markdown(count: int) -> str:
    lines = ["# Links\n\n"]
    for index in range(count):
        lines.append(f"- [link {index}](http://127.0.0.{index % 50 + 1}:8080/ok/r-{index})\n")
    return "".join(lines)


def docs_markdown(count: int) -> str:
    """About `count` links, 5 per section, in varied Markdown."""
    parts: list[str] = []
    for section in range(count // 5):
        host = f"site{section % 50}.example"
        parts.append(
            f"## Section {section}\n\n"
            f"Read the [guide](https://{host}/guide/{section}) and see "
            f'![figure](images/fig-{section}.png "Figure") for details;\n'
            f"the `https://{host}/code-span` is code. Mail <https://{host}/auto/{section}>.\n"
            f"More at https://{host}/bare/{section}. Also [ref {section}][r{section}].\n\n"
            f"[r{section}]: https://{host}/ref/{section}\n\n"
        )
        if section % 10 == 0:
            parts.append(f"```sh\ncurl https://{host}/fenced/{section}\n```\n\n")
    return "".join(parts)


def time_collect(path: Path, rounds: int) -> tuple[float, int]:
    """Median seconds of `collect_links` over `rounds`, and the links found."""
    times: list[float] = []
    found = 0
    for _ in range(rounds):
        started = time.perf_counter()
        found = sum(isinstance(item, Link) for item in collect_links([str(path)], CollectOptions()))
        times.append(time.perf_counter() - started)
    return statistics.median(times), found


# Run in a fresh interpreter: imports citecheck, collects every link of one file, and
# prints its own peak RSS in KiB before and after. VmHWM, not ru_maxrss: on Linux a
# child's ru_maxrss starts at its parent's RSS at fork, which would hide its own.
_MEASURE_PEAK = """
import resource, sys
from citecheck.links.collect import CollectOptions, collect_links
import citecheck.links.extract.markdown_fast as fast

def peak_kib():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

fast._parser()
before = peak_kib()
count = sum(1 for _ in collect_links([sys.argv[1]], CollectOptions()))
print(before, peak_kib(), count)
"""


def peak_rss_mib(path: Path) -> tuple[float, float]:
    """(RSS after imports, peak RSS after collecting `path`) in MiB, in a fresh process."""
    output = subprocess.run(
        [sys.executable, "-c", _MEASURE_PEAK, str(path)],
        cwd=path.parent,  # not the checkout: PYTHONPATH picks the citecheck to measure
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(output[0]) / 1024, int(output[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--memory", action="store_true", help="also peak RSS, fresh process")
    args = parser.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    with tempfile.TemporaryDirectory() as folder:
        for shape, generate in (("list", list_markdown), ("docs", docs_markdown)):
            for size in args.sizes:
                path = Path(folder) / f"{shape}-{size}.md"
                path.write_text(generate(size), encoding="utf-8")
                seconds, found = time_collect(path, args.rounds)
                memory = ""
                if args.memory:
                    base, peak = peak_rss_mib(path)
                    memory = f", peak RSS {peak:.0f} MiB ({peak - base:+.0f} over imports)"
                print(
                    f"{shape:>4} {size:>6} links: {found:>6} found, median {seconds:.3f} s, "
                    f"{found / seconds:,.0f} links/s{memory}"
                )


if __name__ == "__main__":
    main()
