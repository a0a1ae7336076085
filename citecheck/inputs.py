"""Turn the command line's inputs into documents: files, folders, stdin, live Wikipedia
articles (URLs, `wiki:LANG:Title`, or titles with a language)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import requests
from msgspec.structs import replace

from citecheck.documents import EXTENSIONS, parse_text, read_document
from citecheck.errors import InputError
from citecheck.models import Document, InputFailure
from citecheck.wikipedia import MediaWikiClient, is_article_input

# Extensions picked up when a folder is given: every one the readers know but .json
# (most .json files in a folder are not bibliographies); single files of any name are tried.
DOCUMENT_SUFFIXES = frozenset(EXTENSIONS) - {".json"}
# Among .json files in a folder only CSL-JSON ones are documents: ask for the double suffix.
_FOLDER_DOUBLE_SUFFIXES = (".csl.json",)
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__"})


def _is_document(path: Path) -> bool:
    name = path.name.lower()
    return path.suffix.lower() in DOCUMENT_SUFFIXES or name.endswith(_FOLDER_DOUBLE_SUFFIXES)


def expand_inputs(inputs: Sequence[str]) -> Iterator[str]:
    """Yield document paths: files as given, folders walked (sorted), "-" for stdin;
    article URLs and `wiki:LANG:Title` pass through."""
    for item in inputs:
        if item == "-" or is_article_input(item):
            yield item
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part in _SKIPPED_DIRS for part in child.parts):
                    continue
                if child.is_file() and _is_document(child):
                    yield str(child)
        else:
            yield item


def read_titles_file(path: str) -> list[str]:
    """Titles or article URLs, one a line; blank lines and `#` comments are skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def article_document(client: MediaWikiClient, title_or_url: str, lang: str) -> Document:
    """A live article as a wikitext Document whose source is the permalink of its revision."""
    revision = client.fetch_wikitext(title_or_url, lang=lang)
    document = parse_text(revision.wikitext, revision.permalink, kind="wikitext")
    return replace(document, title=revision.title, subject=document.subject or revision.title)


def load_documents(
    inputs: Sequence[str],
    *,
    wiki: str | None = None,
    titles: Sequence[str] = (),
    mediawiki_api: str | None = None,
    session: requests.Session | None = None,
    user_agent: str | None = None,
    min_interval: float = 1.0,
) -> tuple[list[Document], list[InputFailure]]:
    """Read every input, then every title (in language `wiki`, default "en").

    One unreadable document or missing article never stops the others. Articles are
    fetched one at a time through one client, so the API's rate limit holds for the batch.
    """
    documents: list[Document] = []
    failures: list[InputFailure] = []
    client: MediaWikiClient | None = None
    lang = wiki or "en"

    def fetch(item: str) -> None:
        nonlocal client
        if client is None:
            client = MediaWikiClient(
                api_url=mediawiki_api,
                session=session,
                user_agent=user_agent,
                min_interval=min_interval,
            )
        try:
            documents.append(article_document(client, item, lang))
        except InputError as error:
            failures.append(InputFailure(item, error.message))

    for source in expand_inputs(inputs):
        if is_article_input(source) or (mediawiki_api and source.startswith("http")):
            fetch(source)
            continue
        try:
            documents.append(read_document(source))
        except InputError as error:
            failures.append(InputFailure(source, error.message))
    for title in titles:
        fetch(title)
    return documents, failures
