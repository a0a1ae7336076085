"""`citecheck archive INPUT`: dead links with their captures and the exact fixes;
`--fix` writes a fixed copy, `--save` asks Save Page Now for pages with no capture."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from citecheck.archive import (
    MementoArchives,
    SavePageNow,
    SaveStatus,
    timegate_from_spec,
    wayback_base_url,
)
from citecheck.archive.save import ACCESS_KEY_ENV, DEFAULT_SAVES_PER_MINUTE, SECRET_KEY_ENV
from citecheck.archive.validate import CHECK_NAMES as ARCHIVE_LINK_CHECKS
from citecheck.cli.options import Seconds, build_run_options, parse_formats, run_options
from citecheck.cli.output import finish, progress_bar
from citecheck.documents import parse_text
from citecheck.errors import UsageError
from citecheck.fixes import Fix, fix_document
from citecheck.fixes.plan import ReferenceOutcome, outcomes_from_report, plan_fixes
from citecheck.models import ArchiveStatus, Capture, Document, Level, Reference
from citecheck.pipeline import Network, RunOptions, is_http_url, run_check
from citecheck.store import Store

Echo = Callable[[str], None]


@click.command()
@click.argument("input_path", metavar="INPUT")
@click.option(
    "--fix",
    "write_fix",
    is_flag=True,
    help="Write a fixed copy (INPUT.fixed.EXT beside it, or --output).",
)
@click.option("--in-place", is_flag=True, help="With --fix: overwrite INPUT itself.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --fix: where the fixed copy goes.",
)
@click.option(
    "--save",
    is_flag=True,
    help="Ask Save Page Now to capture live cited pages that have no capture.",
)
@click.option(
    "--ia-access-key",
    envvar=ACCESS_KEY_ENV,
    help=f"Internet Archive access key for --save [env {ACCESS_KEY_ENV}].",
)
@click.option(
    "--ia-secret-key",
    envvar=SECRET_KEY_ENV,
    help=f"Internet Archive secret key for --save [env {SECRET_KEY_ENV}].",
)
@click.option(
    "--saves-per-minute",
    type=click.FloatRange(min=0.1, max=15),
    default=DEFAULT_SAVES_PER_MINUTE,
    show_default=True,
    help="At most this many Save Page Now requests a minute.",
)
@click.option(
    "--save-poll-interval",
    type=Seconds(min=0),
    default=5.0,
    show_default=True,
    help="Seconds between polls of a Save Page Now job.",
)
@click.option(
    "--memento",
    "timegates",
    multiple=True,
    help="Also ask this Memento TimeGate for dead links the Wayback Machine lacks: "
    "archive.today, ukwa, arquivo.pt, loc, NAME=URL or a URL; repeatable.",
)
@run_options
def archive(
    input_path: str,
    write_fix: bool,
    in_place: bool,
    output: Path | None,
    save: bool,
    ia_access_key: str | None,
    ia_secret_key: str | None,
    saves_per_minute: float,
    save_poll_interval: float,
    timegates: tuple[str, ...],
    **params: Any,
) -> None:
    """Dead links of INPUT with their archived captures and the exact fix for each."""
    formats = parse_formats(params["formats"])
    options = build_run_options(params)
    if (in_place or output) and not write_fix:
        raise click.UsageError("--in-place and --output go with --fix")
    if in_place and output:
        raise click.UsageError("--in-place and --output exclude each other")
    if input_path == "-" or Path(input_path).is_dir():
        raise click.UsageError("archive takes one document file (not stdin, not a folder)")
    if save and (options.replay or options.fetch.offline):
        raise click.UsageError("--save needs the network: not with --replay or --offline")
    gates = [timegate_from_spec(spec) for spec in timegates]
    saver = _saver(
        save, ia_access_key, ia_secret_key, saves_per_minute, save_poll_interval, options
    )
    text = _read_input(input_path) if write_fix else None

    with progress_bar(params["quiet"]) as progress:
        outcome = run_check([input_path], options, progress)
    documents = outcome.report.get("documents") or []
    if not documents:
        for failure in outcome.input_failures:
            click.echo(f"citecheck: error: {failure.source}: {failure.message}", err=True)
        sys.exit(2)
    code = finish(outcome, formats, params["out"], params["quiet"])

    document_json = dict(documents[0])
    document = _document(input_path, text, document_json)
    outcomes = outcomes_from_report(document_json)
    network = Network(options)
    memento = (
        MementoArchives(gates, timeout=options.fetch.timeout, user_agent=options.fetch.user_agent)
        if gates
        else None
    )
    echo: Echo = click.echo
    try:
        if memento is not None:
            outcomes = _ask_timegates(document, outcomes, memento)
        planned = plan_fixes(document, outcomes)
        _print_dead_links(document, outcomes, dict((r.id, f) for r, f in planned), echo)
        if _print_archive_link_checks(document_json, echo):
            code = max(code, 1)  # a wrong archive link is a problem to fix
        if saver is not None:
            _save_missing(document, outcomes, network, saver, options, echo)
    finally:
        network.close()
        if memento is not None:
            memento.close()
        if saver is not None:
            saver.close()
    if write_fix and text is not None:
        target = Path(input_path) if in_place else output or _fixed_path(input_path)
        _write_fixed(text, document.kind, [fix for _, fix in planned], target, echo)
    sys.exit(code)


def _saver(
    save: bool,
    access: str | None,
    secret: str | None,
    per_minute: float,
    poll_interval: float,
    options: RunOptions,
) -> SavePageNow | None:
    if not save:
        return None
    if not access or not secret:
        raise UsageError(
            f"--save needs Internet Archive keys: --ia-access-key/--ia-secret-key, or "
            f"{ACCESS_KEY_ENV} and {SECRET_KEY_ENV}"
        )
    return SavePageNow(
        wayback_base_url(options.wayback_url),
        access,
        secret,
        timeout=max(options.fetch.timeout, 30.0),
        user_agent=options.fetch.user_agent,
        saves_per_minute=per_minute,
        poll_interval=poll_interval,
    )


def _read_input(path: str) -> str:
    """The document's exact text (newlines untouched), for the fixed copy."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: --fix needs a UTF-8 document") from None


