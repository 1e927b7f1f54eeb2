"""Strict reading of JSON files: every way a file can be malformed becomes a finding.

Python's ``json`` silently keeps the last of duplicate keys, accepts NaN and Infinity, hands
back lone surrogates and recurses on deep nesting; this module turns each of those into a
finding with a line and column, and never raises. :func:`parse` is ``json.loads`` with hooks
that note duplicate keys, NaN and floats; :func:`bounds` scans the text for nesting and long
numbers; only a file with a problem to locate is scanned for positions.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string scanner; typeshed does not list it
from typing import NamedTuple

from .findings import Finding, pointer
from .text import line_col

MAX_DEPTH = 64

_BRACKETS = re.compile(r"[\[\]{}]")
# Linear on any input: escapes are blanked first, so a string is a plain run of non-quotes; its
# closing quote is optional so that an unterminated string never makes the scan restart inside
# it (with `"(?:[^"\\]|\\.)*"` a file like `"\"\"\"...` took quadratic time and memory).
_ESCAPE = re.compile(r"\\.", re.S)
_STRING = re.compile(r'"[^"]*"?')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
# The look-behind starts a match only at the first digit of a run, which keeps a search over
# runs of 3,999 digits linear (else each run is rescanned from every position in it).
_HUGE_INT = re.compile(r"(?<![0-9])[0-9]{4000,}")
_TOKEN = re.compile(
    r"""[ \t\n\r]*(?:
      (?P<str>")
    | (?P<punct>[{}\[\],:])
    | (?P<lit>NaN|-?Infinity|true|false|null)
    | (?P<num>-?[0-9][0-9.eE+-]*)
    )""",
    re.X | re.S,
)


def _blank(m: re.Match) -> str:
    return " " * len(m.group())


def blank_strings(text: str) -> str:
    """text with every string literal (and escape) replaced by spaces; offsets are kept."""
    if '"' not in text:
        return text
    return _STRING.sub(_blank, _ESCAPE.sub(_blank, text) if "\\" in text else text)


def max_depth(text: str, limit: int = MAX_DEPTH) -> tuple[int, int]:
    """(depth, offset) of the first point where nesting exceeds limit, or (max depth, -1)."""
    if text.count("[") + text.count("{") <= limit:
        return 0, -1
    stripped = blank_strings(text)
    depth = best = 0
    for m in _BRACKETS.finditer(stripped):
        if m.group() in "[{":
            depth += 1
            if depth > limit:
                return depth, m.start()
            best = max(best, depth)
        else:
            depth -= 1
    return best, -1


def bounds(text: str, max_nesting: int = MAX_DEPTH) -> list[Finding]:
    """json-too-deep or json-number-too-large where the text nests deeper than max_nesting or
    holds a number of thousands of digits; an empty list when it does neither. Linear."""
    _, off = max_depth(text, max_nesting)
    if off >= 0:
        line, col = line_col(text, off)
        return [
            Finding(
                "json-too-deep",
                f"nesting deeper than {max_nesting} levels; an annotation file needs at most 5",
                line=line,
                column=col,
            )
        ]
    m = _HUGE_INT.search(text)
    if m:  # a long run of digits; a number only when it is outside every string
        m = _HUGE_INT.search(blank_strings(text))
    if m:
        line, col = line_col(text, m.start())
        return [
            Finding(
                "json-number-too-large",
                f"a number of {len(m.group())} digits; offsets are at most 10 digits",
                line=line,
                column=col,
            )
        ]
    return []


class _NonFinite(float):
    """NaN or Infinity as parsed, kept so that the schema and checks still see a number."""


def _short_int(digits: str) -> int:
    if len(digits) >= 4000:
        raise ValueError(f"a number of {len(digits)} digits")
    return int(digits)


# Python 3.10 converts numbers of any length, in time quadratic in their digits; later versions
# refuse numbers of over 4,300 digits (a ValueError: then bounds() says what is wrong).
_PARSE_INT = None if hasattr(sys, "get_int_max_str_digits") else _short_int


class Parsed(NamedTuple):
    value: object  # None when the text could not be parsed (the findings say why)
    findings: list[Finding]
    floats: bool  # whether a number has a fraction or exponent (or is NaN/Infinity)


def parse(text: str) -> Parsed:
    """The value of a JSON text, and findings of duplicate keys, NaN or Infinity, lone surrogates
    and syntax errors.

    Nesting depth and the length of numbers are :func:`bounds`' business: json.loads itself
    stops at the interpreter's recursion limit, and at 4,300 digits (a syntax finding here).
    """
    dup, nonfinite, floats = [], [], []

    def pairs_hook(pairs):
        d = dict(pairs)
        if len(d) != len(pairs):
            dup.append(True)
        return d

    def constant(name):
        nonfinite.append(name)
        return _NonFinite(name)

    def fraction(digits):
        floats.append(True)
        return float(digits)

    try:
        value = json.loads(
            text, object_pairs_hook=pairs_hook, parse_constant=constant, parse_float=fraction, parse_int=_PARSE_INT
        )
    except json.JSONDecodeError as e:
        return Parsed(
            None,
            [
                Finding(
                    "json-syntax",
                    f"not valid JSON: {e.msg}",
                    line=e.lineno,
                    column=e.colno,
                    hint="check the file with a JSON linter; a common cause is a trailing comma or an unquoted key",
                )
            ],
            False,
        )
    except (ValueError, RecursionError) as e:  # int digit limits and the like
        return Parsed(None, [Finding("json-syntax", f"not valid JSON: {e}")], False)
    findings = []
    if dup or nonfinite:
        positions = Positions(text)
        for ptr, key, off in positions.duplicates:
            line, col = line_col(text, off)
            findings.append(
                Finding(
                    "json-duplicate-key",
                    f"key {json.dumps(key)} appears more than once in this object; JSON readers keep only one of them",
                    pointer=ptr,
                    line=line,
                    column=col,
                    hint="remove or rename one of the duplicate keys",
                )
            )
        for ptr in positions.nonfinite:
            at_line, at_col = positions.locate(ptr)
            findings.append(
                Finding(
                    "json-nonfinite",
                    "NaN or Infinity is not JSON; expected a finite number",
                    pointer=ptr,
                    line=at_line,
                    column=at_col,
                )
            )
    if "\\" in text and _SURROGATE_ESCAPE.search(text):
        for ptr, s in _strings(value):
            if _SURROGATE.search(s):
                findings.append(
                    Finding(
                        "json-lone-surrogate",
                        "the string holds a lone UTF-16 surrogate escape (e.g. \\ud800), which is not a Unicode character",
                        pointer=ptr,
                        hint="escape the whole surrogate pair or write the character itself",
                    )
                )
    return Parsed(value, findings, bool(floats or nonfinite))


def parse_bounded(text: str, max_nesting: int = MAX_DEPTH) -> Parsed:
    """:func:`parse` of a text within :func:`bounds`; else bounds' finding and no value. For the
    readers whose callers walk the value before any schema has bounded it (the validator
    skips the scan for a file that jsonschema-rs passes)."""
    too_deep_or_large = bounds(text, max_nesting)
    return Parsed(None, too_deep_or_large, False) if too_deep_or_large else parse(text)


def _strings(value):
    """(pointer, string) for every string in value, keys included; iterative, so depth-safe."""
    stack = [("", value)]
    while stack:
        ptr, v = stack.pop()
        if isinstance(v, str):
            yield ptr, v
        elif isinstance(v, dict):
            for k, x in v.items():
                yield ptr, k
                stack.append((ptr + pointer(k), x))
        elif isinstance(v, list):
            stack.extend((ptr + pointer(i), x) for i, x in enumerate(v))


class Positions:
    """Where each JSON pointer starts in a text (for line:column in reports).

    An iterative scan over tokens; assumes the text is syntactically valid JSON.
    Members point at their key, array items at their value.
    """

    def __init__(self, text: str):
        self.text = text
        self.offsets: dict[str, int] = {}
        self.duplicates: list[tuple[str, str, int]] = []
        self.nonfinite: list[str] = []
        self._line_starts: list[int] | None = None
        self._scan()

    def _scan(self) -> None:
        text, offsets = self.text, self.offsets
        stack: list[list] = []  # [kind, pointer, index-or-key, keys-seen, expecting-key]
        i, n = 0, len(text)

        def here() -> str:
            if not stack:
                return ""
            f = stack[-1]
            return f[1] + pointer(f[2])

        while i < n:
            m = _TOKEN.match(text, i)
            if not m:
                break
            i = m.end()
            start = m.start(m.lastgroup or 0)  # every alternative of _TOKEN is a named group
            value = None
            if m.group("str"):
                # the C string scanner: linear, and no regex backtracking state per escape
                try:
                    value, i = scanstring(text, i)
                except ValueError:
                    break
            if m.group("punct"):
                c = m.group("punct")
                if c in "{[":
                    ptr = here()
                    offsets.setdefault(ptr, start)
                    stack.append(["obj" if c == "{" else "arr", ptr, 0 if c == "[" else None, set(), True])
                elif c in "}]":
                    if stack:
                        stack.pop()
                elif c == "," and stack:
                    f = stack[-1]
                    if f[0] == "arr":
                        f[2] += 1
                    else:
                        f[4] = True
                elif c == ":" and stack:
                    stack[-1][4] = False
            elif m.group("str") and value is not None and stack and stack[-1][0] == "obj" and stack[-1][4]:
                f = stack[-1]
                key = value
                f[2] = key
                ptr = f[1] + pointer(key)
                if key in f[3]:
                    self.duplicates.append((ptr, key, start))
                else:
                    offsets[ptr] = start
                f[3].add(key)
            else:
                ptr = here()
                offsets.setdefault(ptr, start)
                if m.group("lit") in ("NaN", "Infinity", "-Infinity"):
                    self.nonfinite.append(ptr)

    def locate(self, ptr: str) -> tuple[int | None, int | None]:
        """Line and column of a pointer, or of its nearest ancestor that is in the file."""
        while True:
            if ptr in self.offsets:
                off = self.offsets[ptr]
                if self._line_starts is None:
                    self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
                line = bisect.bisect_right(self._line_starts, off)
                return line, off - self._line_starts[line - 1] + 1
            if not ptr:
                return None, None
            ptr = ptr.rsplit("/", 1)[0]
