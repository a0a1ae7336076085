"""Put a Document together and hold it to the contract every parser shares:
each marker a claim carries names a Reference of the same Document."""

from __future__ import annotations

from collections.abc import Iterable

from msgspec.structs import replace

from citecheck.models import Claim, Document, Reference


def _unique_ids(references: Iterable[Reference]) -> list[Reference]:
    """Two labels can slugify alike ("A B", "a-b"): later ones get "-2", "-3"."""
    out: list[Reference] = []
    seen: set[str] = set()
    for ref in references:
        ref_id, suffix = ref.id, 2
        while ref_id in seen:
            ref_id, suffix = f"{ref.id}-{suffix}", suffix + 1
        seen.add(ref_id)
        out.append(ref if ref_id == ref.id else replace(ref, id=ref_id))
    return out


def assemble(
    *,
    source: str,
    kind: str,
    references: Iterable[Reference],
    claims: Iterable[Claim],
    problems: Iterable[str] = (),
    title: str | None = None,
    subject: str | None = None,
    id_for_missing: dict[str, str] | None = None,
) -> Document:
    """Build the Document; a marker with no reference gets an empty stand-in and a problem.

    The stand-in (no URL, `extra` says "undefined") keeps the claim tied to something
    the reports can show as "cited but never defined", instead of losing the citation.
    `id_for_missing` gives the ids (and marks as already noted) of markers the parser knows
    to be undefined.
    """
    refs = _unique_ids(references)
    claim_list = list(claims)
    notes = list(problems)
    known = {ref.marker for ref in refs}
    ids = {ref.id for ref in refs}
    for claim in claim_list:
        for marker in claim.markers:
            if marker in known:
                continue
            ref_id = (id_for_missing or {}).get(marker) or f"ref-{marker}"
            while ref_id in ids:
                ref_id += "-undefined"
            refs.append(
                Reference(id=ref_id, marker=marker, extra=(("undefined", "true"),))
            )
            known.add(marker)
            ids.add(ref_id)
            if marker not in (id_for_missing or {}):  # the parser has noted those already
                notes.append(f"citation {marker!r} is used but has no reference entry")
    return Document(
        source=source,
        kind=kind,
        title=title,
        subject=subject,
        references=tuple(refs),
        claims=tuple(claim_list),
        problems=tuple(dict.fromkeys(notes)),
    )