def _document(path: str, text: str | None, document_json: dict[str, Any]) -> Document:
    """The parsed document: from the text already read, else from the file again."""
    if text is None:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    return parse_text(text, path, document_json.get("kind"))


def _fixed_path(path: str) -> Path:
    source = Path(path)
    return source.with_name(f"{source.stem}.fixed{source.suffix}")


def _ask_timegates(
    document: Document, outcomes: dict[str, ReferenceOutcome], memento: MementoArchives
) -> dict[str, ReferenceOutcome]:
    """Dead links the Wayback Machine has no capture of, asked of the other archives."""
    updated = dict(outcomes)
    for reference in document.references:
        outcome = outcomes.get(reference.id)
        if outcome is None or not outcome.link.is_dead() or not is_http_url(reference.url):
            continue
        if outcome.capture is not None and outcome.capture.status is ArchiveStatus.FOUND:
            continue
        found = memento.closest(reference.url or "", reference.access_date or reference.date)
        if found.status is ArchiveStatus.FOUND:
            updated[reference.id] = ReferenceOutcome(outcome.link, found, outcome.link_error)
    return updated


def _describe_capture(capture: Capture | None) -> str:
    if capture is None:
        return "not looked up"
    if capture.status is ArchiveStatus.FOUND:
        return f"capture {capture.timestamp} ({capture.archive}) {capture.url}"
    if capture.status is ArchiveStatus.UNKNOWN:
        return f"archive unknown: {capture.error or 'could not ask'}"
    return "no capture"


def _print_dead_links(
    document: Document,
    outcomes: dict[str, ReferenceOutcome],
    fixes: dict[str, Fix],
    echo: Echo,
) -> None:
    dead = [r for r in document.references if r.id in outcomes and outcomes[r.id].link.is_dead()]
    echo(f"{document.source}: {len(dead)} dead link(s), {len(fixes)} fix(es)")
    for reference in dead:
        outcome = outcomes[reference.id]
        detail = outcome.link_error or outcome.link.value
        echo(f"  [{reference.marker}] {reference.url}: dead ({detail})")
        if reference.archive_url:
            echo(f"      already archived: {reference.archive_url}")
        else:
            echo(f"      {_describe_capture(outcome.capture)}")
        fix = fixes.get(reference.id)
        if fix is not None:
            echo(f"      fix: {fix.text}")


def _print_archive_link_checks(document_json: dict[str, Any], echo: Echo) -> bool:
    """The archive links citations already carry, as the run validated them (the
    pipeline checks them for every report); True when one is wrong."""
    wrong = False
    for reference in document_json.get("references", []):
        for check in reference.get("checks", []):
            if check.get("name") in ARCHIVE_LINK_CHECKS:
                echo(
                    f"  [{reference.get('marker')}] {check.get('level')}: "
                    f"{check.get('name')}: {check.get('message')}"
                )
                wrong = wrong or check.get("level") == Level.ERROR.value
    return wrong


def _save_missing(
    document: Document,
    outcomes: dict[str, ReferenceOutcome],
    network: Network,
    saver: SavePageNow,
    options: RunOptions,
    echo: Echo,
) -> None:
    """Live cited pages with no capture at all: ask Save Page Now, record the result."""
    wayback = network.wayback
    if wayback is None:
        echo("save: skipped (archive lookups are off)")
        return
    with Store(options.db) as store:
        for reference in _live_http_references(document, outcomes):
            url = reference.url or ""
            wanted = reference.access_date or reference.date
            known = outcomes[reference.id].capture
            capture = known if known is not None else wayback.closest(url, wanted)
            if capture.status is not ArchiveStatus.NOT_FOUND:
                continue  # archived already, or the archive could not say: not saved
            result = saver.save(url)
            where = f" {result.capture_url}" if result.capture_url else ""
            why = f" ({result.message})" if result.message else ""
            echo(f"  save {url}: {result.status.value}{where}{why}")
            saved = result.capture()
            if result.status is SaveStatus.SUCCESS and saved is not None:
                store.save_capture(saved, wanted)


def _live_http_references(
    document: Document, outcomes: dict[str, ReferenceOutcome]
) -> list[Reference]:
    seen: set[str] = set()
    chosen: list[Reference] = []
    for reference in document.references:
        outcome = outcomes.get(reference.id)
        if outcome is None or not outcome.link.is_success() or not is_http_url(reference.url):
            continue
        if reference.archive_url or (reference.url or "") in seen:
            continue
        seen.add(reference.url or "")
        chosen.append(reference)
    return chosen


def _write_fixed(text: str, kind: str, fixes: list[Fix], target: Path, echo: Echo) -> None:
    outcome = fix_document(text, kind, fixes)
    try:
        target.write_bytes(outcome.text.encode("utf-8"))
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    echo(f"fixed copy: {target} ({len(outcome.applied)} fix(es) applied)")
    for fix in outcome.not_applied:
        echo(f"  not applied (no matching citation found): {fix.original_url}")
