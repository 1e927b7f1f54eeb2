"""The one strict reader: bytes -> text or JSON value, and every way they can be malformed as a located Problem.

Python's ``json`` keeps the last of duplicate keys, accepts NaN and Infinity, hands back lone surrogates and
recurses on deep nesting: here each is a problem, and nothing raises.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import json
import math
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string scanner; typeshed does not list it
from typing import Any, NamedTuple

import jsonschema_rs

from . import schema
from .report import Problem, pointer, show
from .text import BOM, DecodeError, decode, line_col

MAX_DEPTH = 64

# Linear on any input: escapes are blanked first, so a string is a plain run of non-quotes; its
# closing quote is optional so that an unterminated string never makes the scan restart inside
# it (with `"(?:[^"\\]|\\.)*"` a file like `"\"\"\"...` took quadratic time and memory).
_ESCAPE = re.compile(r"\\.", re.S)
_STRING = re.compile(r'"[^"]*"?')
_BRACKETS = re.compile(r"[\[\]{}]")
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


def bounds(text: str) -> list[Problem]:
    """json-too-deep or json-number-too-large where the text nests deeper than MAX_DEPTH or holds a huge number."""
    if text.count("[") + text.count("{") > MAX_DEPTH:
        depth = 0
        for m in _BRACKETS.finditer(blank_strings(text)):
            depth += 1 if m.group() in "[{" else -1
            if depth > MAX_DEPTH:
                message = f"nesting deeper than {MAX_DEPTH} levels; an annotation file needs at most 5"
                return [Problem("json-too-deep", message, "", None, *line_col(text, m.start()))]
    # a long run of digits is a number only when it is outside every string
    huge = _HUGE_INT.search(text) and _HUGE_INT.search(blank_strings(text))
    if huge:
        message = f"a number of {len(huge.group())} digits; offsets are at most 10 digits"
        return [Problem("json-number-too-large", message, "", None, *line_col(text, huge.start()))]
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
    value: Any  # None when the text could not be parsed (the problems say why)
    problems: list[Problem]
    floats: bool  # whether a number has a fraction or exponent (or is NaN/Infinity)


def parse(text: str) -> Parsed:
    """The value of a JSON text and its problems (a text that nests too deep or holds a huge number: that alone)."""
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
        hint = "check the file with a JSON linter; a common cause is a trailing comma or an unquoted key"
        # json names a place in some messages ("Unterminated string starting at") and leaves it to lineno/colno
        msg = f"{e.msg} line {e.lineno} column {e.colno}" if e.msg.endswith(" at") else e.msg
        found = bounds(text) or [
            Problem("json-syntax", f"not valid JSON: {msg}", line=e.lineno, column=e.colno, hint=hint)
        ]
        return Parsed(None, found, False)
    except (ValueError, RecursionError) as e:  # int digit limits and the like
        return Parsed(None, bounds(text) or [Problem("json-syntax", f"not valid JSON: {e}")], False)
    problems = []
    if dup or nonfinite:
        positions = Positions(text)
        for ptr, key, off in positions.duplicates:
            message = f"key {json.dumps(key)} appears more than once in this object; JSON readers keep only one of them"
            hint = "remove or rename one of the duplicate keys"
            problems.append(Problem("json-duplicate-key", message, ptr, hint, *line_col(text, off)))
        message = "NaN or Infinity is not JSON; expected a finite number"
        problems += [
            Problem("json-nonfinite", message, ptr, None, *positions.locate(ptr)) for ptr in positions.nonfinite
        ]
    if "\\" in text and _SURROGATE_ESCAPE.search(text):
        message = "the string holds a lone UTF-16 surrogate escape (e.g. \\ud800), which is not a Unicode character"
        hint = "escape the whole surrogate pair or write the character itself"
        problems += [
            Problem("json-lone-surrogate", message, ptr, hint) for ptr, s in _strings(value) if _SURROGATE.search(s)
        ]
    return Parsed(value, problems, bool(floats or nonfinite))


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
    """Where each JSON pointer starts in a valid JSON text (a member at its key), its duplicate keys and non-finite
    numbers, by an iterative scan over its tokens."""

    def __init__(self, text: str):
        self.text = text
        self.offsets: dict[str, int] = {}
        self.duplicates: list[tuple[str, str, int]] = []
        self.nonfinite: list[str] = []
        self._line_starts: list[int] | None = None
        offsets = self.offsets
        stack: list[list] = []  # [kind, pointer, index-or-key, keys-seen, expecting-key]
        i, n = 0, len(text)
        while i < n:
            m = _TOKEN.match(text, i)
            if not m:
                break
            i = m.end()
            start = m.start(m.lastgroup or 0)  # every alternative of _TOKEN is a named group
            here = stack[-1][1] + pointer(stack[-1][2]) if stack else ""
            value = None
            if m.group("str"):
                try:  # the C string scanner: linear, and no regex backtracking state per escape
                    value, i = scanstring(text, i)
                except ValueError:
                    break
            c = m.group("punct")
            if c in ("{", "["):
                offsets.setdefault(here, start)
                stack.append(["obj" if c == "{" else "arr", here, 0 if c == "[" else None, set(), True])
            elif c in ("}", "]"):
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
            elif value is not None and stack and stack[-1][0] == "obj" and stack[-1][4]:
                f = stack[-1]
                f[2] = value
                ptr = f[1] + pointer(value)
                if value in f[3]:
                    self.duplicates.append((ptr, value, start))
                else:
                    offsets[ptr] = start
                f[3].add(value)
            elif c is None:
                offsets.setdefault(here, start)
                if m.group("lit") in ("NaN", "Infinity", "-Infinity"):
                    self.nonfinite.append(here)

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


# corpus files -----------------------------------------------------------------------------------


def decode_file(data: bytes, is_json: bool) -> tuple[str | None, list[Problem]]:
    """The text of a corpus JSON file (is_json=True, no BOM) or corpus text, or None and the problem that says why."""
    if not data or data.isspace():
        message = "the file is empty" + ("; expected a JSON object" if is_json else "")
        hint = "write the content or remove the file" if is_json else "add the text or remove the document"
        return None, [Problem("file-empty", message, hint=hint)]
    try:
        return decode(data, bom=not is_json), []
    except DecodeError as e:
        fix = e.hint if is_json or not e.hint else f"{e.hint}, then run `newsspan canonicalize`"
        check = "file-encoding" if is_json else "text-encoding"
        return None, [Problem(check, e.reason, line=e.line, column=e.column, hint=fix)]


class JsonFile(NamedTuple):
    value: Any  # the parsed value, or None when the file cannot be parsed
    problems: list[Problem]  # every problem, each located by line and column
    valid: bool  # the value passed its schema


def read_json(data: bytes, schema_name: str) -> JsonFile:
    """A corpus JSON file checked against its schema ('annotation' or 'document'): its value (None when
    unreadable) and every problem, located."""
    text, problems = decode_file(data, is_json=True)
    if text is None:
        return JsonFile(None, problems, False)
    value, problems, floats = parse(text)
    if not problems:
        if isinstance(value, dict) and passes(schema_name, value, text, floats):
            return JsonFile(value, [], True)
        problems = bounds(text)  # a file the schema fails may nest or count beyond any schema's bounds
        if problems:
            return JsonFile(None, problems, False)
    elif value is None:
        return JsonFile(None, problems, False)
    if not isinstance(value, dict):
        found = f"expected a JSON object at the top level, found {type_name(value)}"
        problems.append(
            Problem("schema", found, hint=f"the file holds one object following schema/{schema_name}.schema.json")
        )
        return JsonFile(None, locate(text, problems), False)
    schema_problems = explain(schema_name, value)
    return JsonFile(value, locate(text, problems + schema_problems), not schema_problems)


def locate(text: str, problems: list[Problem]) -> list[Problem]:
    """problems, each with the line and column of its pointer in text where it has none."""
    positions = None
    out = []
    for p in problems:
        if p.line is None and p.pointer:
            positions = positions or Positions(text)
            line, column = positions.locate(p.pointer)
            p = replace(p, line=line, column=column)
        out.append(p)
    return out


def load_json(data: bytes, schema_name: str) -> dict:
    """A corpus JSON file that a command builds on: valid against its schema, else ValueError naming its first problem."""
    value, problems, _ = read_json(data, schema_name)
    if problems:
        first = problems[0]
        if first.check == "schema":
            more = f"; and {len(problems) - 1} more problem(s)" if len(problems) > 1 else ""
            why = f"does not follow the {schema_name} schema ({first.pointer or '/'}: {first.message}{more})"
        else:
            why = f"cannot be read{' as JSON' if first.check.startswith('json') else ''} ({first.message})"
        raise ValueError(f"{why}; fix it (`newsspan validate`) first")
    return value


# the schemas: jsonschema-rs passes, jsonschema explains -----------------------------------------

# Where jsonschema-rs passes a string that jsonschema does not: Python's `re` counts U+001C to
# U+001F and U+0085 as whitespace (\s, \S), Rust's regex does not. In JSON text the first four
# can only be escapes; U+0085 may also stand as itself.
_DIFFERING_ESCAPE = re.compile(r"\\u00(?:1[c-fC-F]|85)")


@functools.cache
def _compiled(name: str):
    return jsonschema_rs.validator_for(schema.load(name))


def passes(name: str, instance, source: str, floats: bool) -> bool:
    """Whether instance, parsed from source, is valid by ``jsonschema-rs`` (a hundred times faster than
    ``jsonschema``); where the two differ (12.0 is an integer to it; _DIFFERING_ESCAPE), False: ask :func:`explain`."""
    differ = "\x85" in source or ("\\u00" in source and _DIFFERING_ESCAPE.search(source) is not None)
    return not floats and not differ and _compiled(name).is_valid(instance)


def type_name(v) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number with a fraction part" if math.isfinite(v) else "a non-finite number"
    names = {str: "a string", list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(v), type(v).__name__)


def explain(name: str, instance) -> list[Problem]:
    """Every violation of schema `name` by instance, found and explained by ``jsonschema``."""
    out: dict[tuple[str, str], Problem] = {}
    for err in schema.validator(name).iter_errors(instance):
        msg, hint = _describe(err)
        # jsonschema yields one `required` error per missing property; _describe names them all
        p = Problem("schema", msg, pointer(*err.absolute_path), hint)
        out.setdefault((p.pointer, p.message), p)
    return list(out.values())


def _describe(err) -> tuple[str, str | None]:
    v, kw, inst = err.validator_value, err.validator, err.instance
    if kw == "type":
        want = v if isinstance(v, str) else " or ".join(v)
        msg = f"expected {'an' if want[0] in 'aeiou' else 'a'} {want}, found {show(inst)} ({type_name(inst)})"
        hint = 'offsets are whole numbers of code points, written without quotes or decimal point (e.g. 12, not 12.0 or "12")'
        return msg, hint if want == "integer" and isinstance(inst, (float, str, bool)) else None
    if kw == "required":
        missing = [k for k in v if isinstance(inst, dict) and k not in inst]
        message = f"missing required propert{'ies' if len(missing) > 1 else 'y'} {', '.join(show(k) for k in missing)}"
        return message, None
    if kw == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        extra = [k for k in inst if k not in allowed] if isinstance(inst, dict) else []
        close = next((c[0] for k in extra if (c := difflib.get_close_matches(k, allowed, n=1))), None)
        message = f"unexpected propert{'ies' if len(extra) > 1 else 'y'} {', '.join(show(k) for k in extra)}; allowed: {', '.join(allowed)}"
        return message, f"did you mean {show(close)}?" if close else "remove it"
    if kw == "enum":
        nearest = schema.closest(inst, [str(x) for x in v]) if isinstance(inst, str) else None
        shown = ", ".join(str(x) for x in v[:20]) + (", …" if len(v) > 20 else "")
        hint = f"did you mean {show(nearest)}? (labels come from the schema; a tool label needs --label-map on import)"
        return f"{show(inst)} is not one of {shown}", hint if nearest else None
    if kw == "const":
        return f"expected {show(v)}, found {show(inst)}", None
    if kw == "pattern":
        defs = schema.load("annotation")["$defs"]
        if v == defs["spanId"]["pattern"]:
            layer = next((str(p) for p in err.absolute_path if p in schema.layers()), "x")
            hint = f"use e.g. {show(schema.safe_span_id(inst, layer[0]))}"
            return f"{show(inst)} is not a valid span id: span ids are {schema.SPAN_ID_RULE}", hint
        if v == defs["documentId"]["pattern"]:
            suggestion = schema.safe_id(inst)
            rename = f"use e.g. {show(suggestion)} (and name the files after it)" if suggestion else None
            return f"{show(inst)} is not a valid document id: ids are {schema.DOCUMENT_ID_RULE}", rename
        message = f"{show(inst)} does not have the required form: {err.schema.get('description') or f'must match {v}'}"
        return message, None
    if kw in ("minimum", "maximum"):
        return f"{show(inst)} is {'below the minimum' if kw == 'minimum' else 'above the maximum'} of {v}", None
    if kw == "minLength":
        return f"{show(inst)} is shorter than {v} character{'s' * (v != 1)}", None
    if kw == "maxLength":
        return f"a string of {len(inst)} characters is longer than the maximum of {v}", None
    if kw == "maxItems":
        return f"{len(inst)} items, more than the maximum of {v}", None
    if kw == "oneOf" and isinstance(inst, dict) and "source" in str(err.schema):
        if "source" in inst and "source_span" in inst:
            hint = "keep `source` for a named entity, `source_span` otherwise"
            return "a source attribution has both `source` and `source_span`; expected exactly one", hint
        message = "a source attribution needs `source` (id of the source's entity mention) or `source_span` (its span)"
        return message, None
    if kw == "not" and isinstance(inst, dict) and "source" in str(err.schema):
        message = f"attribution type {show(inst.get('type'))} may not have `source` or `source_span`"
        return message, 'set type to "source", or remove the source'
    return err.message, None


# tool exports ----------------------------------------------------------------------------------

AGAIN = "or export the file again from the tool"
_EXPORT_HINTS = {  # how to fix an export, per problem of parse()
    "json-syntax": "check the file with a JSON linter (a trailing comma, a file cut short), " + AGAIN,
    "json-duplicate-key": "remove one of the two keys (newsspan does not guess which value the tool meant), " + AGAIN,
    "json-nonfinite": "write a number there (offsets are whole numbers), " + AGAIN,
    "json-lone-surrogate": "write the character itself, or both halves of its surrogate pair (\\ud83d\\ude00), "
    + AGAIN,
    "json-number-too-large": "write the number the tool meant, " + AGAIN,
    "json-too-deep": "export the file again from the tool (its exports are never nested this deep)",
}


def lines(text: str) -> list[str]:
    """The lines of a JSON Lines or brat ``.ann`` file, ended by ``\\n`` or ``\\r\\n`` only (``str.splitlines()`` also
    ends lines at U+2028, U+0085 and others, which quotes may carry raw)."""
    out = text.split("\n")
    if out[-1] == "":  # the last line end closes the last line; it opens no empty one
        out.pop()
    return [line[:-1] if line.endswith("\r") else line for line in out]


def export_text(data: bytes, name: str, problems: list[Problem], *, keep_bom: bool = False) -> str | None:
    """The text of an export file, or None with a problem naming the file, line and column. A leading BOM is
    dropped (Windows tools write one), unless keep_bom (brat counts it in its offsets)."""
    try:
        text = decode(data)
    except DecodeError as e:
        where = name if e.line is None else f"{name}:{e.line}:{e.column}"
        problems.append(Problem("export", e.reason, hint=f"{e.hint or 'save the file as UTF-8'}, {AGAIN}", where=where))
        return None
    return text if keep_bom or not text.startswith(BOM) else text[1:]


ItemNamer = Callable[[object, str], "str | None"]


def export_json(data: bytes, name: str, problems: list[Problem], *, what: str, item: ItemNamer | None = None):
    """The value of a JSON export, or None with every problem found listed. what: what the file should be,
    for a syntax error; item(value, pointer): names the item a pointer lies in ("task 3, annotation 7")."""
    text = export_text(data, name, problems)
    return None if text is None else export_parse(text, name, problems, what=what, item=item)


def export_parse(text: str, name: str, problems: list[Problem], *, what: str, item: ItemNamer | None = None):
    """export_json of a text already decoded."""
    value, found = _export_parse(text, name, what, item)
    problems += found
    return None if found else value


def export_records(data: bytes, name: str, problems: list[Problem], *, what: str, whole: bool = False):
    """The records of a JSON Lines export as (line number, value), or None with every problem listed. whole=True
    also takes a JSON list of records or one record (doccano writes each) when the file parses as a whole."""
    text = export_text(data, name, problems)
    if text is None:
        return None
    if whole:
        value, found = _export_parse(text, name, what, _record_index)
        if value is not None:
            problems += found
            if found:
                return None
            if not isinstance(value, list):
                return [(1, value)]
            positions = Positions(text)
            return [(positions.locate(f"/{i}")[0] or 1, v) for i, v in enumerate(value)]
    out, found = [], []
    for n, line in enumerate(lines(text), 1):
        if line.strip():
            value, more = _export_parse(line, name, what, None, line=n)
            found += more
            out.append((n, value))
    problems += found
    return None if found else out


def _record_index(value, ptr: str) -> str | None:
    # "record 3, /label/0" for /2/label/0
    parts = ptr.split("/")
    if isinstance(value, list) and len(parts) > 1 and parts[1].isdigit():
        inner = "/".join(parts[2:])
        return f"record {int(parts[1]) + 1}" + (f", /{inner}" if inner else "")
    return None


def _export_parse(text: str, name: str, what: str, item, line: int = 1) -> tuple[Any, list[Problem]]:
    """parse(), its problems naming the export file, line (a JSON Lines record's from line on), column and item."""
    value, found, _ = parse(text)
    out = []
    for p in locate(text, found):  # (a problem without a line has a pointer only when the text parsed)
        where = name if p.line is None else f"{name}:{line + p.line - 1}:{p.column}"
        named = item(value, p.pointer) if item is not None and value is not None and p.pointer else None
        if named or p.pointer:
            where += f" ({named or p.pointer})"
        message = f"{p.message}; {what}" if p.check == "json-syntax" else p.message
        out.append(Problem(p.check, message, hint=_EXPORT_HINTS.get(p.check, p.hint), where=where))
    return value, out
