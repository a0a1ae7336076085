"""Run history: what got worse and what got better between two runs, and link health over runs.

Runs over documents are compared reference by reference (keyed by document source
and reference id) and verdict by verdict (document, claim id, reference id). Runs
that fetched links without documents (`citecheck links`) are compared URL by URL,
on the last fetch of each URL in the run.

A *problem* is what makes `check` exit 1: a dead link with no archive copy, or a
claim its source does not support. `new_problems` are problems in the new run that
the old run did not have (a reference or claim that is new counts: it was not a
problem before), which is what `--fail-on new` fails on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from citecheck.models import LinkStatus, VerdictLabel
from citecheck.store.tables import (
    CLAIMS,
    DOCUMENTS,
    FETCHES,
    REFERENCE_RESULTS,
    REFS,
    RUNS,
    VERDICTS,
)
from citecheck.summary import is_dead_without_archive

if TYPE_CHECKING:
    from sqlite_utils import Database  # imported only where a Store has made one

DEAD_LINK = "dead_link"
NOT_SUPPORTED = "not_supported"
# Best first: a verdict moving right in this list got worse.
_VERDICT_RANK = {
    VerdictLabel.SUPPORTED.value: 0,
    VerdictLabel.PARTIALLY_SUPPORTED.value: 1,
    VerdictLabel.UNVERIFIABLE.value: 2,
    VerdictLabel.NOT_SUPPORTED.value: 3,
}


@dataclass(frozen=True)
class Change:
    """One thing that differs between two runs.

    `kind` is dead_link or not_supported for problems, link or verdict for changes,
    reference for references added or removed. `before`/`after` are the status or
    verdict in each run (None: absent from that run).
    """

    kind: str
    key: str  # reference id, "claim id / reference id", or the URL for link-only runs
    document: str | None = None
    label: str | None = None  # the reference's title, or the claim's text
    url: str | None = None
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class RunDiff:
    old_run_id: int
    new_run_id: int
    by: str  # "documents" or "urls"
    new_problems: tuple[Change, ...] = ()
    fixed: tuple[Change, ...] = ()  # problems of the old run the new run no longer has
    changed_links: tuple[Change, ...] = ()  # every link status change
    changed_verdicts: tuple[Change, ...] = ()
    new_references: tuple[Change, ...] = ()
    removed_references: tuple[Change, ...] = ()
    worse_verdicts: tuple[Change, ...] = field(default=(), repr=False)

    @property
    def worse(self) -> bool:
        """True when the new run has a problem the old one did not, or a verdict fell."""
        return bool(self.new_problems or self.worse_verdicts)

    @property
    def better(self) -> bool:
        return bool(self.fixed) or any(
            _rank(c.after) < _rank(c.before) for c in self.changed_verdicts
        )

    @property
    def unchanged(self) -> bool:
        return not (
            self.new_problems
            or self.fixed
            or self.changed_links
            or self.changed_verdicts
            or self.new_references
            or self.removed_references
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("worse_verdicts")
        out["worse"] = self.worse
        out["better"] = self.better
        return out


@dataclass(frozen=True)
class RunPoint:
    """One run's totals, for the "link health over runs" chart."""

    run_id: int
    command: str
    started_at: str
    status: str
    links: dict[str, int]  # LinkStatus value -> count
    verdicts: dict[str, int]


def _rank(verdict: str | None) -> int:
    return _VERDICT_RANK.get(verdict or "", -1)


# -- reading one run ---------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    document: str | None
    key: str
    url: str | None
    label: str | None
    status: str | None
    archive_status: str | None

    @property
    def is_problem(self) -> bool:
        return is_dead_without_archive(self.status, self.archive_status)


@dataclass(frozen=True)
class _Verdict:
    document: str
    key: str
    label: str
    url: str | None
    verdict: str


def _reference_links(db: Database, run_id: int) -> dict[tuple[str, str], _Link]:
    rows = db.execute(
        f"""
        select d.source, f.ref_id, f.marker, f.url, f.title, r.link_status, r.archive_status
        from {DOCUMENTS} d
        join {REFS} f on f.document_id = d.id
        left join {REFERENCE_RESULTS} r
          on r.run_id = d.run_id and r.document_id = d.id and r.reference_id = f.ref_id
        where d.run_id = ?
        order by d.id, f.position
        """,
        [run_id],
    ).fetchall()
    return {
        (source, ref_id): _Link(
            document=source,
            key=ref_id,
            url=url,
            label=f"[{marker}] {title or url or 'untitled'}",
            status=status if status is not None else (None if url else LinkStatus.NO_URL.value),
            archive_status=archive,
        )
        for source, ref_id, marker, url, title, status, archive in rows
    }


def _url_links(db: Database, run_id: int) -> dict[tuple[str, str], _Link]:
    """The last fetch of each URL in a run that fetched without documents."""
    rows = db.execute(
        f"""
        select url, status from {FETCHES}
        where id in (select max(id) from {FETCHES} where run_id = ? group by url)
        order by url
        """,
        [run_id],
    ).fetchall()
    return {
        ("", url): _Link(None, url, url, url, status, archive_status=None) for url, status in rows
    }


