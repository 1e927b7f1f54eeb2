"""WebAnno TSV 3.2 and 3.3, as INCEpTION and WebAnno export it: a `.tsv` file per document, or a folder of them.

Read: the `#FORMAT=WebAnno TSV 3.x` line; the layer declarations `#T_SP=` (span), `#T_CH=` (chain) and
`#T_RL=` (relation), one column per declared feature (a layer without features has one placeholder
column); the `#Text=` sentence lines; token rows (`1-3`) and sub-token rows (`1-3.1`). The text is rebuilt
as INCEpTION rebuilds it: each sentence at its offset followed by a line break, spaces where sentences lie
further apart (the format keeps no text between sentences). Offsets count UTF-16 code units (Java
strings) and are converted to code points; every token's text is checked against the text at its offsets.

Kept: the annotations of the span layer `--entity-layer` (default NamedEntity), labelled by its feature
`--entity-feature` (default `value`): single-token annotations (no `[N]`), stacked ones (`PER[1]|LOC[2]`),
multi-token ones joined by their `[N]` id, on tokens and sub-tokens. Escaped characters in values (`\\|`,
`\\[`, `\\]`, `\\_`, `\\*`, `\\;`, `\\->`, `\\\\`) and in the text (`\\t`, `\\n`, `\\r`, `\\\\` ...) are unescaped.
An annotation without a value (`*`) has the label `*` (map it with --label-map). A Wikidata IRI in the
layer's `identifier` feature (entity linking) becomes the mention's kb_id.

Reported: every other layer (span, chain and relation layers), counted per layer in the summary; a file
that declares no entity layer, as a note; a row that does not fit the header or its text, as an error
naming file and line. The export names no annotator (pass --annotator).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import files
from ..files import lines as split_lines
from . import (
    DEFAULT_ENTITY_FEATURE,
    DEFAULT_ENTITY_LAYER,
    KB_FEATURE,
    NULL_LABEL,
    Parsed,
    ToolDoc,
    ToolSpan,
    document_name,
    export_files,
    issue,
    wikidata_id,
)
from .offsets import Converter, OffsetError, read_offset

_FORMAT = re.compile(r"#FORMAT=WebAnno TSV (\d+)\.(\d+)\s*")
_LAYER = re.compile(r"#T_(SP|CH|RL)=([^|]+)((?:\|[^|]*)*)")
_UNIT = re.compile(r"[0-9]+-[0-9]+(?:\.[0-9]+)?")  # ASCII digits: \d takes any script's
_OFFSETS = re.compile(r"([0-9]+)-([0-9]+)")
_STACK = re.compile(r"(?<!\\)\|")
_VALUE_ESCAPE = re.compile(r"\\(->|[\\\[\]|_;tn*])")
_TEXT_ESCAPE = re.compile(r"\\([\\tnfrb\x00-\x07\x0e-\x1f])")
_CONTROL = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b"}
KINDS = {"SP": "span", "CH": "chain", "RL": "relation"}
NULL_COLUMN = "_"  # no annotation of the layer on this row
NULL_VALUE = "*"  # an annotation whose feature has no value


def unescape_value(value: str) -> str:
    """A feature value as INCEpTION escapes it (Escaping.escapeValue), unescaped."""
    return _VALUE_ESCAPE.sub(lambda m: "\t" if m[1] == "t" else "\n" if m[1] == "n" else m[1], value)


def unescape_text(text: str) -> str:
    """A `#Text=` line as TSV 3.2+ escapes it (control characters and the backslash), unescaped."""
    return _TEXT_ESCAPE.sub(lambda m: _CONTROL.get(m[1], m[1]), text)


def utf16_len(s: str) -> int:
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


@dataclass
class Column:
    kind: str  # span | chain | relation
    layer: str  # the UIMA type name
    feature: str | None  # None: the placeholder column of a layer without features


@dataclass
class _Ann:
    line: int
    start: int
    end: int
    label: str
    kb_id: str | None = None


def load(
    path: Path,
    unit: str | None = None,
    *,
    entity_layer: str = DEFAULT_ENTITY_LAYER,
    entity_feature: str = DEFAULT_ENTITY_FEATURE,
) -> Parsed:
    out = Parsed()
    for f in export_files(path, (".tsv",), "WebAnno TSV 3.x files (.tsv)"):
        data = files.export_text(f.read_bytes(), f.name, out.errors)
        if data is None:
            continue
        parse(data, f.name, document_name(f.stem), out, entity_layer, entity_feature)
    return out


def split_value(raw: str) -> tuple[str, str | None]:
    """A stacked value without its disambiguation suffix `[N]` (unescaped; `*` is NULL_LABEL), and N."""
    ident = None
    if raw.endswith("]") and not raw.endswith("\\]") and "[" in raw:
        cut = raw.rindex("[")
        raw, ident = raw[:cut], raw[cut + 1 : -1]
    return (NULL_LABEL if raw == NULL_VALUE else unescape_value(raw)), ident


def parse_header(lines: list[str], file: str, out: Parsed) -> tuple[list[Column], int] | None:
    """The declared columns and the index of the first body line; None (with an error) if the header is broken."""
    m = _FORMAT.fullmatch(lines[0]) if lines else None
    if not m:
        out.errors.append(
            issue(
                f"{file}:1",
                "not a WebAnno TSV file: the first line is not `#FORMAT=WebAnno TSV 3.x`",
                "export the documents from INCEpTION or WebAnno as `WebAnno TSV v3.3`",
            )
        )
        return None
    if int(m[1]) != 3 or int(m[2]) < 2:
        out.errors.append(
            issue(
                f"{file}:1",
                f"WebAnno TSV {m[1]}.{m[2]} is not read (3.2 and 3.3 are)",
                "export again from a current INCEpTION as `WebAnno TSV v3.3`",
            )
        )
        return None
    columns, n = [], 1
    while n < len(lines) and lines[n].startswith("#T_"):
        lm = _LAYER.fullmatch(lines[n])
        if not lm:
            out.errors.append(
                issue(
                    f"{file}:{n + 1}",
                    f"malformed layer declaration {lines[n]!r}",
                    "expected #T_SP=, #T_CH= or #T_RL= followed by the type name and |-separated features",
                )
            )
            return None
        features = [f or None for f in lm[3].split("|")[1:]] or [None]
        columns += [Column(KINDS[lm[1]], lm[2], f) for f in features]
        n += 1
    return columns, n


def parse(
    data: str,
    file: str,
    name: str,
    out: Parsed,
    entity_layer: str = DEFAULT_ENTITY_LAYER,
    entity_feature: str = DEFAULT_ENTITY_FEATURE,
) -> None:
    """One TSV file into a ToolDoc (appended to out), with per-line errors."""
    lines = split_lines(data)
    header = parse_header(lines, file, out)
    if header is None:
        return
    columns, first = header
    layers = {c.layer: c.kind for c in columns}
    label_col = kb_col = None
    if layers.get(entity_layer) == "span":
        own = [(i, c) for i, c in enumerate(columns) if c.layer == entity_layer]
        label_col = next((i for i, c in own if (c.feature or "") == entity_feature), None)
        kb_col = next((i for i, c in own if c.feature == KB_FEATURE and entity_feature != KB_FEATURE), None)
        if label_col is None:
            names = ", ".join(repr(c.feature) for _, c in own if c.feature) or "none"
            out.errors.append(
                issue(
                    file,
                    f"the layer {entity_layer} has no feature {entity_feature!r} (its features: {names})",
                    "pass --entity-feature with one of them ('' for a layer without features)",
                )
            )
            return
    elif entity_layer in layers:
        out.errors.append(
            issue(file, f"{entity_layer} is a {layers[entity_layer]} layer; entity mentions come from a span layer")
        )
        return
    else:
        declared = ", ".join(sorted(layers)) or "no layer"
        out.notes.append(f"{file}: declares no {entity_layer} layer ({declared}); no mentions from it")

    rows, text = _body(lines, first, columns, file, out)
    if text is None:
        return
    conv = Converter(text, "utf16")
    placed = []
    for ln, unit, b, e, token, values in rows:
        try:
            cb, ce = conv.to_codepoint(b), conv.to_codepoint(e)
        except OffsetError as err:
            out.errors.append(issue(f"{file}:{ln}", f"token {unit} [{b}, {e}): {err}"))
            continue
        if text[cb:ce] != token:
            out.errors.append(
                issue(
                    f"{file}:{ln}",
                    f"token {unit} {token!r} at UTF-16 [{b}, {e}) differs from the text there, {text[cb:ce]!r}",
                    "export the document again; the file was edited or cut",
                )
            )
            continue
        placed.append((ln, unit, cb, ce, values))

    anns: dict[tuple, _Ann] = {}
    for ln, unit, cb, ce, values in placed:
        if label_col is not None:
            for k, raw in enumerate(_stack(values[label_col])):
                label, ident = split_value(raw)
                key = ("id", ident) if ident is not None else ("unit", unit, k)
                ann = anns.get(key)
                if ann is None:
                    anns[key] = _Ann(ln, cb, ce, label)
                else:
                    ann.start, ann.end = min(ann.start, cb), max(ann.end, ce)
            if kb_col is not None:
                for k, raw in enumerate(_stack(values[kb_col])):
                    value, ident = split_value(raw)
                    ann = anns.get(("id", ident) if ident is not None else ("unit", unit, k))
                    if ann is not None and wikidata_id(value):
                        ann.kb_id = wikidata_id(value)
    _count_ignored(placed, columns, entity_layer, out)
    short = entity_layer.rsplit(".", 1)[-1]
    spans = [
        ToolSpan(ann.label, ann.start, ann.end, f"{file}:{ann.line} ({short} {ann.label!r})", kb_id=ann.kb_id or None)
        for ann in anns.values()
    ]
    out.docs.append(ToolDoc(text=text, name=name, where=file, spans=spans))


def _stack(value: str) -> list[str]:
    return [] if value == NULL_COLUMN else _STACK.split(value)


def _body(lines, first, columns, file, out):
    """Token rows (line, unit id, UTF-16 begin, end, token, column values) and the rebuilt text; (_, None) on a fatal error."""
    width = 3 + len(columns)
    pieces: list[str] = []
    length = 0  # of the text so far, in UTF-16 units
    sentence: list[str] = []  # the #Text= lines of the sentence being read
    in_tokens = False
    rows: list[tuple[int, str, int, int, str, list[str]]] = []
    for k in range(first, len(lines)):
        line, ln = lines[k], k + 1
        if not line.strip():
            in_tokens = False
            continue
        if line.startswith("#"):
            in_tokens = False
            if line.startswith("#Text="):
                sentence.append(unescape_text(line[len("#Text=") :]))
            continue
        fields = line.split("\t")
        om = _OFFSETS.fullmatch(fields[1]) if len(fields) > 1 else None
        if len(fields) < width or not _UNIT.fullmatch(fields[0]) or not om:
            out.errors.append(
                issue(
                    f"{file}:{ln}",
                    f"expected a token row of {width} tab-separated fields (id such as 1-3 or "
                    f"1-3.1, offsets such as 9-14, the token, one per declared column), "
                    f"found {line[:80]!r}",
                )
            )
            continue
        b, e = read_offset(int(om[1]), "begin"), read_offset(int(om[2]), "end")
        if not in_tokens:
            if not sentence:
                out.errors.append(issue(f"{file}:{ln}", "a token row without a `#Text=` sentence line before it"))
                return rows, None
            if length > b:
                # the line break after the previous sentence stands where this one starts: drop it (as INCEpTION does)
                if length == b + 1 and pieces and pieces[-1].endswith("\n"):
                    pieces[-1] = pieces[-1][:-1]
                    length -= 1
                else:
                    out.errors.append(
                        issue(
                            f"{file}:{ln}",
                            f"the sentence starts at UTF-16 offset {b}, inside the previous one "
                            f"(which ends at {length - 1})",
                        )
                    )
                    return rows, None
            if length < b:
                pieces.append(" " * (b - length))
                length = b
            block = "".join(f + "\n" for f in sentence)
            pieces.append(block)
            length += utf16_len(block)
            sentence, in_tokens = [], True
        rows.append((ln, fields[0], b, e, fields[2], fields[3:width]))
    if not rows:
        out.errors.append(issue(file, "holds no sentence (no token rows)"))
        return rows, None
    return rows, "".join(pieces)


def _count_ignored(placed, columns, entity_layer, out: Parsed) -> None:
    """Annotations of the layers not imported, per layer: span annotations, relations, chains."""
    firsts: dict[str, tuple[int, str]] = {}  # layer -> its first column and the column's kind
    for i, c in enumerate(columns):
        if c.layer != entity_layer:
            firsts.setdefault(c.layer, (i, c.kind))
    for layer, (i, kind) in firsts.items():
        keys: set[tuple[str, int | str]] = set()
        for _, unit, _, _, values in placed:
            for k, raw in enumerate(_stack(values[i])):
                _, ident = split_value(raw)
                if kind == "relation":
                    keys.add((unit, k))
                else:  # a chain's [N] is its chain id; a span's, its multi-token id
                    keys.add(("id", ident) if ident is not None else (unit, k))
        if keys:
            what = {"span": "annotations", "relation": "relations", "chain": "chains"}[kind]
            out.ignored[f"{kind} layer {layer} ({what})"] += len(keys)
