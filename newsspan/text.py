"""The canonical form of corpus texts: UTF-8 without BOM, LF line ends, Unicode NFC; and the one UTF-8 decoder."""

from __future__ import annotations

import hashlib
import unicodedata

BOM = "\ufeff"


class DecodeError(ValueError):
    """Bytes that are not UTF-8."""


def decode(data: bytes) -> str:
    """UTF-8 bytes as str: the decoder of every text newsspan reads (corpus texts, articles, tool exports).

    A byte order mark is kept, as U+FEFF: offsets count it until canonical form removes it (a
    JSON reader drops it itself). Bytes that are not UTF-8 raise DecodeError naming the first.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(f"byte 0x{data[e.start]:02x} at byte offset {e.start} is not UTF-8") from None


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
