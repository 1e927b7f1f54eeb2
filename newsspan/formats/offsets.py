"""Offset units at the format boundary: code points, UTF-16 code units, grapheme clusters.

newsspan stores code points. Tools count differently (doccano and UIMA count UTF-16 units,
doccano's grapheme mode counts extended grapheme clusters), so every importer converts here
and nowhere else. Example: in "👨🏻‍🚒 firemen drive firetrucks", "firetrucks" is [19, 29) in
code points, [22, 32) in UTF-16 units and [16, 26) in graphemes (the ``regex`` module's ``\\X``,
Unicode UAX #29 extended grapheme clusters; the standard ``re`` has no equivalent).
"""

from __future__ import annotations

import json
from itertools import accumulate

import regex

UNITS = ("codepoint", "utf16", "grapheme")
_GRAPHEME = regex.compile(r"\X", regex.S)


class OffsetError(ValueError):
    """An offset that does not fall on a boundary of the unit (inside a surrogate pair, past the end)."""


def read_offset(value, what: str) -> int:
    """An offset (start, end, a token index) as an export holds it: a whole number >= 0.

    Every importer reads every offset through here. JSON ``true`` is a Python int (it once
    became offset 1), ``3.0`` and ``"3"`` are not offsets, and a negative one would index
    from the end: each is an OffsetError naming the item (``what``, e.g. "value.start").
    """
    if isinstance(value, bool) or not isinstance(value, int):
        shown = json.dumps(value, ensure_ascii=False, default=repr)[:40]  # as the export wrote it: true, 3.0, "3"
        raise OffsetError(f"{what} is {shown}; expected a whole number (an integer >= 0)")
    if value < 0:
        raise OffsetError(f"{what} is {value}; expected an integer >= 0")
    return value


def utf16_offsets(text: str) -> list[int]:
    """The UTF-16 offset of each code-point offset of text, its end included (what the writers count in)."""
    return list(accumulate((1 + (ord(c) > 0xFFFF) for c in text), initial=0))


class Converter:
    """Offsets of one text in a unit, converted to code points (the table built once per text)."""

    def __init__(self, text: str, unit: str):
        if unit not in UNITS:
            raise ValueError(f"unknown offset unit {unit!r}; expected one of {', '.join(UNITS)}")
        self.text, self.unit = text, unit
        if unit == "utf16":  # the code point at each UTF-16 offset that starts one
            self._codepoints = {u: cp for cp, u in enumerate(utf16_offsets(text))}
        elif unit == "grapheme":  # the code point where each grapheme cluster starts
            starts = [m.start() for m in _GRAPHEME.finditer(text)] + [len(text)]
            self._codepoints = dict(enumerate(starts))
        self.length = max(self._codepoints, default=0) if unit != "codepoint" else len(text)

    def to_codepoint(self, offset: int) -> int:
        if not 0 <= offset <= self.length:
            raise OffsetError(f"offset {offset} is outside the text (0..{self.length} {self.unit} units)")
        if self.unit == "codepoint":
            return offset
        if offset not in self._codepoints:  # only a UTF-16 offset can fall inside a character
            middle = self.text[self._codepoints[offset - 1]]
            raise OffsetError(f"UTF-16 offset {offset} falls inside a surrogate pair (the middle of {middle!a})")
        return self._codepoints[offset]
