"""Inputs -> Links: files, folders, globs, URLs and stdin, each link with its origin.

How a link is turned into the URL that gets checked:

- absolute http(s) URLs as written (the `#fragment` dropped unless
  `include_fragments`); `//host/x` gets `https:`; other schemes (`mailto:`,
  `tel:`, `javascript:`, `data:`, ...) as written, for the checker to classify;
- everything else is a local target, an absolute `file://` URL (percent-decoded
  first, query dropped, `#fragment` always kept): relative to the document's
  folder, or, when it starts with `/`, to the *input root*: `root_dir` when given,
  else the folder given on the command line (for a file: its folder; for a glob:
  the folder before the first wildcard; for stdin: the current folder);
- on a page fetched from a URL, relative links are resolved against the page URL
  (or its `<base href>`), and same-page `#x` links are kept only with
  `include_fragments`;
- in stdin text, a same-text `#x` link becomes `STDIN_URL#x`, checked against the
  anchors of that text;
- empty links and a bare `#` are skipped.

A link with spaces or control characters is kept as written, so the checker can
report it INVALID. Folders are walked recursively for document-like files,
skipping `.git`, `node_modules` and what `.gitignore` files ignore (the ones in the
folder, below it, and above it up to the repository root); a glob's matches go
through the same rules, as a walk of its folder would see them. `exclude_paths` are
gitignore-style patterns, matched against each file's path as shown and relative
to its input root; they also apply to files and globs given explicitly.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import quote_from_bytes, unquote, urljoin, urlsplit

import msgspec

from citecheck.links.extract import RawLink, extract_links
from citecheck.links.model import Link, Origin
from citecheck.models import InputFailure

# pathspec and charset_normalizer (~25 and ~15 ms to load) are imported where used:
# most runs have no --exclude-path or .gitignore to read, and only UTF-8 text.
if TYPE_CHECKING:
    import pathspec

DOCUMENT_SUFFIXES: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rst": "rst",
    ".rest": "rst",
    ".txt": "plaintext",
    ".wiki": "wikitext",
    ".wikitext": "wikitext",
    ".mediawiki": "wikitext",
}
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__"})
_CONTENT_TYPE_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/x-rst": "rst",
    "text/prs.fallenstein.rst": "rst",
}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_URL_INPUT = re.compile(r"^https?://", re.I)
_GLOB_CHARS = frozenset("*?[")
# What a `#x` link in stdin text resolves to: the local check finds the text's anchors
# behind it (citecheck.links.local.remember_text_anchors), not a file.
STDIN_URL = "file:///dev/stdin"



# A Struct, not a dataclass: start-up cost, see citecheck/models.py (gc=False: no cycles).
class Page(msgspec.Struct, frozen=True, gc=False):
    """A page fetched for its links (a URL input, or a page of a crawled site)."""

    url: str  # where it was had, after redirects: what its relative links resolve against
    body: bytes
    content_type: str | None = None


# url -> its Page; raises (any exception, its text the reason) when it cannot be had
FetchPage = Callable[[str], Page]


# Structs, not dataclasses: start-up cost, see citecheck/models.py (gc=False: no cycles).
class CollectOptions(msgspec.Struct, frozen=True, gc=False):
    exclude_paths: tuple[str, ...] = ()  # --exclude-path: gitignore-style patterns
    respect_gitignore: bool = True  # folders, globs: skip what .gitignore ignores
    include_fragments: bool = False  # keep '#fragment' on remote URLs (local ones always kept)
    max_file_bytes: int = 50 * 2**20  # larger inputs: one InputProblem, not read
    root_dir: str | None = None  # what a leading "/" in a local link is relative to
    # --recursive: a URL input's site is crawled (citecheck.links.crawl)
    recursive: bool = False
    max_depth: int | None = None  # links followed from the input page; None: no limit
    max_pages: int = 10_000  # pages crawled at most per URL input
    crawl_concurrency: int = 4  # pages fetched at once while crawling


# An input that could not be read (missing, binary, too large...): the run goes on.
# The same value the document commands use, under the name this module has always used.
InputProblem = InputFailure


class _Document(msgspec.Struct, frozen=True, gc=False):
    source: str  # as shown in reports: the path as given/walked, the URL, or "-"
    path: Path | None  # the file on disk (None for URLs and stdin)
    root: Path  # the input root: what a leading "/" is relative to


def collect_links(
    inputs: Sequence[str],
    options: CollectOptions,
    *,
    fetch_page: FetchPage | None = None,
    stdin: IO[str] | None = None,
    crawl: Callable[[str], bool] | None = None,
) -> Iterator[Link | InputProblem]:
    """Every link of every input, in input order; problems in line, the run goes on.

    With `options.recursive`, `crawl` is asked once about each page of a URL input's
    site before it is crawled (None: every one in scope is)."""
    excluded = _PathFilter(options.exclude_paths)
    seen: set[Path] = set()
    for item in inputs:
        if item == "-":
            yield from _stdin_links(stdin if stdin is not None else sys.stdin, options)
        elif _URL_INPUT.match(item) and options.recursive:
            from citecheck.links.crawl import crawl_links  # imports this module

            yield from crawl_links(item, options, fetch_page, crawl)
        elif _URL_INPUT.match(item):
            yield from _page_links(item, options, fetch_page)
        else:
            for entry in _expand(item, options, excluded):
                if isinstance(entry, InputProblem):
                    yield entry
                    continue
                assert entry.path is not None
                key = entry.path.absolute()
                if key in seen:
                    continue
                seen.add(key)
                yield from _file_links(entry, options)


def is_url_input(item: str) -> bool:
    """Whether an input is an http(s) URL (its page fetched), not a path or a glob."""
    return _URL_INPUT.match(item) is not None


def detect_link_kind(path: str, text: str) -> str:
    """markdown | html | rst | plaintext | wikitext | sitemap: by extension, else by
    content (an XML sitemap by its root element, whatever its name)."""
    suffix = Path(urlsplit(path).path if _URL_INPUT.match(path) else path).suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return DOCUMENT_SUFFIXES[suffix]
    if _SITEMAP_SIGNS.match(text[:100_000]):
        return "sitemap"
    return _sniff_kind(text, default="plaintext")


# the prolog (XML declaration, processing instructions such as a stylesheet, comments,
# a DOCTYPE), then <urlset> or <sitemapindex> with any namespace prefix
# (each item ends at its first closing mark, and is taken whole: a text of many "<?"
# or "<!--" without the root after them fails in linear time, never by backtracking)
_SITEMAP_SIGNS = re.compile(
    r"\A\ufeff?\s*(?:(?:<\?(?:(?!\?>).)*+\?>|<!--(?:(?!-->).)*+-->|<!DOCTYPE[^>]*+>)\s*)*+"
    r"<(?:[\w.-]+:)?(?:urlset|sitemapindex)\b",
    re.S | re.I,
)
_GZIP_MAGIC = b"\x1f\x8b"


def is_sitemap(body: bytes) -> bool:
    """Whether a fetched body is an XML sitemap (or sitemap index), gzipped or not."""
    head = _gunzip(body, 64 * 1024) if body.startswith(_GZIP_MAGIC) else body[: 64 * 1024]
    return _SITEMAP_SIGNS.match(head.decode("utf-8", errors="replace")) is not None


def _gunzip(body: bytes, limit: int) -> bytes:
    """A gzipped body (a `sitemap.xml.gz`), at most `limit` bytes of it: a small file
    must not unpack into gigabytes."""
    import zlib

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, limit)
    except zlib.error:
        return body
_HTML_SIGNS = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html|<head|<body)", re.I)
_WIKI_SIGNS = re.compile(r"\[\[[^\]\n]+\]\]|\{\{[^}\n]+|^==+[^=\n]+==+\s*$|<ref[\s>]", re.M)
_RST_SIGNS = re.compile(r"^\.\.\s+(?:_[^:\n]+:|[\w-]+::)|`[^`\n]+<[^>\n]+>`__?", re.M)
_MARKDOWN_SIGNS = re.compile(r"\]\([^)\s]*\)|^#{1,6}\s|^```|^\[[^\]\n]+\]:\s|<https?://", re.M)


def _sniff_kind(text: str, default: str) -> str:
    head = text[:100_000]
    if _HTML_SIGNS.match(head):
        return "html"
    for kind, signs in (
        ("rst", _RST_SIGNS),
        ("wikitext", _WIKI_SIGNS),
        ("markdown", _MARKDOWN_SIGNS),
    ):
        if signs.search(head):
            return kind
    return default


# --- inputs -> documents -------------------------------------------------------------


def _expand(
    item: str, options: CollectOptions, excluded: _PathFilter
) -> Iterator[_Document | InputProblem]:
    path = Path(item)
    root_override = Path(options.root_dir) if options.root_dir else None
    if path.is_dir():
        root = root_override or path
        for file_path, shown in _walk_folder(path, options, excluded):
            yield _Document(shown, file_path, root)
    elif path.exists():
        if not excluded.matches(item, root_override or path.parent):
            yield _Document(item, path, root_override or path.parent)
    elif _GLOB_CHARS & set(item):
        matches = sorted(glob.glob(item, recursive=True))
        if not matches:
            yield InputProblem(item, "no files match this pattern")
        root = root_override or _glob_root(item)
        # the rules the walk of the glob's folder would apply, so that a glob never
        # reads what the same folder given on its own skips
        rules = _GitignoreRules(_glob_root(item)) if options.respect_gitignore else None
        for match in matches:
            match_path = Path(match)
            if rules is not None and rules.ignored(match_path, is_dir=match_path.is_dir()):
                continue
            if match_path.is_dir():
                for file_path, shown in _walk_folder(match_path, options, excluded):
                    yield _Document(shown, file_path, root)
            elif match_path.is_file() and not excluded.matches(match, root):
                yield _Document(match, match_path, root)
    else:
        yield InputProblem(item, "no such file or folder")


def _glob_root(pattern: str) -> Path:
    """The folder before the first wildcard: "docs/**/*.md" -> docs."""
    parts: list[str] = []
    for part in Path(pattern).parts:
        if _GLOB_CHARS & set(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


class _PathFilter:
    """--exclude-path: gitignore-style patterns."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._spec: pathspec.GitIgnoreSpec | None = None
        if patterns:
            import pathspec

            self._spec = pathspec.GitIgnoreSpec.from_lines(patterns)

    def matches(self, shown: str, root: Path, *, is_dir: bool = False) -> bool:
        if self._spec is None:
            return False
        suffix = "/" if is_dir else ""
        candidates = {Path(shown).as_posix().removeprefix("./")}
        with contextlib.suppress(ValueError):  # a path outside its root
            candidates.add(Path(shown).absolute().relative_to(root.absolute()).as_posix())
        return any(self._spec.match_file(candidate + suffix) for candidate in candidates)


