"""Text files: reading their bytes as text, and the canonical form of corpus texts (UTF-8
without BOM, LF line ends, Unicode NFC)."""

from __future__ import annotations

import codecs
import hashlib
import unicodedata

BOM = "\ufeff"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Undecodable(ValueError):
    """Bytes that are not read as text. kind: ``empty`` (no bytes, or only whitespace) or
    ``encoding`` (UTF-16, a byte order mark where none is allowed, bytes that are not UTF-8,
    NUL characters); line and column (1-based; the column in bytes for bytes that are not
    UTF-8) where the problem is, when there is one place."""

    def __init__(self, kind: str, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.kind, self.line, self.column = kind, line, column


def line_col(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset into text (code points) or bytes (bytes)."""
    nl = "\n" if isinstance(text, str) else b"\n"
    return text.count(nl, 0, offset) + 1, offset - (text.rfind(nl, 0, offset) + 1) + 1


def decode(data: bytes, what: str = "file", *, bom: bool = False, utf16: bool = False) -> str:
    """The text of a file's bytes, which must be UTF-8 without NUL characters and not blank.

    what names the file in messages ("file", "text"). bom: a leading UTF-8 byte order mark is
    kept (else it is refused). utf16: UTF-16 with a byte order mark is decoded (else it is
    refused, as is UTF-16 without one). Raises :class:`Undecodable`, saying why and where.
    """
    if not data or data.isspace():
        raise Undecodable("empty", f"the {what} is empty")
    if utf16 and data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise Undecodable("encoding", f"the {what} is broken UTF-16 (at byte offset {e.start})") from None
    if data.startswith(_UTF16_BOMS) or 0 in data[:2]:  # UTF-16 text has a 0 byte in its first character
        raise Undecodable("encoding", f"the {what} is UTF-16 encoded; expected UTF-8")
    if not bom and data.startswith(codecs.BOM_UTF8):
        raise Undecodable("encoding", f"the {what} starts with a UTF-8 byte order mark; expected UTF-8 without BOM", 1, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Undecodable("encoding", f"byte 0x{data[e.start]:02x} at byte offset {e.start} is not UTF-8; expected UTF-8",
                          *line_col(data, e.start)) from None
    if b"\x00" in data:  # in UTF-8, only NUL holds a 0 byte
        raise Undecodable("encoding", f"the {what} holds NUL characters (binary data); expected UTF-8 text",
                          *line_col(text, text.index("\x00")))
    return text


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def canonicalize(text: str) -> str:
    """The canonical form of a decoded text. Only the BOM, line ends and normalisation change."""
    if text.startswith(BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def is_canonical(text: str) -> bool:
    return not text.startswith(BOM) and "\r" not in text and unicodedata.is_normalized("NFC", text)


_CHUNK = 4096
_MAX_MARKS = 64  # longest run of combining marks looked at (Unicode's stream-safe limit is 30)


def first_non_canonical(text: str) -> tuple[int, str] | None:
    """(offset, reason) of the first thing that keeps text from being canonical.

    Linear: NFC is tested chunk by chunk in C, and only the first failing chunk is searched
    character by character (a run of a million combining marks once made this quadratic).
    """
    if text.startswith(BOM):
        return 0, "starts with a byte order mark (U+FEFF)"
    cr = text.find("\r")
    if not unicodedata.is_normalized("NFC", text):
        at = _first_non_nfc(text)
        if at is None:
            if cr < 0:
                return 0, "is not in Unicode NFC"
        elif cr < 0 or at[0] < cr:
            return at[0], f"is not in Unicode NFC (e.g. {at[1]!a} at this point)"
    if cr >= 0:
        kind = "CRLF" if text[cr + 1: cr + 2] == "\n" else "CR"
        return cr, f"has {kind} line ends; expected LF"
    return None


def _first_non_nfc(text: str) -> tuple[int, str] | None:
    n = len(text)
    for a in range(0, n, _CHUNK):
        # overlap the neighbours so that a sequence cut by the chunk border is still seen
        if unicodedata.is_normalized("NFC", text[max(0, a - _MAX_MARKS): a + _CHUNK + _MAX_MARKS]):
            continue
        for i in range(max(0, a - _MAX_MARKS), min(n, a + _CHUNK + _MAX_MARKS)):
            j = i + 1
            while j < n and j - i < _MAX_MARKS and unicodedata.combining(text[j]):
                j += 1
            if not unicodedata.is_normalized("NFC", text[i:j]):
                return i, text[i:j]
    return None
