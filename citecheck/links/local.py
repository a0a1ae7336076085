"""Local targets: does the file or folder exist, and does it define the `#fragment`?

Anchors a target defines, by kind:
- Markdown: headings slugified like GitHub (lowercase, punctuation dropped, each
  space a dash, "-1", "-2" for repeats), `{#id}` heading attributes, and the ids
  and `<a name>`s of raw HTML;
- HTML: every `id`, and the `name` of every `<a>`;
- reStructuredText: section titles and `.. _name:` targets, as docutils makes ids;
- wikitext: headings (spaces as underscores), `{{anchor|...}}` and HTML ids.
Other files (plain text, code...) have no anchors we can know: their fragments are
not checked. GitHub's line anchors (`#L10`, `#L10-L20`) are accepted everywhere.
"""

from __future__ import annotations

import html
import os
import re
import threading
import time
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from citecheck.links.collect import detect_link_kind
from citecheck.links.extract.markdown import markdown_parser
from citecheck.links.model import Link, LinkResult
from citecheck.models import LinkStatus

# A folder's fragment refers to the page forges and site generators render for it.
FOLDER_PAGES = ("README.md", "readme.md", "index.md", "index.html", "README.rst", "index.rst")
MAX_ANCHOR_FILE_BYTES = 50 * 2**20  # larger targets: fragments not checked
_LINE_ANCHOR = re.compile(r"^L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?$")
_HEADING_ATTRIBUTE = re.compile(r"\s*\{#(?P<id>[^}\s]+)[^}]*\}\s*$")


def url2pathname(url_path: str) -> str:
    """urllib.request.url2pathname without importing urllib.request (it loads
    http.client, email and ssl: ~15 ms of start-up): nturl2path's on Windows, else
    unquote, as urllib.request defines it."""
    if os.name == "nt":
        from nturl2path import url2pathname as nt_url2pathname

        return nt_url2pathname(url_path)
    return unquote(url_path)


class FragmentCache:
    """The anchors of each target, parsed once; safe to share between threads."""

    def __init__(self) -> None:
        self._anchors: dict[Path, set[str] | None] = {}
        self._lock = threading.Lock()

    def anchors(self, path: Path) -> set[str] | None:
        """The target's anchors, or None when its kind has none we can know."""
        key = path.absolute()
        with self._lock:
            if key in self._anchors:
                return self._anchors[key]
        found = _anchors_or_unknown(key)
        with self._lock:
            self._anchors[key] = found
        return found


def check_local(
    link: Link, *, check_fragments: bool = True, cache: FragmentCache | None = None
) -> LinkResult:
    """OK when the file or folder exists (and defines the fragment); else BROKEN."""
    started = time.perf_counter()

    def result(status: LinkStatus, error: str | None = None) -> LinkResult:
        elapsed = (time.perf_counter() - started) * 1000
        return LinkResult(link, status, error=error, elapsed_ms=round(elapsed, 3))

    parts = urlsplit(link.url)
    if parts.scheme != "file":
        return result(LinkStatus.INVALID, f"not a local file URL: {link.url}")
    fragment = unquote(parts.fragment)
    wanted = "" if not check_fragments or _LINE_ANCHOR.match(fragment) else fragment
    in_memory = _TEXT_ANCHORS.get(link.url.partition("#")[0])
    if in_memory is not None:  # stdin: no file behind its URL, only its anchors
        return result(*_fragment_verdict(wanted, *in_memory))
    path_text = url2pathname(parts.path)
    if any(ord(char) < 32 or ord(char) == 127 for char in path_text):
        return result(LinkStatus.INVALID, "control character in the link's path")
    path = Path(path_text)
    try:
        exists = path.exists()
    except (OSError, ValueError) as error:
        return result(LinkStatus.INVALID, f"cannot check this path: {error}")
    if not exists:
        return result(LinkStatus.BROKEN, f"file not found: {_shown(path)}")
    if not wanted:
        return result(LinkStatus.OK)
    target = _folder_page(path) if path.is_dir() else path
    if target is None:
        return result(LinkStatus.OK)  # a folder with no page: nothing defines anchors
    anchors = (cache or FragmentCache()).anchors(target)
    return result(*_fragment_verdict(wanted, anchors, detect_link_kind(str(target), "")))