_GitignoreChain = list[tuple[Path, "pathspec.GitIgnoreSpec"]]


def _load_gitignore(folder: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        lines = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ancestor_gitignores(folder: Path) -> _GitignoreChain:
    """The .gitignore files above `folder`, up to its repository root (none outside a repo)."""
    if (folder / ".git").exists():
        return []
    ancestors: list[Path] = []
    for parent in folder.parents:
        ancestors.append(parent)
        if (parent / ".git").exists():
            break
    else:
        return []
    chain: _GitignoreChain = []
    for parent in reversed(ancestors):
        spec = _load_gitignore(parent)
        if spec is not None:
            chain.append((parent, spec))
    return chain


def _gitignored(path: Path, is_dir: bool, chain: _GitignoreChain) -> bool:
    """The last matching pattern wins, deeper .gitignore files after shallower ones."""
    ignored = False
    for base, spec in chain:
        relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
        result = spec.check_file(relative)
        if result.include is not None:
            ignored = result.include
    return ignored


class _GitignoreRules:
    """The .gitignore rules met walking down from `top`: those above it up to the
    repository root, then each folder's own, deeper ones after shallower ones."""

    def __init__(self, top: Path) -> None:
        self.top = Path(os.path.abspath(top))
        self._chains: dict[Path, _GitignoreChain] = {}

    def chain(self, folder: Path) -> _GitignoreChain:
        """The rules for what is in `folder` (absolute; one not below `top` is a top)."""
        chain = self._chains.get(folder)
        if chain is None:
            if folder == self.top or self.top not in folder.parents:
                chain = _ancestor_gitignores(folder)
            else:
                chain = self.chain(folder.parent)
            spec = _load_gitignore(folder)
            if spec is not None:
                chain = [*chain, (folder, spec)]
            self._chains[folder] = chain
        return chain

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """Whether a walk from `top` would skip `path`: it, or a folder on the way, is
        ignored (an ignored folder is not entered, so nothing below it comes back)."""
        absolute = Path(os.path.abspath(path))
        try:
            parts = absolute.relative_to(self.top).parts
        except ValueError:  # not below top: its own folder's rules and those above
            parts = ()
        folder = self.top
        for part in parts[:-1]:
            if _gitignored(folder / part, True, self.chain(folder)):
                return True
            folder = folder / part
        return _gitignored(absolute, is_dir, self.chain(absolute.parent))


def _walk_folder(
    folder: Path, options: CollectOptions, excluded: _PathFilter
) -> Iterator[tuple[Path, str]]:
    """(path, path as shown) for each document-like file under `folder`, sorted."""
    top = Path(os.path.abspath(folder))
    rules = _GitignoreRules(top) if options.respect_gitignore else None
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        chain = rules.chain(here) if rules is not None else []
        kept: list[str] = []
        for name in sorted(dirnames):
            child = here / name
            shown = str(folder / child.relative_to(top))
            if name in SKIPPED_DIRS or _gitignored(child, True, chain):
                continue
            if excluded.matches(shown, folder, is_dir=True):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            child = here / name
            if Path(name).suffix.lower() not in DOCUMENT_SUFFIXES:
                continue
            shown = str(folder / child.relative_to(top))
            if _gitignored(child, False, chain) or excluded.matches(shown, folder):
                continue
            yield Path(shown), shown


# --- documents -> text -----------------------------------------------------------------


def _decode(data: bytes, declared: str | None = None) -> str | None:
    """Text from bytes: the declared charset, UTF-8, else the best guess; None if hopeless."""
    for encoding in (declared, "utf-8-sig"):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return None if best is None else str(best)


def _read_file(document: _Document, max_bytes: int) -> str | InputProblem:
    assert document.path is not None
    try:
        size = document.path.stat().st_size
        if size > max_bytes:
            return InputProblem(
                document.source, f"too large to read: {size} bytes (limit {max_bytes})"
            )
        data = document.path.read_bytes()
    except OSError as error:
        return InputProblem(document.source, f"cannot read: {error.strerror or error}")
    return _text_or_problem(document.source, data)


def _text_or_problem(source: str, data: bytes, declared: str | None = None) -> str | InputProblem:
    if b"\x00" in data[:8192]:
        return InputProblem(source, "binary file (contains NUL bytes): not a document")
    text = _decode(data, declared)
    if text is None:
        return InputProblem(source, "cannot decode the text (unknown character encoding)")
    return text


# --- text -> links ---------------------------------------------------------------------


def _links_of(
    kind: str, text: str, source: str, resolve: Callable[[RawLink], str | None]
) -> Iterator[Link | InputProblem]:
    """The links of one input, each resolved (None: not checked); a failure on odd input
    ends that input's links with an InputProblem saying so (the links before it stand),
    not the whole run."""
    try:
        for raw in extract_links(kind, text):
            url = resolve(raw)
            if url is not None:
                yield _link(url, raw, source)
    except Exception as error:  # a bug met on odd input: named, and the run goes on
        yield InputProblem(
            source, f"cannot read all its links ({kind}): {type(error).__name__}: {error}"
        )


def _file_links(document: _Document, options: CollectOptions) -> Iterator[Link | InputProblem]:
    text = _read_file(document, options.max_file_bytes)
    if isinstance(text, InputProblem):
        yield text
        return
    kind = detect_link_kind(document.source, text)
    resolver = LocalResolver(document.path, document.root, options.include_fragments)
    yield from _links_of(kind, text, document.source, resolver.resolve)


def _stdin_links(stream: IO[str], options: CollectOptions) -> Iterator[Link | InputProblem]:
    try:
        text = stream.read(options.max_file_bytes + 1)
    except (OSError, UnicodeDecodeError) as error:
        yield InputProblem("-", f"cannot read stdin: {error}")
        return
    if len(text) > options.max_file_bytes:
        yield InputProblem("-", f"too large to read: over {options.max_file_bytes} characters")
        return
    if "\x00" in text[:8192]:
        yield InputProblem("-", "binary input (contains NUL bytes): not a document")
        return
    root = Path(options.root_dir) if options.root_dir else Path.cwd()
    kind = detect_link_kind("-", text)
    resolver = LocalResolver(None, root, options.include_fragments, own_url=STDIN_URL)
    remembered = False

    def resolve(raw: RawLink) -> str | None:
        nonlocal remembered
        url = resolver.resolve(raw)
        # a `#x` of stdin itself: its anchors, worked out once from the text in hand,
        # are what the local check finds behind STDIN_URL (there is no file to read)
        if not remembered and url is not None and url.startswith(STDIN_URL + "#"):
            from citecheck.links.local import remember_text_anchors  # imports this module

            remember_text_anchors(STDIN_URL, text, kind)
            remembered = True
        return url

    yield from _links_of(kind, text, "-", resolve)


def fetch_input_page(page_url: str, fetch_page: FetchPage | None) -> Page | InputProblem:
    """A URL input's page, or why it could not be had (an input problem)."""
    if fetch_page is None:
        return InputProblem(page_url, "URL inputs need a fetcher (none was given)")
    try:
        return fetch_page(page_url)
    except Exception as error:  # the caller's fetcher: any failure is this input's problem
        return InputProblem(page_url, f"cannot fetch: {error}")


def _page_links(
    page_url: str, options: CollectOptions, fetch_page: FetchPage | None
) -> Iterator[Link | InputProblem]:
    page = fetch_input_page(page_url, fetch_page)
    if isinstance(page, InputProblem):
        yield page
        return
    yield from links_in_page(page_url, page, options)


def links_in_page(
    source: str, page: Page, options: CollectOptions, kind: str | None = None
) -> Iterator[Link | InputProblem]:
    """The links of a fetched page, resolved against where it was had (`page.url`),
    their origin `source` (the URL asked for). `kind` None: by content type, else by
    content."""
    body = page.body
    if body.startswith(_GZIP_MAGIC):  # a gzipped sitemap: served as application/gzip
        body = _gunzip(body, options.max_file_bytes + 1)
    if len(body) > options.max_file_bytes:
        yield InputProblem(source, f"too large to read: {len(body)} bytes")
        return
    media_type, charset = _parse_content_type(page.content_type)
    text = _text_or_problem(source, body, charset)
    if isinstance(text, InputProblem):
        yield text
        return
    kind = kind or _CONTENT_TYPE_KINDS.get(media_type) or detect_link_kind(page.url, text)
    base = page.url
    yield from _links_of(
        kind, text, source, lambda raw: resolve_in_page(raw, base, options.include_fragments)
    )


def is_html(content_type: str | None) -> bool:
    return _CONTENT_TYPE_KINDS.get(_parse_content_type(content_type)[0]) == "html"


def _parse_content_type(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    media_type, _, rest = content_type.partition(";")
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", rest, re.I)
    return media_type.strip().lower(), match.group(1) if match else None


def _link(url: str, raw: RawLink, source: str) -> Link:
    return Link(url, Origin(source, raw.line, raw.column), raw.written, raw.text, raw.element)


def _without_fragment(url: str, include_fragments: bool) -> str:
    if include_fragments or "#" not in url:
        return url
    return url.partition("#")[0]


_WEB_PREFIXES = ("https://", "http://")


class LocalResolver:
    """Resolves the links written in one local file (or stdin: `document` None).

    Built once per document, so what is the same for all its links (its folder and
    the input root as absolute paths, its own URL) is worked out once, not per link.
    """

    def __init__(
        self,
        document: Path | None,
        root: Path,
        include_fragments: bool = False,
        own_url: str | None = None,  # a document with no file (stdin): its `#x` links' URL
    ):
        self.document = document
        self.root = root
        self.include_fragments = include_fragments
        # As `Path.absolute()` then `os.path.normpath` would give them, for `_file_url`.
        self._folder = os.path.abspath(document.parent if document is not None else root)
        self._root = os.path.abspath(root)
        self._own_url = own_url

    def resolve(self, raw: RawLink) -> str | None:
        """The URL to check for `raw`; None for an empty link or a bare '#'."""
        written = raw.written
        if written.startswith(_WEB_PREFIXES):  # most links: no base, no local path
            if raw.base is None:
                return _without_fragment(written, self.include_fragments)
        elif not written or written == "#":
            return None
        if raw.base is not None:
            return _resolve_against_base(raw, written, self)
        return self.resolve_written(written)

    def resolve_written(self, written: str) -> str | None:
        if written.startswith("//"):
            return _without_fragment("https:" + written, self.include_fragments)
        scheme = _SCHEME.match(written)
        if scheme is not None:
            if scheme.group(0).lower() in ("http:", "https:"):
                return _without_fragment(written, self.include_fragments)
            return written  # file:, mailto:, tel:, javascript:, data:, ftp: ... as written
        path_part, hash_sign, fragment = written.partition("#")
        path_part = path_part.partition("?")[0]
        if path_part:
            url = self._file_url(path_part)
        elif self._own_url is not None:
            url = self._own_url
        elif self.document is not None:
            url = self._own_url = _path_url(os.path.abspath(self.document))
        else:
            return None  # no document to check its own fragments against
        return url + (f"#{fragment}" if hash_sign and fragment else "")

    def _file_url(self, path_part: str) -> str:
        decoded = unquote(path_part)
        if decoded.startswith("/"):
            return _path_url(os.path.normpath(os.path.join(self._root, decoded.lstrip("/"))))
        return _path_url(os.path.normpath(os.path.join(self._folder, decoded)))


def _path_url(absolute: str) -> str:
    """file:// URL of a normalised absolute path (`Path.as_uri`, without building a Path)."""
    if os.name == "posix":
        return "file://" + quote_from_bytes(os.fsencode(absolute))
    return Path(absolute).as_uri()


def _resolve_against_base(raw: RawLink, written: str, resolver: LocalResolver) -> str | None:
    """A link in an HTML file that declares a `<base href>`."""
    base = raw.base
    assert base is not None
    if not _SCHEME.match(base) and not base.startswith("//"):
        # A relative <base href>: relative to the document, like the links.
        base_dir = _local_path(base, resolver.document, resolver.root)
        in_base = LocalResolver(base_dir / "_", resolver.root, resolver.include_fragments)
        return in_base.resolve_written(written)
    written = urljoin("https:" + base if base.startswith("//") else base, written)
    return resolver.resolve_written(written)


def resolve_in_file(
    raw: RawLink, document: Path | None, root: Path, include_fragments: bool = False
) -> str | None:
    """The URL to check for a link written in a local file (or stdin: `document` None)."""
    return LocalResolver(document, root, include_fragments).resolve(raw)


def _local_path(written: str, document: Path | None, root: Path) -> Path:
    decoded = unquote(written)
    if decoded.startswith("/"):
        return root / decoded.lstrip("/")
    folder = document.parent if document is not None else root
    return folder / decoded


def resolve_in_page(raw: RawLink, page_url: str, include_fragments: bool = False) -> str | None:
    """The URL to check for a link written on a web page."""
    written = raw.written
    if not written or written == "#":
        return None
    if written.startswith("#") and not include_fragments:
        return None  # the page itself, already being checked
    base = urljoin(page_url, raw.base) if raw.base else page_url
    if _SCHEME.match(written) and not written.lower().startswith(("http:", "https:")):
        return written
    return _without_fragment(urljoin(base, written), include_fragments)
