"""bytes -> SourceText: the main text of a cited source, split into sentences, with
what the page says about itself (title, author, date, site name, language).

Only the main text may become evidence: sidebars, "popular posts" widgets, related
posts, comments, cookie banners, navigation and footers are pruned from HTML, and
plain text is cut at the boilerplate headings blogs append to copied articles.
Nothing here raises on bad input: junk gives an empty SourceText.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from copy import deepcopy
from typing import Any

import lxml.html
import trafilatura  # imported eagerly: a missing dependency must fail loudly, not as "no text"
from charset_normalizer import from_bytes

from citecheck.models import SourceText
from citecheck.sentences import split_sentences

MAX_BODY_BYTES = 10_000_000  # the fetcher's cap; a body given by other means is cut here too
MAX_TEXT_CHARS = 1_000_000  # about 150 printed pages: more is never one article's main text
MAX_SENTENCES = 10_000  # scoring caps again, lower; this keeps memory bounded
_SNIFF_BYTES = 4096
_MIN_GUESS_BYTES = 64
_PDF_MAX_PAGES = 200

# --- decoding -------------------------------------------------------------------------

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _codec(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None when Python has none."""
    if not name:
        return None
    name = name.strip().lower()
    # Browsers treat these labels as their supersets (WHATWG Encoding Standard).
    name = {"iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
            "us-ascii": "cp1252", "shift-jis": "shift_jis", "x-sjis": "shift_jis"}.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decodes_cleanly(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode a fetched body: the header's charset, then a BOM or `<meta charset>`,
    then UTF-8, then charset-normalizer's guess. Never raises."""
    if not body:
        return ""
    header = _HEADER_CHARSET.search(content_type or "")
    declared = _codec(header.group(1)) if header else None
    if declared:
        text = _decodes_cleanly(body, declared)
        if text is not None:
            return text
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    meta = _META_CHARSET.search(body[:_SNIFF_BYTES])
    if meta:
        codec_name = _codec(meta.group(1).decode("ascii", errors="ignore"))
        # A meta tag readable as ASCII cannot be UTF-16 (browsers ignore such a claim).
        if codec_name and not codec_name.startswith(("utf-16", "utf-32")):
            text = _decodes_cleanly(body, codec_name)
            if text is not None:
                return text
    text = _decodes_cleanly(body, "utf-8")
    if text is not None:
        return text
    if len(body) < _MIN_GUESS_BYTES:
        # Too little to guess from; Windows-1252 is the web's commonest legacy charset.
        return body.decode("cp1252", errors="replace")
    try:
        # Guess from a bounded prefix: charset-normalizer is slow on megabytes.
        best = from_bytes(body[:200_000]).best()
        if best is not None and best.encoding:
            return body.decode(best.encoding, errors="replace")
    except Exception:  # a guesser failing must not sink the page; fall through to UTF-8
        pass
    return body.decode(declared or "utf-8", errors="replace")


# --- plain text clean-up --------------------------------------------------------------

# A line that is one of these, alone, starts the blog tail after an article.
_TAIL_HEADINGS = re.compile(
    r"^\s*(popular posts( from this blog)?|related (posts|articles|stories|reading)"
    r"|you (may|might) also (like|enjoy)|more from this (blog|author|site)"
    r"|recommended( for you| stories| articles)?|read (more|next)|comments?( \(\d+\))?"
    r"|\d+ comments?|share this( post| article|:)?|leave a (reply|comment)|post a comment"
    r"|newer post|older post|subscribe to( our)? newsletter|about the author"
    r"|trending( now)?|most (read|popular))\s*:?\s*$",
    re.IGNORECASE,
)
# Lines that are page chrome wherever they appear.
_CHROME_LINES = re.compile(
    r"^\s*(skip to (main )?content|skip to navigation|jump to navigation|menu|main menu|search"
    r"|sign in|log ?in|register|subscribe|home|advertisement|share|tweet|print|email"
    r"|accept( all)?( cookies)?|we use cookies.*|this (web)?site uses cookies.*)\s*$",
    re.IGNORECASE,
)
# Photo captions end in a credit: "… © Jane Doe/Agency" or "Photo: Agency".
_CAPTION = re.compile(r"(©|\(c\)|photo(graph)?:|image:|credit:)\s*[^.!?]{0,60}$", re.IGNORECASE)


def clean_plain_text(text: str) -> str:
    """Drop chrome lines and photo captions; cut the tail at a boilerplate heading."""
    kept: list[str] = []
    seen_words = 0
    for line in text.splitlines():
        if _TAIL_HEADINGS.match(line) and seen_words >= 30:
            break
        if _CHROME_LINES.match(line) or (_CAPTION.search(line) and len(line) < 300):
            continue
        kept.append(line)
        seen_words += len(line.split())
    return "\n".join(kept).strip()


# --- HTML -----------------------------------------------------------------------------

_LOWER = "translate(@{attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_BOILERPLATE_MARKERS = (
    "sidebar", "widget", "comment", "related", "popular", "cookie", "consent", "newsletter",
    "share", "social", "breadcrumb", "footer", "navbar", "menu", "trending", "recommend",
    "promo", "advert", "subscribe", "blogroll", "most-read", "mostread",
)
_PRUNE_XPATH = [
    "//aside", "//nav", "//footer", "//form", "//*[@role='complementary']",
    "//*[@role='navigation']", "//*[@role='contentinfo']",
    *(
        f"//*[contains({_LOWER.format(attr=attr)}, '{marker}')]"
        for attr in ("class", "id")
        for marker in _BOILERPLATE_MARKERS
    ),
]


