"""What a renderer may be told besides the report itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

if TYPE_CHECKING:  # the store loads sqlite-utils: only needed for type checking here
    from citecheck.store.history import RunPoint


@dataclass(frozen=True)
class RenderOptions:
    """`datasette_url`: where `citecheck serve` runs, so the HTML report can link each
    claim and reference to its rows; `history`: run totals for the "over runs" chart."""

    datasette_url: str | None = None
    datasette_database: str = "citecheck"
    history: list[RunPoint] | None = None

    def datasette_rows(self, table: str, **filters: str | int) -> str | None:
        """The Datasette page of `table` filtered to the given column values, or None."""
        if not self.datasette_url:
            return None
        base = f"{self.datasette_url}/{quote(self.datasette_database)}/{quote(table)}"
        return f"{base}?{urlencode({k: str(v) for k, v in filters.items()})}"


NO_OPTIONS = RenderOptions()
