"""Check the links of a Markdown file with `Fetcher.fetch_many` alone (no CLI, no
store): what links_vs_lychee.py --direct runs, to measure the fetcher by itself.

    python benchmarks/fetch_direct.py FILE.md OUT.json --host-concurrency 10 --max-concurrency 128

URLs are streamed from the file (a generator), results written as they come, so the
process holds neither list: its peak memory is the fetcher's.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from pathlib import Path

from citecheck.fetch import Fetcher, FetchOptions

LINK = re.compile(r"\]\((http[^)\s]+)\)")


def urls_in(path: Path) -> Iterator[str]:
    with path.open() as lines:
        for line in lines:
            yield from LINK.findall(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("markdown", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--host-concurrency", type=int, default=10)
    parser.add_argument("--max-concurrency", type=int, default=128)
    args = parser.parse_args()
    options = FetchOptions(
        allow_private=True,
        host_concurrency=args.host_concurrency,
        max_concurrency=args.max_concurrency,
    )
    with Fetcher(options) as fetcher, args.out.open("w") as out:
        out.write('{"links": [\n')
        for number, fetch in enumerate(fetcher.fetch_many(urls_in(args.markdown), need_body=False)):
            separator = ",\n" if number else ""
            out.write(separator + json.dumps({"url": fetch.url, "status": fetch.status.value}))
        out.write("\n]}\n")


if __name__ == "__main__":
    main()
