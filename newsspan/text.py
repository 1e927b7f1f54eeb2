"""The canonical form of corpus texts (UTF-8 without BOM, LF line ends, Unicode NFC), the one decoder of the text
files newsspan reads, and an exact map of offsets from a text into its canonical form."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import regex

BOM = "\ufeff"
BOM_UTF8 = BOM.encode("utf-8")


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of an offset into text."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


class DecodeError(ValueError):
    """Bytes that are not text newsspan reads: line and column (1-based, in characters) of the first byte at fault."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None, hint: str | None = None):
        super().__init__(reason)
        self.reason, self.line, self.column, self.hint = reason, line, column, hint

    def __str__(self) -> str:
        at = f"line {self.line}, column {self.column}: " if self.line is not None else ""
        return at + self.reason + (f"; {self.hint}" if self.hint else "")


# Files people give instead of a text: named by their signature, so that no encoding is advised for them
_BINARY = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .odt document is one)"),
    (b"\xd0\xcf\x11\xe0", "a Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
)


def decode(data: bytes, *, bom: bool = True, utf16: bool = False) -> str:
    """Raw bytes to str: UTF-8 (a BOM kept, or with bom=False refused), or with utf16=True also UTF-16 with a BOM;
    else DecodeError. NUL characters are refused: binary data (or UTF-16 without a BOM), never text."""
    kind = next((k for magic, k in _BINARY if data.startswith(magic)), None)
    if kind is None and b"\x00" in data[:4096] and b"\x00\x00" in data[:4096]:
        kind = "binary data"
    reason = None  # why the file is refused as a whole (at its first byte)
    if not bom and data.startswith(BOM_UTF8):
        reason = "the file starts with a UTF-8 byte order mark; expected UTF-8 without BOM"
        hint = "save the file as UTF-8 without BOM"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if utf16:
            try:
                return _no_nul(data.decode("utf-16"))
            except UnicodeDecodeError as e:
                raise DecodeError(f"broken UTF-16 at byte offset {e.start}", hint="save the file as UTF-8") from None
        reason = "the file is UTF-16 encoded; expected UTF-8"
        hint = "save the file as UTF-8 (e.g. `iconv -f utf-16 -t utf-8`)"
    elif kind is not None:
        reason = f"the file is {kind}, not text"
        hint = "give the article as a UTF-8 text file (copy its text out of the document, or export it as plain text)"
    if reason is not None:
        raise DecodeError(reason, 1, 1, hint)
    try:
        return _no_nul(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        at = e.start
        if data[at] == 0xED and data[at + 1 : at + 2] >= b"\xa0":  # as WTF-8 and CESU-8 writers emit
            reason = (
                f"bytes 0x{data[at : at + 3].hex()} (byte offset {at}) encode a lone surrogate "
                "(U+D800..U+DFFF), which is no character and not UTF-8"
            )
            hint = "write the character itself in UTF-8 (a surrogate pair's two halves are one character)"
        else:
            reason = f"byte 0x{data[at]:02x} (byte offset {at}) is not UTF-8"
            hint = "convert the file to UTF-8 (e.g. `iconv -f cp1252 -t utf-8`)"
        column = len(data[data.rfind(b"\n", 0, at) + 1 : at].decode("utf-8", "replace")) + 1
        raise DecodeError(reason, data.count(b"\n", 0, at) + 1, column, hint) from None


def _no_nul(text: str) -> str:
    at = text.find("\x00")
    if at >= 0:
        raise DecodeError(
            "the file holds NUL characters (binary data, or UTF-16 without a byte order mark), not text",
            *line_col(text, at),
        )
    return text


def canonicalize(text: str) -> str:
    """The canonical form of a decoded text: only the BOM, line ends and normalisation change."""
    if text.startswith(BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def is_canonical(text: str) -> bool:
    return not text.startswith(BOM) and "\r" not in text and unicodedata.is_normalized("NFC", text)


_CHUNK = 4096
_MAX_MARKS = 64  # longest run of combining marks looked at (Unicode's stream-safe limit is 30)


def first_non_canonical(text: str) -> tuple[int, str] | None:
    """(offset, reason) of the first thing that keeps text from being canonical."""
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
        kind = "CRLF" if text[cr + 1 : cr + 2] == "\n" else "CR"
        return cr, f"has {kind} line ends; expected LF"
    return None


def _first_non_nfc(text: str) -> tuple[int, str] | None:
    # Linear: NFC is tested chunk by chunk in C, and only a failing chunk character by character
    # (a run of a million combining marks once made this quadratic)
    n = len(text)
    for a in range(0, n, _CHUNK):
        # overlap the neighbours so that a sequence cut by the chunk border is still seen
        if unicodedata.is_normalized("NFC", text[max(0, a - _MAX_MARKS) : a + _CHUNK + _MAX_MARKS]):
            continue
        for i in range(max(0, a - _MAX_MARKS), min(n, a + _CHUNK + _MAX_MARKS)):
            j = i + 1
            while j < n and j - i < _MAX_MARKS and unicodedata.combining(text[j]):
                j += 1
            if not unicodedata.is_normalized("NFC", text[i:j]):
                return i, text[i:j]
    return None


# where a quote stands in a text ---------------------------------------------------------------


def nearest(text: str, quote: str, near: int) -> int | None:
    """Start of the occurrence of quote in text nearest to offset near (the earlier on a tie), or None."""
    near = max(0, min(near, len(text)))
    before = text.rfind(quote, 0, near + len(quote))
    after = text.find(quote, near + 1)
    if before < 0:
        return after if after >= 0 else None
    if after < 0 or near - before <= after - near:
        return before
    return after


# How far around a span's offsets `newsspan validate --fix` looks for its quote.
FIX_WINDOW = 64


def quote_nearby(text: str, quote: str, start: int, end: int) -> int | None:
    """Start of the one occurrence of quote within FIX_WINDOW code points of [start, end), or None when it occurs
    there not at all or more than once (then only a person can tell which is meant): the rule of the safe fix."""
    if not quote:
        return None
    lo = max(0, min(start, end) - FIX_WINDOW)
    hi = min(len(text), max(start, end) + FIX_WINDOW)
    first = text.find(quote, lo, hi)
    if first < 0 or text.find(quote, first + 1, hi) >= 0:
        return None
    return first


_GRAPHEME = regex.compile(r"\X", regex.S)


class Unmappable(ValueError):
    """An offset that falls inside a character sequence the canonical form rewrites."""


@dataclass
class CanonicalMap:
    source: str
    text: str  # canonical form of source
    _table: list[int | None]  # source offset -> canonical offset (None: inside a rewritten cluster)

    def __call__(self, offset: int) -> int:
        if not 0 <= offset < len(self._table):
            raise Unmappable(f"offset {offset} is outside the text (0..{len(self.source)})")
        out = self._table[offset]
        if out is None:
            raise Unmappable(
                f"offset {offset} falls inside {self.source[max(0, offset - 1) : offset + 1]!a}, "
                "a sequence that canonical form (CRLF -> LF, NFC) rewrites as a whole"
            )
        return out


def canonical_map(source: str) -> CanonicalMap:
    """Canonical text of source and the offset map; raises ValueError if NFC cannot be mapped exactly."""
    # NFC works inside grapheme clusters, so the text is normalised cluster by cluster: a boundary between
    # clusters maps exactly; a position inside a cluster that NFC changes has no image (Unmappable)
    bom = source.startswith(BOM)
    table: list[int | None] = [0] if bom else []  # the BOM's start maps to the start of the text
    out: list[str] = []
    n = 0
    for m in _GRAPHEME.finditer(source, int(bom)):
        cluster = m.group()
        if cluster == "\r\n":
            table += [n, None]
            out.append("\n")
            n += 1
            continue
        new = unicodedata.normalize("NFC", cluster.replace("\r\n", "\n").replace("\r", "\n"))
        if new == cluster:
            table += range(n, n + len(cluster))
        else:
            table += [n] + [None] * (len(cluster) - 1)
        out.append(new)
        n += len(new)
    table.append(n)
    text = "".join(out)
    if text != canonicalize(source):  # never expected: clusters are NFC-independent
        raise ValueError(
            "the text's canonical form cannot be computed cluster by cluster; offsets cannot be mapped exactly"
        )
    return CanonicalMap(source, text, table)
