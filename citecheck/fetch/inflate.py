"""gzip and deflate bodies decoded the way aiohttp decodes them, for a client whose
own decoders are stricter (reqwest's): encoding names in any case ("GZIP", "x-gzip"),
deflate with or without its zlib header, a stream cut short kept as far as it goes. So
the same body gets the same status whichever client fetched it."""

from __future__ import annotations

import zlib


def inflater_for(content_encoding: str | None) -> Inflater | None:
    """The decoder for a Content-Encoding header, or None for one left as it is
    (identity; brotli and zstd, which the client decodes itself)."""
    encoding = (content_encoding or "").strip().lower()
    encoding = "gzip" if encoding == "x-gzip" else encoding
    return Inflater(encoding) if encoding in ("gzip", "deflate") else None


class BodyNotDecoded(Exception):
    """A gzip or deflate body that does not decompress."""


class Inflater:
    """One body's gzip or deflate decoder. Output comes `size` bytes at a time, so the
    body cap holds for decoded bytes (a gzip bomb stops there)."""

    def __init__(self, encoding: str) -> None:
        self._raw_deflate_tried = encoding == "gzip"
        wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        self._decoder = zlib.decompressobj(wbits)
        self._pending = b""  # compressed bytes the decoder has not taken yet

    @property
    def has_more(self) -> bool:
        return bool(self._pending)

    def feed(self, data: bytes, size: int) -> bytes:
        data = self._pending + data
        try:
            out = self._decoder.decompress(data, size)
        except zlib.error as exc:
            if self._raw_deflate_tried:
                raise BodyNotDecoded(str(exc)) from None
            self._raw_deflate_tried = True  # deflate without its zlib header
            self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
            return self.feed(data, size)
        self._raw_deflate_tried = True
        self._pending = self._decoder.unconsumed_tail
        return out
