"""bytes -> SourceText: the main text of a cited source, split into sentences, with
what the page says about itself (title, author, date, site name, language, canonical
link, Wikipedia notices, an original publisher).

    decoding.py  bytes to str (charset header, BOM, meta, UTF-8, a guess)
    plain.py     plain-text clean-up (chrome lines, captions, the blog tail)
    html.py      main text (trafilatura, pruned; readability-lxml cross-check), metadata
    pdf.py       the text layer of a PDF; a scanned PDF is reported as such
    signals.py   Wikipedia notices and "originally published in …" lines

Only the main text may become evidence: sidebars, "popular posts" widgets, related
posts, comments, cookie banners, navigation and footers are pruned from HTML, and
plain text is cut at the boilerplate headings blogs append to copied articles.
Nothing here raises on bad input: junk gives an empty source whose `problem` says why.
"""

from __future__ import annotations

import unicodedata

from citecheck.models import SourceText
from citecheck.sentences import split_sentences
from citecheck.text.decoding import decode_body
from citecheck.text.html import MAX_BODY_BYTES, html_main_text, html_metadata, page_text, parse_html
from citecheck.text.pdf import pdf_text
from citecheck.text.plain import clean_plain_text
from citecheck.text.signals import Signals, page_signals

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_SENTENCES",
    "MAX_TEXT_CHARS",
    "PageSource",
    "clean_plain_text",
    "decode_body",
    "extract_source",
    "source_from_text",
]

MAX_TEXT_CHARS = 1_000_000  # about 150 printed pages: more is never one article's main text
MAX_SENTENCES = 10_000  # keeps memory bounded; scoring reads at most this many anyway


class PageSource(SourceText, frozen=True, gc=False):
    """A SourceText with what the citation-level checks read about the page itself."""

    canonical_url: str | None = None  # <link rel=canonical> or og:url, absolute
    wikipedia_notices: tuple[str, ...] = ()  # "from_wikipedia", "wikipedia_licence", …
    originally_published: str | None = None  # "originally published in X" names X
    date_is_guess: bool = False  # the date is htmldate's guess, not the page's own
    problem: str | None = None  # why there is no text, when there is none


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


def _build(
    text: str,
    url: str | None,
    meta: dict[str, str | None] | None = None,
    signals: Signals | None = None,
    problem: str | None = None,
) -> PageSource:
    meta = meta or {}
    signals = signals or Signals()
    text = text[:MAX_TEXT_CHARS]
    sentences = tuple(split_sentences(text, meta.get("language") or "en")[:MAX_SENTENCES])
    if not sentences and problem is None:
        problem = "the source has no readable text"
    return PageSource(
        url=url,
        text=text,
        sentences=sentences,
        title=meta.get("title"),
        author=meta.get("author"),
        date=meta.get("date"),
        site_name=meta.get("site_name"),
        language=meta.get("language"),
        canonical_url=meta.get("canonical_url"),
        wikipedia_notices=signals.wikipedia_notices,
        originally_published=signals.originally_published,
        date_is_guess=bool(meta.get("date_is_guess")),
        problem=problem,
    )


def _empty(url: str | None, problem: str) -> PageSource:
    return PageSource(url=url, text="", sentences=(), problem=problem)


def source_from_text(text: str, url: str | None = None) -> SourceText:
    """A SourceText from plain text given by hand (blog chrome and tail removed)."""
    try:
        text = text[:MAX_TEXT_CHARS]
        return _build(clean_plain_text(text), url, signals=page_signals(text))
    except Exception:  # the splitter is another module's; a failure there is "no sentences"
        return _empty(url, "the text could not be split into sentences")


def extract_source(body: bytes, content_type: str | None, url: str | None = None) -> SourceText:
    """Main text and metadata of a fetched body: HTML, plain text or PDF. Never raises."""
    try:
        body = (body or b"")[:MAX_BODY_BYTES]
        if not body.strip():
            return _empty(url, "the source is empty")
        kind = (content_type or "").lower()
        if "pdf" in kind or body.startswith(b"%PDF"):
            pdf = pdf_text(body)
            meta: dict[str, str | None] = {"title": pdf.title, "author": pdf.author}
            text = pdf.text[:MAX_TEXT_CHARS]
            return _build(clean_plain_text(text), url, meta, page_signals(text), pdf.problem)
        decoded = decode_body(body, content_type)
        if _is_junk(decoded):
            return _empty(url, "the body is binary or undecodable, not text")
        if _looks_like_html(decoded, content_type):
            tree = parse_html(decoded)
            if tree is None:
                return _empty(url, "the HTML could not be parsed")
            meta = html_metadata(tree, url)
            signals = page_signals(page_text(tree))
            # Clean the extracted text too: a widget that escaped pruning ends the article.
            main_text = clean_plain_text(html_main_text(tree, url))
            # trafilatura puts one block per line; a heading must not run into its paragraph.
            return _build(main_text.replace("\n", "\n\n"), url, meta, signals)
        return source_from_text(decoded, url)
    except Exception:  # last guard: extraction must never take the run down
        return _empty(url, "the source could not be read")
