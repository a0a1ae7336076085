"""How long rendering and comparing take for a large audit.

    .venv/bin/python benchmarks/report_history.py [REFERENCES]

Stores two runs of one document with REFERENCES references and claims (default
2000) in a temporary database, then times `Store.compare_runs`, `Store.load_report`,
`Store.run_history` and the HTML, Markdown and CSV renderers. Prints one line per step.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from citecheck.models import (
    Claim,
    Document,
    Evidence,
    Fetch,
    LinkStatus,
    Reference,
    ReferenceResult,
    Verdict,
    VerdictLabel,
)
from citecheck.reports import render, render_files
from citecheck.store import Store

STATUSES = (LinkStatus.OK, LinkStatus.OK, LinkStatus.OK, LinkStatus.BROKEN, LinkStatus.TIMEOUT)
VERDICTS = tuple(VerdictLabel)


def store_run(store: Store, size: int, shift: int) -> int:
    refs = tuple(
        Reference(id=f"r{n}", marker=str(n), url=f"https://site{n % 97}.example/p/{n}",
                  title=f"Source {n}")
        for n in range(size)
    )
    claims = tuple(Claim(id=f"c{n}", text=f"Claim {n} about a bridge.", markers=(str(n),))
                   for n in range(size))
    run_id = store.start_run("check", {})
    document_id = store.save_document(run_id, Document("big.wiki", "wikitext", references=refs,
                                                       claims=claims))
    for n, ref in enumerate(refs):
        fetch = Fetch(url=ref.url or "", status=STATUSES[(n + shift) % len(STATUSES)])
        store.save_reference_result(run_id, document_id, ReferenceResult(ref, fetch))
        store.save_verdict(run_id, document_id, Verdict(
            f"c{n}", ref.id, VERDICTS[(n + shift) % len(VERDICTS)], 0.5,
            evidence=(Evidence("The bridge opened in 2019 after years of work.", 0.5),)))
    store.finish_run(run_id)
    return run_id


def timed(label: str, action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = action()
    print(f"{label:<28} {time.perf_counter() - start:8.3f} s")
    return result


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.db") as store:
        first = timed(f"store run 1 ({size} refs)", lambda: store_run(store, size, 0))
        second = timed(f"store run 2 ({size} refs)", lambda: store_run(store, size, 1))
        diff = timed("compare_runs", lambda: store.compare_runs(first, second))
        print(f"  {len(diff.new_problems)} new problems, {len(diff.fixed)} fixed, "
              f"{len(diff.changed_verdicts)} verdicts changed")
        report = timed("load_report", lambda: store.load_report(second))
        timed("run_history", lambda: store.run_history())
        html = timed("render html", lambda: render(report, "html"))
        md = timed("render md", lambda: render(report, "md"))
        timed("render csv (3 files)", lambda: render_files(report, "csv"))
        print(f"  html {len(html) / 1e6:.1f} MB, md {len(md):,} characters")


if __name__ == "__main__":
    main()
