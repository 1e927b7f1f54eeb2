"""Tool exports read as strictly as corpus files: one decoder, one JSON reader, problems with line and column.

Text files (brat ``.txt``/``.ann``, WebAnno TSV, CoNLL-U) go through :func:`newsspan.text.decode`,
JSON and JSON Lines exports (Label Studio, doccano, Prodigy, UIMA CAS JSON) through
:func:`newsspan.jsonfile.parse`, the reader the validator uses. So invalid UTF-8, duplicate keys
(Python's ``json`` keeps the last one silently), NaN and Infinity, lone surrogate escapes
(``"\\ud800"``), syntax errors, and nesting or numbers beyond what Python's parser takes are each an
error naming the export file with its line and column (and the item, where the reader can name it);
the file is not read further. Only a file with a problem is scanned further (its nesting and
numbers, the positions of what it holds).

A UTF-8 byte order mark at the start of an export is accepted and dropped (Windows tools write
one), as ``utf-8-sig`` does; anywhere else it is a character like any other (in JSON, a syntax error).
UTF-16 is refused: JSON is UTF-8 (RFC 8259), and the tools' own readers of the text formats (the brat
server, WebAnno TSV, CoNLL-U) read UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import jsonfile
from ..text import BOM, DecodeError, decode
from . import Issue, lines

AGAIN = "or export the file again from the tool"
HINTS = {  # how to fix an export, per finding of newsspan.jsonfile.parse
    "json-duplicate-key": "remove one of the two keys (newsspan does not guess which value the tool meant), " + AGAIN,
    "json-nonfinite": "write a number there (offsets are whole numbers), " + AGAIN,
    "json-lone-surrogate": "write the character itself, or both halves of its surrogate pair (\\ud83d\\ude00), "
    + AGAIN,
    "json-number-too-large": "write the number the tool meant, " + AGAIN,
    "json-too-deep": "export the file again from the tool (its exports are never nested this deep)",
}


def text_of(data: bytes, name: str, errors: list[Issue], *, keep_bom: bool = False) -> str | None:
    """The text of an export file, or None with an error naming the file, line and column.

    keep_bom: a leading BOM stays a character of the text (brat counts it in its offsets).
    """
    try:
        text = decode(data)
    except DecodeError as e:
        where = name if e.line is None else f"{name}:{e.line}:{e.column}"
        errors.append(Issue(where, e.reason, f"{e.hint or 'save the file as UTF-8'}, {AGAIN}"))
        return None
    return text if keep_bom or not text.startswith(BOM) else text[1:]


def json_value(
    data: bytes, name: str, errors: list[Issue], *, what: str, item: Callable[[object, str], str | None] | None = None
) -> object | None:
    """The value of a JSON export, or None with every problem found listed as an error.

    what: what the file should be, for a syntax error ("a Label Studio export is a JSON list of tasks").
    item(value, pointer): names the item a JSON pointer lies in ("task 3, annotation 7, result x2"),
    given the value as parsed (a duplicate key, NaN or a lone surrogate still parse).
    """
    text = text_of(data, name, errors)
    return None if text is None else parse_json(text, name, errors, what=what, item=item)


def parse_json(
    text: str, name: str, errors: list[Issue], *, what: str, item: Callable[[object, str], str | None] | None = None
) -> object | None:
    """json_value of a text already decoded (by text_of)."""
    value, problems = _parse(text, name, what, item)
    errors += problems
    return None if problems else value


def json_records(data: bytes, name: str, errors: list[Issue], *, what: str) -> list[tuple[int, object]] | None:
    """The records of a JSON Lines export as (line number, value), blank lines skipped; None with
    every problem found listed as an error (the line of the record, the column in the file)."""
    text = text_of(data, name, errors)
    return None if text is None else _records(text, name, errors, what)


def json_or_records(data: bytes, name: str, errors: list[Issue], *, what: str) -> list[tuple[int, object]] | None:
    """The records of a file that is JSON Lines, a JSON list of records or one JSON record (doccano
    writes each), as (line where the record starts, value); None with every problem listed as an error.

    The file is JSON when it parses as a whole (its problems then are the JSON file's, each naming
    its record); else it is read as JSON Lines.
    """
    text = text_of(data, name, errors)
    if text is None:
        return None
    value, problems = _parse(text, name, what, _record_index)
    if value is None:
        return _records(text, name, errors, what)
    errors += problems
    if problems:
        return None
    if not isinstance(value, list):
        return [(1, value)]
    positions = jsonfile.Positions(text)
    return [(positions.locate(f"/{i}")[0] or 1, v) for i, v in enumerate(value)]


def _record_index(value, pointer: str) -> str | None:
    """The record a pointer into a JSON list of records falls in: "record 3, /label/0" for /2/label/0."""
    parts = pointer.split("/")
    if isinstance(value, list) and len(parts) > 1 and parts[1].isdigit():
        inner = "/".join(parts[2:])
        return f"record {int(parts[1]) + 1}" + (f", /{inner}" if inner else "")
    return None


def _records(text: str, name: str, errors: list[Issue], what: str) -> list[tuple[int, object]] | None:
    out, problems = [], []
    for n, line in enumerate(lines(text), 1):
        if not line.strip():
            continue
        value, found = _parse(line, name, what, None, line=n)
        problems += found
        out.append((n, value))
    errors += problems
    return None if problems else out


def _parse(text: str, name: str, what: str, item, line: int | None = None) -> tuple[object | None, list[Issue]]:
    """jsonfile.parse, its findings as Issues naming the file, line and column, and the item.

    line: the line of a JSON Lines record (its findings are on the record's line 1)."""
    value, findings, _ = jsonfile.parse(text)
    if not findings:
        return value, []
    too_deep_or_large = jsonfile.bounds(text)
    if too_deep_or_large:  # the reason the rest may not parse: said alone, and the value not used
        value, findings = None, too_deep_or_large
    positions = None
    out = []
    for f in findings:
        at_line, column = f.line, f.column
        if at_line is None and f.pointer and value is not None:  # a lone surrogate: located by its pointer
            positions = positions or jsonfile.Positions(text)
            at_line, column = positions.locate(f.pointer)
        if line is not None and at_line is not None:
            at_line = line + at_line - 1
        where = name if at_line is None else f"{name}:{at_line}:{column}"
        named = item(value, f.pointer) if item is not None and value is not None and f.pointer else None
        if named or f.pointer:
            where += f" ({named or f.pointer})"
        if f.check == "json-syntax":
            out.append(
                Issue(
                    where,
                    f"{f.message}; {what}",
                    "check the file with a JSON linter (a trailing comma, a file cut short), " + AGAIN,
                )
            )
        elif f.check == "json-too-deep":
            out.append(Issue(where, f"nesting deeper than {jsonfile.MAX_DEPTH} levels", HINTS[f.check]))
        else:
            out.append(Issue(where, f.message, HINTS.get(f.check, f.hint)))
    return value, out
