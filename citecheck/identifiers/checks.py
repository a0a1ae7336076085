"""Checks on a citation's identifiers that need no network: ISBN and DOI syntax."""

from __future__ import annotations

from citecheck.identifiers.doi import normalize_doi
from citecheck.identifiers.isbn import isbn_problem
from citecheck.models import Check, Level, Reference


def identifier_checks(reference: Reference) -> tuple[Check, ...]:
    """`isbn_invalid` for a malformed ISBN, `doi_invalid` for something that is no DOI."""
    checks: list[Check] = []
    for kind, value in reference.identifiers:
        if kind == "isbn" and (problem := isbn_problem(value)):
            checks.append(Check("isbn_invalid", Level.WARNING, problem))
        elif kind == "doi" and normalize_doi(value) is None:
            checks.append(
                Check("doi_invalid", Level.WARNING, f"{value!r} is not a DOI (10.NNNN/…)")
            )
    return tuple(checks)
