"""Offset units at the format boundary: code points (what newsspan stores), UTF-16 code units (doccano, UIMA)
and extended grapheme clusters (doccano's grapheme mode; the ``regex`` module's ``\\X``, UAX #29). In
"👨🏻‍🚒 firemen drive firetrucks", "firetrucks" is [19, 29) in code points, [22, 32) in UTF-16, [16, 26) in graphemes."""

from __future__ import annotations

import json
from itertools import accumulate

import regex

UNITS = ("codepoint", "utf16", "grapheme")
_GRAPHEME = regex.compile(r"\X", regex.S)


class OffsetError(ValueError):
    """An offset that does not fall on a boundary of the unit (inside a surrogate pair, past the end)."""


def read_offset(value, what: str) -> int:
    """An offset as an export holds it: an int >= 0 (not JSON true, 3.0, "3" or -1), else an OffsetError."""
    if isinstance(value, bool) or not isinstance(value, int):
        shown = json.dumps(value, ensure_ascii=False, default=repr)[:40]  # as the export wrote it: true, 3.0, "3"
        raise OffsetError(f"{what} is {shown}; expected a whole number (an integer >= 0)")
    if value < 0:
        raise OffsetError(f"{what} is {value}; expected an integer >= 0")
    return value


def utf16_offsets(text: str) -> list[int]:
    """The UTF-16 offset of each code-point offset of text, its end included."""
    return list(accumulate((1 + (ord(c) > 0xFFFF) for c in text), initial=0))


class Converter:
    """Offsets of one text in a unit, converted to code points."""

    def __init__(self, text: str, unit: str):
        if unit not in UNITS:
            raise ValueError(f"unknown offset unit {unit!r}; expected one of {', '.join(UNITS)}")
        self.text, self.unit = text, unit
        self._codepoints: dict[int, int] | range = range(len(text) + 1)  # offset -> the code point it starts
        if unit == "utf16":  # (a UTF-16 offset inside a surrogate pair starts none)
            self._codepoints = {u: cp for cp, u in enumerate(utf16_offsets(text))}
        elif unit == "grapheme":
            self._codepoints = dict(enumerate([m.start() for m in _GRAPHEME.finditer(text)] + [len(text)]))
        self.length = max(self._codepoints)

    def to_codepoint(self, offset: int) -> int:
        if not 0 <= offset <= self.length:
            raise OffsetError(f"offset {offset} is outside the text (0..{self.length} {self.unit} units)")
        if offset not in self._codepoints:  # only a UTF-16 offset can fall inside a character
            middle = self.text[self._codepoints[offset - 1]]
            raise OffsetError(f"UTF-16 offset {offset} falls inside a surrogate pair (the middle of {middle!a})")
        return self._codepoints[offset]
