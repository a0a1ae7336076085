"""PDF: the text layer of the first pages (pypdf) and the document info."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

PDF_MAX_PAGES = 200


@dataclass(frozen=True)
class PdfText:
    text: str
    title: str | None = None
    author: str | None = None
    problem: str | None = None  # why there is no text: broken, or scanned images only


def _clean(value: Any) -> str | None:
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return text or None


def pdf_text(body: bytes) -> PdfText:
    """The PDF's text; a PDF with pages but no text layer is reported as scanned."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages[:PDF_MAX_PAGES]]
        info: Any = reader.metadata or {}
        title, author = _clean(info.get("/Title")), _clean(info.get("/Author"))
    except Exception:  # pypdf raises many types on broken files; a broken PDF has no text
        return PdfText("", problem="the PDF could not be read")
    text = "\n\n".join(pages)
    if pages and not text.strip():
        problem = (f"the PDF's {len(pages)} page(s) have no text layer (scanned images?); "
                   "citecheck does no OCR")
        return PdfText("", title, author, problem)
    return PdfText(text, title, author)
