"""HTML: the main text (trafilatura, sidebars and widgets pruned) and the page's metadata."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from copy import deepcopy
from typing import Any
from urllib.parse import urljoin

import lxml.html
import trafilatura  # imported eagerly: a missing dependency must fail loudly, not as "no text"
from readability import Document as ReadabilityDocument

from citecheck.dates import normalize_date

MAX_BODY_BYTES = 10_000_000  # the fetcher's cap; a body given by other means is cut here too


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


def parse_html(html: str) -> lxml.html.HtmlElement | None:
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


def page_date(value: str | None) -> str | None:
    """A page's date as ISO 8601 at its precision; a timestamp's time of day is dropped."""
    if not value:
        return None
    value = value.strip()
    stamp = re.match(r"(\d{4}-\d{2}-\d{2})[T ]\d", value)
    return normalize_date(stamp.group(1) if stamp else value[:100])


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


def html_metadata(tree: lxml.html.HtmlElement, url: str | None) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for source in (_metadata_from_json_ld(tree), _metadata_from_meta_tags(tree)):
        for key, value in source.items():
            found.setdefault(key, value)
    if not found.get("title"):
        title = tree.find(".//title")
        found["title"] = _text(title) if title is not None else None
    date = page_date(found.get("date")) or page_date(_article_time(tree))
    if date is None:
        date = _fallback_date(tree, url)
        found["date_is_guess"] = "yes" if date else None
    found["date"] = date
    found["canonical_url"] = _canonical_url(tree, url)
    lang = tree.get("lang") or tree.get("xml:lang")
    found["language"] = lang.split("-")[0].lower() if lang else None
    return found


def _canonical_url(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    """`<link rel=canonical>` (else og:url), made absolute against the page's URL."""
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        values = tree.xpath(xpath)
        if values and str(values[0]).strip():
            return urljoin(url or "", str(values[0]).strip())
    return None


READABILITY_CHECK_BELOW = 1500  # characters: a shorter main text is cross-checked
READABILITY_WINS_AT = 2.5  # readability's text must be this many times longer to be taken


def page_text(tree: lxml.html.HtmlElement) -> str:
    """All the page's visible text, footers included (for notices and bylines)."""
    try:
        return str(tree.text_content())
    except Exception:  # lxml raises on some broken trees: no text, no notices
        return ""


def _readability_text(tree: lxml.html.HtmlElement) -> str:
    """readability-lxml's main text of the pruned page, one paragraph per line."""
    try:
        html = lxml.html.tostring(_pruned_copy(tree), encoding="unicode")
        summary = ReadabilityDocument(html).summary(html_partial=True)
        node = lxml.html.fragment_fromstring(summary, create_parent="div")
        blocks = node.xpath("//p|//h1|//h2|//h3|//h4|//li|//blockquote|//pre")
        lines = [_text(block) for block in blocks] if blocks else [_text(node)]
        return "\n".join(line for line in lines if line)
    except Exception:  # readability raises on empty or odd pages: no second opinion
        return ""


def html_main_text(tree: lxml.html.HtmlElement, url: str | None) -> str:
    """trafilatura's main text; when it is short, readability-lxml is asked too and wins
    if it finds much more (trafilatura sometimes keeps a teaser and drops the article)."""
    text = _trafilatura_text(tree, url)
    if len(text) < READABILITY_CHECK_BELOW:
        second = _readability_text(tree)
        if len(second) >= READABILITY_WINS_AT * max(len(text), 80):
            return second
    return text


def _trafilatura_text(tree: lxml.html.HtmlElement, url: str | None) -> str:
    try:
        text = trafilatura.extract(
            tree, url=url, include_comments=False, include_tables=True,
            prune_xpath=_PRUNE_XPATH, deduplicate=False,
        )
    except Exception:  # trafilatura fails on some malformed trees: treat as no main text
        text = None
    return text or ""