def _parse_html(html: str) -> lxml.html.HtmlElement | None:
    try:
        # An XML declaration with an encoding makes lxml refuse a str; it is decoded already.
        html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html[: MAX_BODY_BYTES])
        return lxml.html.document_fromstring(html) if html.strip() else None
    except Exception:  # lxml raises several types on hopeless markup; junk is not an error
        return None


def _text(node: Any) -> str | None:
    value = node if isinstance(node, str) else node.text_content() if node is not None else None
    value = re.sub(r"\s+", " ", value or "").strip()
    return value or None


def _json_ld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [])
                yield item


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [name for name in (_ld_name(v) for v in value) if name]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _text(str(value.get("name") or "")) if value.get("name") else None
    return _text(value) if isinstance(value, str) else None


_ARTICLE_TYPES = ("article", "posting", "report", "webpage", "scholarly")


def _metadata_from_json_ld(tree: lxml.html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in _json_ld_objects(tree):
        kind = str(item.get("@type", "")).lower()
        if not any(word in kind for word in _ARTICLE_TYPES):
            continue
        for key, source_keys in (
            ("title", ("headline", "name")),
            ("date", ("datePublished", "dateCreated")),
        ):
            for source_key in source_keys:
                value = item.get(source_key)
                if isinstance(value, str) and value.strip() and key not in found:
                    found[key] = value.strip()
        author = _ld_name(item.get("author"))
        if author and "author" not in found:
            found["author"] = author
        site = _ld_name(item.get("publisher"))
        if site and "site_name" not in found:
            found["site_name"] = site
    return found


_META_KEYS = {
    "title": ("citation_title", "og:title", "dc.title", "twitter:title"),
    "author": ("citation_author", "author", "article:author", "dc.creator", "parsely-author"),
    "date": (
        "citation_publication_date", "citation_date", "article:published_time",
        "og:published_time", "dc.date", "dc.date.issued", "date", "pubdate", "parsely-pub-date",
    ),
    "site_name": ("og:site_name", "citation_journal_title", "application-name"),
}


def _metadata_from_meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = _text(meta.get("content"))
        if key and content and key not in values:
            values[key] = content
    found: dict[str, str] = {}
    for field, keys in _META_KEYS.items():
        for key in keys:
            if key in values:
                found[field] = values[key]
                break
    return found


def _article_time(tree: lxml.html.HtmlElement) -> str | None:
    """A `<time>` inside the article (never one in a sidebar)."""
    for time in tree.xpath("//article//time | //main//time"):
        if not time.xpath("ancestor::aside | ancestor::footer | ancestor::nav"):
            value = _text(time.get("datetime") or time.text_content())
            if value:
                return value
    return None


_ISO_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?(?!\d)")


def normalise_date(value: str | None) -> str | None:
    """ISO 8601 at the precision given ("2019", "2019-08", "2019-08-17"), or None."""
    if not value:
        return None
    match = _ISO_DATE.match(value.strip())
    if match:
        year, month, day = match.groups()
        return "-".join([year, *(f"{int(part):02d}" for part in (month, day) if part)])
    import dateparser  # imported late: slow to load and rarely needed

    try:
        parsed = dateparser.parse(value[:100], settings={"STRICT_PARSING": False})
    except Exception:  # dateparser raises assorted errors on odd strings
        return None
    return parsed.date().isoformat() if parsed else None


def _pruned_copy(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    copy = deepcopy(tree)
    for xpath in _PRUNE_XPATH:
        for node in copy.xpath(xpath):
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    return copy


def _fallback_date(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    """htmldate, on the page without its sidebars: it would take a widget's date."""
    try:
        from htmldate import find_date

        return find_date(_pruned_copy(tree), extensive_search=False, url=url)
    except Exception:  # htmldate is a last resort; its failure means "no date"
        return None


def _html_metadata(tree: lxml.html.HtmlElement, url: str | None) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for source in (_metadata_from_json_ld(tree), _metadata_from_meta_tags(tree)):
        for key, value in source.items():
            found.setdefault(key, value)
    if not found.get("title"):
        title = tree.find(".//title")
        found["title"] = _text(title) if title is not None else None
    date = normalise_date(found.get("date")) or normalise_date(_article_time(tree))
    found["date"] = date or _fallback_date(tree, url)
    lang = tree.get("lang") or tree.get("xml:lang")
    found["language"] = lang.split("-")[0].lower() if lang else None
    return found


def _html_main_text(tree: lxml.html.HtmlElement, url: str | None) -> str:
    try:
        text = trafilatura.extract(
            tree, url=url, include_comments=False, include_tables=True,
            prune_xpath=_PRUNE_XPATH, deduplicate=False,
        )
    except Exception:  # trafilatura fails on some malformed trees: treat as no main text
        text = None
    return text or ""


# --- PDF ------------------------------------------------------------------------------


def _pdf_text(body: bytes) -> tuple[str, dict[str, str | None]]:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        pages = []
        for page in reader.pages[:_PDF_MAX_PAGES]:
            pages.append(page.extract_text() or "")
        info: Any = reader.metadata or {}
        meta = {
            "title": _text(str(info.get("/Title") or "")),
            "author": _text(str(info.get("/Author") or "")),
        }
        return "\n\n".join(pages), meta
    except Exception:  # a broken PDF is a source without text, not a crash
        return "", {}


# --- assembling -----------------------------------------------------------------------


def _looks_like_html(text: str, content_type: str | None) -> bool:
    if content_type and ("html" in content_type.lower() or "xml" in content_type.lower()):
        return True
    head = text[:1000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in text[:5000].lower()


def _is_junk(text: str) -> bool:
    """Binary or undecodable: many control or replacement characters."""
    sample = text[:20_000]
    if not sample:
        return True
    bad = sum(
        1 for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    )
    return bad / len(sample) > 0.05


def _build(text: str, url: str | None, **meta: str | None) -> SourceText:
    text = text[:MAX_TEXT_CHARS]
    sentences = tuple(split_sentences(text, meta.get("language") or "en")[:MAX_SENTENCES])
    return SourceText(
        url=url,
        text=text,
        sentences=sentences,
        title=meta.get("title"),
        author=meta.get("author"),
        date=meta.get("date"),
        site_name=meta.get("site_name"),
        language=meta.get("language"),
    )


def _empty(url: str | None) -> SourceText:
    return SourceText(url=url, text="", sentences=())


def source_from_text(text: str, url: str | None = None) -> SourceText:
    """A SourceText from plain text given by hand (blog chrome and tail removed)."""
    try:
        return _build(clean_plain_text(text[:MAX_TEXT_CHARS]), url)
    except Exception:  # the splitter is another module's; a failure there is "no sentences"
        return _empty(url)


def extract_source(body: bytes, content_type: str | None, url: str | None = None) -> SourceText:
    """Main text and metadata of a fetched body: HTML, plain text or PDF. Never raises."""
    try:
        body = (body or b"")[:MAX_BODY_BYTES]
        if not body.strip():
            return _empty(url)
        kind = (content_type or "").lower()
        if "pdf" in kind or body.startswith(b"%PDF"):
            text, meta = _pdf_text(body)
            return _build(clean_plain_text(text[:MAX_TEXT_CHARS]), url, **meta)
        decoded = decode_body(body, content_type)
        if _is_junk(decoded):
            return _empty(url)
        if _looks_like_html(decoded, content_type):
            tree = _parse_html(decoded)
            if tree is None:
                return _empty(url)
            meta = _html_metadata(tree, url)
            # Clean the extracted text too: a widget that escaped pruning ends the article.
            main_text = clean_plain_text(_html_main_text(tree, url))
            # trafilatura puts one block per line; a heading must not run into its paragraph.
            return _build(main_text.replace("\n", "\n\n"), url, **meta)
        return source_from_text(decoded, url)
    except Exception:  # last guard: extraction must never take the run down
        return _empty(url)
