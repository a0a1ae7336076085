"""Datasette metadata for a citecheck database: what each table means, its facets,
and the canned queries a person auditing the results asks first. No I/O here."""

from __future__ import annotations

from typing import Any

from citecheck.models import LinkStatus, VerdictLabel
from citecheck.store.tables import (
    BODIES,
    CAPTURES,
    CLAIMS,
    DOCUMENTS,
    FETCHES,
    LINK_RESULTS,
    REFERENCE_RESULTS,
    REFS,
    RUNS,
    VERDICT_RESULTS,
    VERDICTS,
)

_DEAD = ", ".join(f"'{s.value}'" for s in LinkStatus if s.is_dead())
# An empty :run means "the latest run that has results".
_RUN = "coalesce(cast(nullif(:run, '') as integer), (select max(run_id) from {table}))"

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "dead_links_without_archive": {
        "title": "Dead links with no archive copy",
        "description": "References whose link is dead (broken, soft 404, unreachable, timed"
        " out) and for which no archived copy was found. Leave run empty for the latest run.",
        "sql": f"""
select run_id, document, marker, title, url, domain, link_status, http_status, error,
       archive_status
from {LINK_RESULTS}
where run_id = {_RUN.format(table=REFERENCE_RESULTS)}
  and link_status in ({_DEAD})
  and coalesce(archive_status, '') != 'found'
order by document, marker
""".strip(),
    },
    "unsupported_claims": {
        "title": "Claims their source does not support",
        "description": "Verdicts of not_supported, with the claim and the cited source."
        " Leave run empty for the latest run.",
        "sql": f"""
select run_id, document, claim_id, claim, reference_id, source_title, url, domain, score,
       missing
from {VERDICT_RESULTS}
where run_id = {_RUN.format(table=VERDICTS)}
  and verdict = '{VerdictLabel.NOT_SUPPORTED.value}'
order by document, claim_id
""".strip(),
    },
    "anachronisms": {
        "title": "Anachronisms",
        "description": "Sources older than the event the claim dates (the `anachronism`"
        " check). Leave run empty for the latest run.",
        "sql": f"""
select v.run_id, v.document, v.claim_id, v.claim, v.reference_id, v.source_title, v.url,
       json_extract(c.value, '$.message') as message
from {VERDICT_RESULTS} v, json_each(v.checks) c
where v.run_id = {_RUN.format(table=VERDICTS)}
  and json_extract(c.value, '$.name') = 'anachronism'
order by v.document, v.claim_id
""".strip(),
    },
    "domains_by_failure_rate": {
        "title": "Domains by failure rate",
        "description": "Every fetch ever recorded, per domain: how many were dead"
        " (broken, soft 404, unreachable, timed out), worst first.",
        "sql": f"""
select domain, count(*) as fetches, count(distinct url) as urls,
       sum(status in ({_DEAD})) as failures,
       round(1.0 * sum(status in ({_DEAD})) / count(*), 3) as failure_rate
from {FETCHES}
where domain is not null
group by domain
having failures > 0
order by failure_rate desc, failures desc, domain
""".strip(),
    },
}

_TABLES: dict[str, dict[str, Any]] = {
    RUNS: {
        "title": "Runs",
        "description": "Every run of citecheck, kept for history and comparison.",
        "facets": ["command", "status"],
        "sort_desc": "id",
    },
    DOCUMENTS: {"title": "Documents", "description": "The documents each run read.",
                "facets": ["kind"]},
    REFS: {"title": "References", "description": "Every reference of every document read.",
           "facets": ["domain", "kind"]},
    CLAIMS: {"title": "Claims", "description": "Sentences carrying citation markers."},
    REFERENCE_RESULTS: {
        "title": "Reference results",
        "description": "Per run and reference: link status, archive capture and checks.",
        "facets": ["link_status", "archive_status"],
    },
    VERDICTS: {
        "title": "Verdicts",
        "description": "Does the cited source say what the claim says? One row per claim"
        " and source, per run.",
        "facets": ["verdict"],
    },
    LINK_RESULTS: {
        "title": "Links, per run",
        "description": "Reference results joined with their document and reference:"
        " one row per reference per run.",
        "facets": ["link_status", "domain", "archive_status"],
    },
    VERDICT_RESULTS: {
        "title": "Verdicts, per run",
        "description": "Verdicts joined with their claim text and cited source.",
        "facets": ["verdict", "domain"],
    },
    FETCHES: {
        "title": "Fetch history",
        "description": "Every fetch of every URL, oldest first; failures are never reused.",
        "facets": ["status", "domain", "via"],
    },
    CAPTURES: {"title": "Archive lookups", "description": "Wayback Machine lookups, cached.",
               "facets": ["status"]},
    BODIES: {"hidden": True},
    "schema_migrations": {"hidden": True},
}


def build_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for a citecheck database served under the name `database`."""
    return {
        "title": "citecheck results",
        "description": "Runs, references, link checks and verdicts recorded by citecheck.",
        "databases": {
            database: {
                "title": "citecheck",
                "tables": _TABLES,
                "queries": CANNED_QUERIES,
            }
        },
    }
