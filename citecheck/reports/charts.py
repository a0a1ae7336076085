"""Small inline-SVG charts for the HTML report: no script, no external file, prints as drawn.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` that spells
every number out, so a screen reader gets the data, not the picture. Every label
goes through `markupsafe.escape` (labels are domains and document titles).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from citecheck.reports.view import humanize, ordered_counts

# One colour per status or verdict, dark enough for white gaps and a 3:1 contrast
# against the page; statuses of one family share a hue.
PALETTE: dict[str, str] = {
    "ok": "#0f6b2f",
    "redirected": "#3f8f55",
    "supported": "#0f6b2f",
    "partially_supported": "#b26b00",
    "broken": "#a3161b",
    "soft_404": "#c93a45",
    "unreachable": "#6e0b10",
    "timeout": "#d4623e",
    "not_supported": "#a3161b",
    "blocked": "#b26b00",
    "pending": "#8a6d00",
    "excluded": "#5b6470",
    "invalid": "#7a828c",
    "unsupported": "#6d4bb8",
    "no_url": "#8c96a3",
    "unverifiable": "#5b6470",
}
_DEFAULT_COLOUR = "#22406e"
_LABEL_WIDTH = 170
_BAR_WIDTH = 300
_ROW_HEIGHT = 22
_COUNT_WIDTH = 50


def colour(key: str) -> str:
    return PALETTE.get(key, _DEFAULT_COLOUR)


@dataclass(frozen=True)
class Row:
    label: str
    counts: Mapping[str, int]


def _shorten(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(rows: Sequence[Row], order: tuple[str, ...]) -> str:
    parts = []
    for row in rows:
        counts = ", ".join(f"{humanize(k)} {n}" for k, n in ordered_counts(row.counts, order))
        parts.append(f"{row.label}: {counts or 'none'}")
    return "; ".join(parts)


def stacked_chart(
    chart_id: str, title: str, rows: Sequence[Row], order: tuple[str, ...], legend: bool = True
) -> Markup:
    """One horizontal bar per row, split by key; every bar scaled to the largest total."""
    if not rows:
        return Markup('<p class="small">{}: none yet.</p>').format(title)
    largest = max((sum(r.counts.values()) for r in rows), default=0) or 1
    height = _ROW_HEIGHT * len(rows) + 4
    width = _LABEL_WIDTH + _BAR_WIDTH + _COUNT_WIDTH
    parts = [
        Markup(
            '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc"'
            ' viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        ).format(id=chart_id, w=width, h=height, title=title, desc=_describe(rows, order))
    ]
    keys_seen: list[str] = []
    for index, row in enumerate(rows):
        y = index * _ROW_HEIGHT + 2
        parts.append(
            Markup('<text x="0" y="{y}" class="chart-label"><title>{full}</title>{short}</text>')
            .format(y=y + 14, full=row.label, short=_shorten(row.label))
        )
        x = float(_LABEL_WIDTH)
        total = 0
        for key, count in ordered_counts(row.counts, order):
            if key not in keys_seen:
                keys_seen.append(key)
            w = _BAR_WIDTH * count / largest
            parts.append(
                Markup(
                    '<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="16" fill="{fill}"'
                    ' data-key="{key}"><title>{label}: {count}</title></rect>'
                ).format(x=x, y=y, w=max(w, 1.5), fill=colour(key), key=key,
                         label=humanize(key), count=count)
            )
            x += w
            total += count
        parts.append(
            Markup('<text x="{x:.1f}" y="{y}" class="chart-count">{total}</text>')
            .format(x=x + 6, y=y + 14, total=total)
        )
    parts.append(Markup("</svg>"))
    if legend:
        parts.append(Markup('<ul class="legend" aria-hidden="true">'))
        for key in keys_seen:
            parts.append(
                Markup('<li><span class="swatch" style="background:{fill}"></span>{label}</li>')
                .format(fill=colour(key), label=humanize(key))
            )
        parts.append(Markup("</ul>"))
    return Markup("").join(parts)


def bar_chart(
    chart_id: str, title: str, counts: Sequence[tuple[str, int]], order: tuple[str, ...]
) -> Markup:
    """One bar per key (a status or a verdict), its count at its end."""
    rows = [Row(humanize(key), {key: count}) for key, count in counts]
    if not rows:
        return Markup('<p class="small">{}: none yet.</p>').format(title)
    return stacked_chart(chart_id, title, rows, order, legend=False)
