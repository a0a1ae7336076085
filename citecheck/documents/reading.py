"""Bytes of a document -> text, or one clear InputError saying why not."""

from __future__ import annotations

import sys
from pathlib import Path

from charset_normalizer import from_bytes

from citecheck.errors import InputError, UnsupportedInput

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_bytes(path: str) -> bytes:
    """The raw bytes of `path` ("-" = stdin)."""
    if path == "-":
        return sys.stdin.buffer.read()
    file = Path(path)
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a document") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None


def decode(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else charset-normalizer's best guess."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnsupportedInput(f"{name}: not valid UTF-16 text") from None
    if b"\x00" in data:
        raise UnsupportedInput(f"{name}: looks like a binary file, not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise UnsupportedInput(f"{name}: not text in any encoding citecheck recognises")
    text = str(best)
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > len(text) // 100 + 1:
        raise UnsupportedInput(f"{name}: looks like a binary file, not a text document")
    return text


def read_text(path: str) -> str:
    name = "standard input" if path == "-" else path
    text = decode(read_bytes(path), name)
    if not text.strip():
        raise InputError(f"{name}: is empty")
    return text
