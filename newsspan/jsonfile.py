"""Strict reading of JSON files: every way a file can be malformed becomes a finding.

Python's ``json`` silently keeps the last of duplicate keys, accepts NaN and Infinity, hands
back lone surrogates and recurses on deep nesting; this module turns each of those into a
finding with a line and column, and never raises. The fast path is plain ``json.loads``;
the slower position scan runs only for files that have a problem to locate.
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string scanner; typeshed does not list it

from .findings import Finding, pointer

MAX_DEPTH = 64

_BRACKETS = re.compile(r"[\[\]{}]")
# Linear on any input: escapes are blanked first, so a string is a plain run of non-quotes; its
# closing quote is optional so that an unterminated string never makes the scan restart inside
# it (with `"(?:[^"\\]|\\.)*"` a file like `"\"\"\"...` took quadratic time and memory).
_ESCAPE = re.compile(r"\\.", re.S)
_STRING = re.compile(r'"[^"]*"?')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
# The look-behind starts a match only at the first digit of a run; without it a search over
# runs of 3,999 digits rescanned each run from every position (thousands of times the size).
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


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of an offset into text."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def decode(data: bytes, what: str = "JSON") -> tuple[str | None, list[Finding]]:
    """Bytes to str, refusing anything but plain UTF-8."""
    # data.isspace() rather than `not data.strip()` (the same test, without copying the file),
    # and NUL looked for in the bytes (in UTF-8 no other character holds a 0 byte): each of
    # these runs on every file
    if not data or data.isspace():
        return None, [Finding("file-empty", f"the file is empty; expected a {what} document",
                              hint="write the content or remove the file")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        return None, [Finding("file-encoding", "the file is UTF-16 encoded; expected UTF-8",
                              hint="save the file as UTF-8 (without BOM)")]
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [Finding("file-encoding", "the file starts with a UTF-8 byte order mark; expected UTF-8 without BOM",
                              hint="save the file as UTF-8 without BOM", line=1, column=1)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        kind = "binary data" if b"\x00" in data[:4096] else "bytes that are not UTF-8"
        return None, [Finding("file-encoding", f"the file holds {kind} (byte 0x{data[e.start]:02x} at byte offset {e.start}); expected UTF-8",
                              hint="save the file as UTF-8", line=line, column=col)]
    if b"\x00" in data:
        off = text.index("\x00")
        line, col = line_col(text, off)
        return None, [Finding("file-encoding", "the file holds NUL characters (binary data); expected UTF-8 text",
                              line=line, column=col)]
    return text, []


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


class _NonFinite(float):
    """NaN or Infinity as parsed, kept so that the schema and checks still see a number."""


def parse(text: str, *, max_nesting: int = MAX_DEPTH) -> tuple[object, list[Finding]]:
    """Parse JSON text; returns (value, findings). value is None when it could not be parsed."""
    _, off = max_depth(text, max_nesting)
    if off >= 0:
        line, col = line_col(text, off)
        return None, [Finding("json-too-deep", f"nesting deeper than {max_nesting} levels; an annotation file needs at most 5",
                              line=line, column=col)]
    m = _HUGE_INT.search(text)
    if m:  # a long run of digits; a number only when it is outside every string
        m = _HUGE_INT.search(blank_strings(text))
    if m:
        line, col = line_col(text, m.start())
        return None, [Finding("json-number-too-large", f"a number of {len(m.group())} digits; offsets are at most 10 digits",
                              line=line, column=col)]
    dup = []
    nonfinite = []

    def pairs_hook(pairs):
        d = dict(pairs)
        if len(d) != len(pairs):
            dup.append(True)
        return d

    def constant(name):
        nonfinite.append(name)
        return _NonFinite(name)

    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=constant)
    except json.JSONDecodeError as e:
        return None, [Finding("json-syntax", f"not valid JSON: {e.msg}", line=e.lineno, column=e.colno,
                              hint="check the file with a JSON linter; a common cause is a trailing comma or an unquoted key")]
    except (ValueError, RecursionError) as e:  # int digit limits and the like
        return None, [Finding("json-syntax", f"not valid JSON: {e}")]
    findings = []
    if dup or nonfinite:
        positions = Positions(text)
        for ptr, key, off in positions.duplicates:
            line, col = line_col(text, off)
            findings.append(Finding("json-duplicate-key", f"key {json.dumps(key)} appears more than once in this object; JSON readers keep only one of them",
                                    pointer=ptr, line=line, column=col, hint="remove or rename one of the duplicate keys"))
        for ptr in positions.nonfinite:
            at_line, at_col = positions.locate(ptr)
            findings.append(Finding("json-nonfinite", "NaN or Infinity is not JSON; expected a finite number",
                                    pointer=ptr, line=at_line, column=at_col))
    if _SURROGATE_ESCAPE.search(text):
        for ptr, s in _strings(value):
            if _SURROGATE.search(s):
                findings.append(Finding("json-lone-surrogate", "the string holds a lone UTF-16 surrogate escape (e.g. \\ud800), which is not a Unicode character",
                                        pointer=ptr, hint="escape the whole surrogate pair or write the character itself"))
    return value, findings


class _Unclean(Exception):
    """Raised from a parse hook: the text has something parse() must report."""


def _pairs_no_duplicates(pairs):
    d = dict(pairs)
    if len(d) != len(pairs):
        raise _Unclean
    return d


def _refuse_constant(name):
    raise _Unclean


def parse_plain(text: str, *, surrogates_searched: bool = False) -> tuple[object, bool] | None:
    """The fast parse for the common, clean file: (value, whether it holds a float), or None.

    None means parse() must decide: the text is not plain JSON (syntax, duplicate keys,
    NaN/Infinity, huge numbers) or holds a surrogate escape. Nesting depth and long numbers
    below the int-parsing limit are NOT checked here: the caller accepts the value only where
    a schema bounds both (see newsspan.fastpath). surrogates_searched: the caller has already
    made sure that the text holds no surrogate escape (as part of a scan of its own).
    """
    if not surrogates_searched and _SURROGATE_ESCAPE.search(text):
        return None
    try:
        return _PLAIN.decode(text), False
    except _Float:  # rare: parsed again, keeping the floats
        pass
    except (_Unclean, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None
    try:
        return _PLAIN_FLOATS.decode(text), True
    except (_Unclean, ValueError, RecursionError):
        return None


class _Float(Exception):
    """Raised from parse_float: the text holds a float (parse_plain reports that)."""


def _refuse_float(s):
    raise _Float


# Built once: json.loads(text, **hooks) builds a decoder per call, which cost more than a
# small file's parse. The hooks hold no state, so one decoder serves every call.
_PLAIN = json.JSONDecoder(object_pairs_hook=_pairs_no_duplicates, parse_constant=_refuse_constant,
                          parse_float=_refuse_float)
_PLAIN_FLOATS = json.JSONDecoder(object_pairs_hook=_pairs_no_duplicates, parse_constant=_refuse_constant)


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