def _fragment_verdict(
    fragment: str, anchors: set[str] | None, kind: str
) -> tuple[LinkStatus, str | None]:
    """BROKEN when the anchors are known and miss `fragment` ("": nothing to look for)."""
    if not fragment or anchors is None or fragment_in(fragment, anchors, kind):
        return LinkStatus.OK, None
    return LinkStatus.BROKEN, f"fragment not found: #{fragment}"


# Documents read into memory, not from a file (stdin): URL -> (anchors, kind). Stdin is
# read once a run and its URL is fixed, so a later read replaces the entry: no growth.
_TEXT_ANCHORS: dict[str, tuple[set[str] | None, str]] = {}


def remember_text_anchors(url: str, text: str, kind: str) -> None:
    """Check `url#fragment` links against the anchors of `text` (no file behind `url`)."""
    _TEXT_ANCHORS[url] = (_anchors_of_text(text, kind), kind)


def anchors_of(path: Path) -> set[str]:
    """The fragment targets `path` defines (empty when its kind has none we know)."""
    return _anchors_or_unknown(path) or set()


def remote_fragment_ok(body: bytes, content_type: str | None, fragment: str) -> bool:
    """Whether a fetched page defines `fragment` (pages whose anchors we cannot know: True)."""
    fragment = unquote(fragment)
    if not fragment or _LINE_ANCHOR.match(fragment):
        return True
    media_type = (content_type or "").partition(";")[0].strip().lower()
    text = body.decode(_charset(content_type) or "utf-8", errors="replace")
    if media_type in ("text/html", "application/xhtml+xml"):
        kind = "html"
    elif media_type in ("text/markdown", "text/x-markdown"):
        kind = "markdown"
    elif not media_type:
        kind = detect_link_kind("", text)
    else:
        return True
    anchors = _anchors_of_text(text, kind)
    return anchors is None or fragment_in(fragment, anchors, kind)


def anchors_page(body: bytes, content_type: str | None) -> bytes | None:
    """An HTML page reduced to its anchors: a tiny HTML page defining just them, which
    `remote_fragment_ok` reads as it reads the page (a crawl keeps thousands of these,
    not the pages). None for a page of another kind."""
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if media_type not in ("text/html", "application/xhtml+xml"):
        return None
    text = body.decode(_charset(content_type) or "utf-8", errors="replace")
    ids = sorted(_html_anchors(text))
    return "".join(f'<a id="{html.escape(anchor, quote=True)}"></a>' for anchor in ids).encode()


def fragment_in(fragment: str, anchors: set[str], kind: str) -> bool:
    """Matching as browsers and forges do: as written or decoded; GitHub's prefix and
    case-insensitive heading links for Markdown; underscores for spaces on wikis."""
    candidates = {fragment, unquote(fragment)}
    candidates |= {c.removeprefix("user-content-") for c in candidates}
    if kind == "html":
        candidates |= {f"user-content-{c}" for c in candidates}  # GitHub-rendered pages
    if kind == "markdown":
        candidates |= {c.lower() for c in candidates}
    if kind == "wikitext":
        candidates |= {c.replace(" ", "_") for c in candidates}
    return bool(candidates & anchors)


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type or "", re.I)
    if match is None:
        return None
    try:
        "".encode(match.group(1))
    except LookupError:
        return None
    return match.group(1)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _folder_page(folder: Path) -> Path | None:
    for name in FOLDER_PAGES:
        if (folder / name).is_file():
            return folder / name
    return None


def _anchors_or_unknown(path: Path) -> set[str] | None:
    kind = detect_link_kind(str(path), "")
    if kind == "plaintext":
        return None
    try:
        if path.stat().st_size > MAX_ANCHOR_FILE_BYTES:
            return None
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    return _anchors_of_text(text, kind)


