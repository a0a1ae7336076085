"""Browsing the database in Datasette: metadata (titles, descriptions, facets) and
canned queries. Datasette itself is an optional extra (`pip install 'citecheck[serve]'`)."""

from citecheck.serve.metadata import CANNED_QUERIES, build_metadata
from citecheck.serve.runner import DatasetteMissing, datasette_command, require_datasette

__all__ = [
    "CANNED_QUERIES",
    "DatasetteMissing",
    "build_metadata",
    "datasette_command",
    "require_datasette",
]