def _verdicts(db: Database, run_id: int) -> dict[tuple[str, str], _Verdict]:
    rows = db.execute(
        f"""
        select d.source, v.claim_id, v.reference_id, v.verdict, c.text, v.source_url
        from {VERDICTS} v
        join {DOCUMENTS} d on d.id = v.document_id
        left join {CLAIMS} c on c.document_id = v.document_id and c.claim_id = v.claim_id
        where v.run_id = ?
        order by v.id
        """,
        [run_id],
    ).fetchall()
    found: dict[tuple[str, str], _Verdict] = {}
    for source, claim_id, reference_id, verdict, text, source_url in rows:
        key = f"{claim_id} / {reference_id or source_url or '?'}"
        found[(source, key)] = _Verdict(source, key, text or claim_id, source_url, verdict)
    return found


def _has_documents(db: Database, run_id: int) -> bool:
    row = db.execute(f"select 1 from {DOCUMENTS} where run_id = ? limit 1", [run_id]).fetchone()
    return row is not None


# -- comparing ---------------------------------------------------------------------


def _link_change(kind: str, link: _Link, before: str | None, after: str | None) -> Change:
    return Change(kind, link.key, link.document, link.label, link.url, before, after)


def _verdict_change(kind: str, verdict: _Verdict, before: str | None, after: str | None) -> Change:
    return Change(kind, verdict.key, verdict.document, verdict.label, verdict.url, before, after)


def compare_runs(db: Database, old_run_id: int, new_run_id: int) -> RunDiff:
    """What changed from `old_run_id` to `new_run_id` (see the module docstring)."""
    by_documents = _has_documents(db, old_run_id) or _has_documents(db, new_run_id)
    read = _reference_links if by_documents else _url_links
    old_links, new_links = read(db, old_run_id), read(db, new_run_id)
    new_problems: list[Change] = []
    fixed: list[Change] = []
    changed_links: list[Change] = []
    added: list[Change] = []
    removed: list[Change] = []
    for key, now in new_links.items():
        was = old_links.get(key)
        before = was.status if was else None
        if now.is_problem and not (was and was.is_problem):
            new_problems.append(_link_change(DEAD_LINK, now, before, now.status))
        if was is None:
            if by_documents:
                added.append(_link_change("reference", now, None, now.status))
        elif was.status != now.status:
            changed_links.append(_link_change("link", now, was.status, now.status))
        if was is not None and was.is_problem and not now.is_problem:
            fixed.append(_link_change(DEAD_LINK, now, was.status, now.status))
    # A reference (or URL) no longer there is removed, not fixed.
    for key, was in old_links.items():
        if key not in new_links and by_documents:
            removed.append(_link_change("reference", was, was.status, None))

    old_verdicts, new_verdicts = _verdicts(db, old_run_id), _verdicts(db, new_run_id)
    changed_verdicts: list[Change] = []
    worse_verdicts: list[Change] = []
    for key, now_v in new_verdicts.items():
        was_v = old_verdicts.get(key)
        before = was_v.verdict if was_v else None
        if now_v.verdict == NOT_SUPPORTED and before != NOT_SUPPORTED:
            new_problems.append(_verdict_change(NOT_SUPPORTED, now_v, before, now_v.verdict))
        if was_v is not None and was_v.verdict != now_v.verdict:
            change = _verdict_change("verdict", now_v, was_v.verdict, now_v.verdict)
            changed_verdicts.append(change)
            if _rank(now_v.verdict) > _rank(was_v.verdict):
                worse_verdicts.append(change)
            if was_v.verdict == NOT_SUPPORTED:
                fixed.append(_verdict_change(NOT_SUPPORTED, now_v, was_v.verdict, now_v.verdict))
    return RunDiff(
        old_run_id=old_run_id,
        new_run_id=new_run_id,
        by="documents" if by_documents else "urls",
        new_problems=tuple(new_problems),
        fixed=tuple(fixed),
        changed_links=tuple(changed_links),
        changed_verdicts=tuple(changed_verdicts),
        new_references=tuple(added),
        removed_references=tuple(removed),
        worse_verdicts=tuple(worse_verdicts),
    )


# -- finding runs ------------------------------------------------------------------


def run_history(db: Database, up_to: int | None = None, limit: int = 30) -> list[RunPoint]:
    """Link and verdict totals of the last `limit` runs (up to run `up_to`), oldest first.

    Runs over documents count their references' link statuses; runs without
    documents count the last fetch of each URL.
    """
    bound = up_to if up_to is not None else 2**62
    runs = db.execute(
        f"select id, command, started_at, status from {RUNS} where id <= ?"
        " order by id desc limit ?",
        [bound, limit],
    ).fetchall()
    points = []
    for run_id, command, started_at, status in reversed(runs):
        links = _reference_links(db, run_id) or _url_links(db, run_id)
        link_counts = Counter(link.status or "pending" for link in links.values())
        verdict_counts = Counter(v.verdict for v in _verdicts(db, run_id).values())
        points.append(
            RunPoint(
                run_id=int(run_id),
                command=command,
                started_at=started_at,
                status=status,
                links=dict(sorted(link_counts.items())),
                verdicts=dict(sorted(verdict_counts.items())),
            )
        )
    return points
