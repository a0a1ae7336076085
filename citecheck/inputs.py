"""Turn the command line's INPUT arguments into documents: files, folders, stdin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from citecheck.documents import read_document
from citecheck.errors import InputError
from citecheck.models import Document

# Extensions picked up when a folder is given; single files of any name are tried.
DOCUMENT_SUFFIXES = frozenset({".txt", ".wiki", ".wikitext", ".mediawiki", ".md", ".markdown"})
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__"})


@dataclass(frozen=True)
class InputFailure:
    """A document that could not be read: the run goes on without it."""

    source: str
    message: str


def expand_inputs(inputs: list[str]) -> Iterator[str]:
    """Yield document paths: files as given, folders walked (sorted), "-" for stdin."""
    for item in inputs:
        if item == "-":
            yield item
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part in _SKIPPED_DIRS for part in child.parts):
                    continue
                if child.is_file() and child.suffix.lower() in DOCUMENT_SUFFIXES:
                    yield str(child)
        else:
            yield item


def load_documents(inputs: list[str]) -> tuple[list[Document], list[InputFailure]]:
    """Read every input; one unreadable document never stops the others."""
    documents: list[Document] = []
    failures: list[InputFailure] = []
    for source in expand_inputs(inputs):
        try:
            documents.append(read_document(source))
        except InputError as error:
            failures.append(InputFailure(source, error.message))
    return documents, failures
