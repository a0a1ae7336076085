"""Bytes to str: the header's charset, a BOM, `<meta charset>`, UTF-8, then a guess."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_SNIFF_BYTES = 4096
_MIN_GUESS_BYTES = 64


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
