"""Offset units at the format boundary: code points, UTF-16 code units, grapheme clusters.

newsspan stores code points. Tools count differently (doccano and UIMA count UTF-16 units,
doccano's grapheme mode counts extended grapheme clusters), so every importer converts here
and nowhere else. Example: in "👨🏻‍🚒 firemen drive firetrucks", "firetrucks" is [19, 29) in
code points, [22, 32) in UTF-16 units and [16, 26) in graphemes.

Grapheme clusters come from the `regex` module's ``\\X`` (Unicode UAX #29 extended grapheme
clusters); the standard ``re`` module has no equivalent.
"""

from __future__ import annotations

import bisect
import functools

UNITS = ("codepoint", "utf16", "grapheme")


@functools.cache
def _grapheme():
    import regex  # imported on first use: the CLI lists UNITS on every start, graphemes are rare

    return regex.compile(r"\X", regex.S)


class OffsetError(ValueError):
    """An offset that does not fall on a boundary of the unit (inside a surrogate pair, past the end)."""


def read_offset(value, what: str) -> int:
    """An offset (start, end, a token index) as an export holds it: a whole number >= 0.

    Every importer reads every offset through here. JSON ``true`` is a Python int (it once
    became offset 1), ``3.0`` and ``"3"`` are not offsets, and a negative one would index
    from the end: each is an OffsetError naming the item (``what``, e.g. "value.start").
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise OffsetError(f"{what} is {_shown(value)}; expected a whole number (an integer >= 0)")
    if value < 0:
        raise OffsetError(f"{what} is {value}; expected an integer >= 0")
    return value


def _shown(value) -> str:
    import json

    try:
        return json.dumps(value, ensure_ascii=False)[:40]  # as the export wrote it: true, 3.0, "3", null
    except (TypeError, ValueError):
        return repr(value)[:40]


def _utf16_starts(text: str) -> list[int]:
    """UTF-16 offset of each code point, plus the total length at the end."""
    out, n = [], 0
    for ch in text:
        out.append(n)
        n += 2 if ord(ch) > 0xFFFF else 1
    out.append(n)
    return out


def _grapheme_starts(text: str) -> list[int]:
    """Code-point offset of each grapheme cluster, plus len(text) at the end."""
    return [m.start() for m in _grapheme().finditer(text)] + [len(text)]


class Converter:
    """Converts offsets of one text between a unit and code points (tables built once)."""

    def __init__(self, text: str, unit: str):
        if unit not in UNITS:
            raise ValueError(f"unknown offset unit {unit!r}; expected one of {', '.join(UNITS)}")
        self.text, self.unit = text, unit
        self.length = len(text)
        if unit == "utf16":
            self._starts = _utf16_starts(text)  # code point -> utf16
            self.length = self._starts[-1]
        elif unit == "grapheme":
            self._starts = _grapheme_starts(text)  # grapheme -> code point
            self.length = len(self._starts) - 1

    def to_codepoint(self, offset: int) -> int:
        if offset < 0 or offset > self.length:
            raise OffsetError(f"offset {offset} is outside the text (0..{self.length} {self.unit} units)")
        if self.unit == "codepoint":
            return offset
        if self.unit == "grapheme":
            return self._starts[offset]
        i = bisect.bisect_left(self._starts, offset)
        if self._starts[i] != offset:
            raise OffsetError(
                f"UTF-16 offset {offset} falls inside a surrogate pair (the middle of {self.text[i - 1]!a})"
            )
        return i

    def from_codepoint(self, offset: int) -> int:
        if offset < 0 or offset > len(self.text):
            raise OffsetError(f"offset {offset} is outside the text (0..{len(self.text)} code points)")
        if self.unit == "codepoint":
            return offset
        if self.unit == "utf16":
            return self._starts[offset]
        i = bisect.bisect_left(self._starts, offset)
        if self._starts[i] != offset:
            raise OffsetError(f"code point {offset} falls inside a grapheme cluster")
        return i


def convert(text: str, offset: int, src: str, dst: str) -> int:
    """One offset from unit src to unit dst (convenience for tests and single spans)."""
    cp = Converter(text, src).to_codepoint(offset)
    return Converter(text, dst).from_codepoint(cp)
