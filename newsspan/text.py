"""The canonical form of corpus texts: UTF-8 without BOM, LF line ends, Unicode NFC."""

from __future__ import annotations

import hashlib
import unicodedata

BOM = "\ufeff"


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


def first_non_canonical(text: str) -> tuple[int, str] | None:
    """(offset, reason) of the first thing that keeps text from being canonical."""
    if text.startswith(BOM):
        return 0, "starts with a byte order mark (U+FEFF)"
    cr = text.find("\r")
    if not unicodedata.is_normalized("NFC", text):
        # find the first character whose neighbourhood changes under NFC
        for i, ch in enumerate(text):
            j = i + 1
            while j < len(text) and unicodedata.combining(text[j]):
                j += 1
            if not unicodedata.is_normalized("NFC", text[i:j]):
                if cr < 0 or i < cr:
                    return i, f"is not in Unicode NFC (e.g. {text[i:j]!a} at this point)"
                break
        else:
            if cr < 0:
                return 0, "is not in Unicode NFC"
    if cr >= 0:
        kind = "CRLF" if text[cr + 1: cr + 2] == "\n" else "CR"
        return cr, f"has {kind} line ends; expected LF"
    return None