def _html_anchors(text: str) -> set[str]:
    # imported with the first page read for anchors: html.parser is start-up that a
    # run without #fragments in local links never needs
    from citecheck.links.extract.html import html_anchors

    return html_anchors(text)


def _anchors_of_text(text: str, kind: str) -> set[str] | None:
    if kind == "markdown":
        return markdown_anchors(text)
    if kind == "html":
        return _html_anchors(text)
    if kind == "rst":
        return rst_anchors(text)
    if kind == "wikitext":
        return wikitext_anchors(text)
    return None


# --- Markdown ----------------------------------------------------------------------------


def github_slug(heading: str) -> str:
    """GitHub's heading id (github-slugger): lowercase, keep letters, marks, digits,
    connector punctuation ("_"), dashes and spaces, then each space becomes a dash."""
    return "".join(char for char in heading.lower() if _slug_keeps(char)).replace(" ", "-")


def _slug_keeps(char: str) -> bool:
    category = unicodedata.category(char)
    return char in " -" or category[0] in "LMN" or category == "Pc"


class _Slugger:
    """Repeated headings get "-1", "-2"... as on GitHub."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def slug(self, heading: str) -> str:
        base = github_slug(heading)
        slug = base
        while slug in self._seen:
            self._seen[base] += 1
            slug = f"{base}-{self._seen[base]}"
        self._seen[slug] = 0
        return slug


def markdown_anchors(text: str) -> set[str]:
    anchors: set[str] = set()
    slugger = _Slugger()
    tokens = markdown_parser().parse(text, {})
    for position, token in enumerate(tokens):
        if token.type == "html_block":
            anchors |= _html_anchors(token.content)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "html_inline":
                    anchors |= _html_anchors(child.content)
            if position and tokens[position - 1].type == "heading_open":
                heading = "".join(
                    child.content
                    for child in token.children or []
                    if child.type in ("text", "code_inline")
                )
                attribute = _HEADING_ATTRIBUTE.search(heading)
                if attribute is not None:
                    anchors.add(attribute.group("id"))
                    heading = heading[: attribute.start()]
                anchors.add(slugger.slug(heading.strip()))
    return anchors


# --- reStructuredText --------------------------------------------------------------------

_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`*+#:._!$%&,;<>?@\\|/(){}\[\]])\1+\s*$")
_RST_TARGET = re.compile(r"^\s*\.\.\s+_(?P<name>(?:[^:\\`]|\\.)+|`[^`]+`):\s*(?:\S.*)?$")


def docutils_id(name: str) -> str:
    """The id docutils (and Sphinx) give a section or target (docutils.nodes.make_id)."""
    text = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", " ".join(text.split()))
    return re.sub(r"^[-0-9]+|-+$", "", text)


def rst_anchors(text: str) -> set[str]:
    anchors: set[str] = set()
    lines = text.split("\n")
    for index, line in enumerate(lines):
        target = _RST_TARGET.match(line)
        if target is not None:
            name = target.group("name").strip("`")
            anchors |= {docutils_id(name), " ".join(name.lower().split())}
            continue
        title = line.strip()
        if not title or index + 1 >= len(lines) or _RST_UNDERLINE.match(line):
            continue
        underline = lines[index + 1].rstrip()
        if _RST_UNDERLINE.match(underline) and len(underline) >= len(title):
            anchors.add(docutils_id(title))
    anchors.discard("")
    return anchors


# --- wikitext ----------------------------------------------------------------------------

_WIKI_HEADING = re.compile(r"^(={1,6})\s*(?P<title>.+?)\s*\1\s*$", re.M)
_WIKI_ANCHOR = re.compile(r"\{\{\s*[Aa]nchors?\s*\|(?P<names>[^}]*)\}\}")


def wikitext_anchors(text: str) -> set[str]:
    anchors = _html_anchors(text)
    for match in _WIKI_HEADING.finditer(text):
        anchors.add(match.group("title").replace(" ", "_"))
    for match in _WIKI_ANCHOR.finditer(text):
        for name in match.group("names").split("|"):
            if name.strip():
                anchors.add(name.strip().replace(" ", "_"))
    return anchors
