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
layer's `identifier` feature (entity linking) becomes the mention's kb_id; with `--kb-feature LAYER:FEATURE`,
the IRI of an annotation of another span layer (a linking layer) on the mention's very offsets does (a
feature of another layer that holds Wikidata IRIs is named in a note when the option is not given).

Reported: every other layer (span, chain and relation layers), counted per layer in the summary; a file
that declares no entity layer, as a note; a row that does not fit the header or its text, as an error
naming file and line. The export names no annotator (pass --annotator).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from .. import files
from ..model import Document
from .offsets import Converter, OffsetError, utf16_offsets
from .tool import (
    DEFAULT_ENTITY_FEATURE,
    DEFAULT_ENTITY_LAYER,
    KB_FEATURE,
    NULL_LABEL,
    WIKIDATA_IRI,
    Parsed,
    ToolDoc,
    ToolSpan,
    entity_layer_ok,
    iri_note,
    is_layer,
    layer_reader,
    lines_of,
    link,
    tagged,
    wikidata_id,
)

_FORMAT = re.compile(r"#FORMAT=WebAnno TSV (\d+)\.(\d+)\s*")
_LAYER = re.compile(r"#T_(SP|CH|RL)=([^|]+)((?:\|[^|]*)*)")
_ID = re.compile(r"[0-9]+-[0-9]+(?:\.[0-9]+)?")  # ASCII digits: \d takes any script's
_OFFSETS = re.compile(r"([0-9]+)-([0-9]+)")
_STACK = re.compile(r"(?<!\\)\|")
_VALUE_ESCAPE = re.compile(r"\\(->|[\\\[\]|_;tn*])")
_TEXT_ESCAPE = re.compile(r"\\([\\tnfrb\x00-\x07\x0e-\x1f])")
_CONTROL = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b"}
KINDS = {"SP": "span", "CH": "chain", "RL": "relation"}
WHAT = {"span": "annotations", "relation": "relations", "chain": "chains"}
NULL_COLUMN = "_"  # no annotation of the layer on this row
NULL_VALUE = "*"  # an annotation whose feature has no value
AGAIN = "export the document again; the file was edited or cut"


class Column(NamedTuple):
    kind: str  # span | chain | relation
    layer: str  # the UIMA type name
    feature: str | None  # None: the placeholder column of a layer without features


@dataclass
class Row:
    line: int
    unit: str  # the token's id: 1-3, or 1-3.1 for a sub-token
    start: int  # UTF-16 units, then code points once placed
    end: int
    token: str
    values: list[str]  # one per declared column


def parse_header(lines: list[str], file: str, out: Parsed) -> tuple[list[Column], int] | None:
    """The declared columns and the index of the first body line; None (with an error) if the header is broken."""
    m = _FORMAT.fullmatch(lines[0]) if lines else None
    if not m:
        hint = "export the documents from INCEpTION or WebAnno as `WebAnno TSV v3.3`"
        out.error(f"{file}:1", "not a WebAnno TSV file: the first line is not `#FORMAT=WebAnno TSV 3.x`", hint)
        return None
    if int(m[1]) != 3 or int(m[2]) < 2:
        hint = "export again from a current INCEpTION as `WebAnno TSV v3.3`"
        out.error(f"{file}:1", f"WebAnno TSV {m[1]}.{m[2]} is not read (3.2 and 3.3 are)", hint)
        return None
    columns, n = [], 1
    while n < len(lines) and lines[n].startswith("#T_"):
        layer = _LAYER.fullmatch(lines[n])
        if not layer:
            hint = "expected #T_SP=, #T_CH= or #T_RL= followed by the type name and |-separated features"
            out.error(f"{file}:{n + 1}", f"malformed layer declaration {lines[n]!r}", hint)
            return None
        features = [f or None for f in layer[3].split("|")[1:]] or [None]
        columns += [Column(KINDS[layer[1]], layer[2], f) for f in features]
        n += 1
    return columns, n


def parse(data: str, file: str, name: str, out: Parsed, layer: str, feature: str, kb) -> None:
    """One TSV file into a ToolDoc (appended to out), with per-line errors."""
    lines = files.lines(data)
    header = parse_header(lines, file, out)
    if header is None:
        return
    columns, first = header
    kinds = {c.layer: c.kind for c in columns}
    own = [(i, c.feature) for i, c in enumerate(columns) if c.layer == layer]
    label_col = next((i for i, f in own if (f or "") == feature), None)
    span_features = {(c.layer, c.feature): i for i, c in enumerate(columns) if c.kind == "span" and c.feature}
    kb_col = next(
        (i for (n, f), i in span_features.items() if f == kb[1] != feature and is_layer(n, kb[0] or layer)), None
    )
    linked = kb_col is not None and columns[kb_col].layer != layer  # the links in a layer of their own
    if kinds.get(layer, "span") != "span":
        return out.error(file, f"{layer} is a {kinds[layer]} layer; entity mentions come from a span layer")
    declared = f"declares no {layer} layer ({', '.join(sorted(kinds)) or 'no layer'})"
    if not entity_layer_ok(out, file, "layer", layer, feature, [f or "" for _, f in own] if own else None, declared):
        return
    if kb_col is None and kb[0] is not None:
        listed = ", ".join(f"{n}:{f}" for n, f in span_features) or "none"
        return out.error(file, f"--kb-feature {kb[0]}:{kb[1]} names no feature of a span layer ({listed})")
    rows, text = _body(lines, first, len(columns), file, out)
    if text is None:
        return
    conv, placed = Converter(text, "utf16"), []
    for row in rows:
        try:
            start, end = conv.to_codepoint(row.start), conv.to_codepoint(row.end)
        except OffsetError as err:
            out.error(f"{file}:{row.line}", f"token {row.unit} [{row.start}, {row.end}): {err}", AGAIN)
            continue
        if text[start:end] != row.token:
            why = f"{row.token!r} at UTF-16 [{row.start}, {row.end}) differs from the text there, {text[start:end]!r}"
            out.error(f"{file}:{row.line}", f"token {row.unit} {why}", AGAIN)
        else:
            row.start, row.end = start, end
            placed.append(row)
    short, spans = layer.rsplit(".", 1)[-1], []
    kb_ids = {key: wikidata_id(v) for key, *_, v, _ in _annotations(placed, kb_col)} if not linked else {}
    for key, start, end, label, row in _annotations(placed, label_col):
        spans.append(ToolSpan(label, start, end, f"{file}:{row.line} ({short} {label!r})", kb_id=kb_ids.get(key)))
    if linked:
        link(spans, [(s, e, v, f"{file}:{row.line}") for _, s, e, v, row in _annotations(placed, kb_col)], out)
    if kb[0] is None and spans:  # Wikidata IRIs in features not read: --kb-feature would read them
        unread = [(k, i) for k, i in span_features.items() if i not in (label_col, kb_col)]
        iri_note(
            file, Counter({k: sum(bool(wikidata_id(a[3])) for a in _annotations(placed, i)) for k, i in unread}), out
        )
    counted = {layer, columns[kb_col].layer if kb_col is not None else layer}
    for i, c in enumerate(columns):  # every other layer, counted in its first column
        if c.layer not in counted and (n := len(_stacked(placed, i, by_id=c.kind != "relation"))):
            out.ignored[f"{c.kind} layer {c.layer} ({WHAT[c.kind]})"] += n
        counted.add(c.layer)
    out.docs.append(ToolDoc(text=text, name=name, where=file, spans=spans))


load = layer_reader((".tsv",), "WebAnno TSV 3.x files (.tsv)", parse)


def _annotations(rows: list[Row], col: int | None) -> list[tuple[tuple, int, int, str, Row]]:
    """(key, start, end, value, first row) of each annotation of a span column (none without a column)."""
    stacked = _stacked(rows, col) if col is not None else {}
    return [(k, min(r.start for r, _ in p), max(r.end for r, _ in p), p[0][1], p[0][0]) for k, p in stacked.items()]


def _stacked(rows: list[Row], col: int, by_id: bool = True) -> dict[tuple, list[tuple[Row, str]]]:
    """The annotations of a column, each the (row, value) it has on each of its rows: one annotation over
    several rows by its [N] (a chain's is its chain id), others by their row and place in the stack."""
    out: dict[tuple, list[tuple[Row, str]]] = {}
    for row in rows:
        for k, raw in enumerate([] if row.values[col] == NULL_COLUMN else _STACK.split(row.values[col])):
            ident = None  # a value's suffix [N], and the value unescaped (INCEpTION's Escaping.escapeValue)
            if raw.endswith("]") and not raw.endswith("\\]") and "[" in raw:
                raw, _, ident = raw[:-1].rpartition("[")
            value = NULL_LABEL if raw == NULL_VALUE else _VALUE_ESCAPE.sub(lambda m: _CONTROL.get(m[1], m[1]), raw)
            out.setdefault(("id", ident) if by_id and ident is not None else (row.unit, k), []).append((row, value))
    return out


def _body(lines: list[str], first: int, width: int, file: str, out: Parsed) -> tuple[list[Row], str | None]:
    """The token rows and the text rebuilt from the sentences; (rows, None) on an error that leaves no text."""
    text, length = "", 0  # length: the text's in UTF-16 units
    sentence: list[str] = []  # the #Text= lines of the sentence being read
    rows: list[Row] = []
    in_tokens = False
    for ln, line in enumerate(lines[first:], first + 1):
        if not line.strip() or line.startswith("#"):
            in_tokens = False
            if line.startswith("#Text="):  # TSV 3.2+ escapes control characters and the backslash
                sentence.append(_TEXT_ESCAPE.sub(lambda m: _CONTROL.get(m[1], m[1]), line[len("#Text=") :]))
            continue
        fields = line.split("\t")
        m = _OFFSETS.fullmatch(fields[1]) if len(fields) >= 3 + width and _ID.fullmatch(fields[0]) else None
        if not m:
            out.error(
                f"{file}:{ln}",
                f"expected a token row of {3 + width} tab-separated fields (id such as 1-3 or 1-3.1, offsets such as "
                f"9-14, the token, one per declared column), found {line[:80]!r}",
            )
            continue
        start = int(m[1])
        if not in_tokens:
            if not sentence:
                out.error(f"{file}:{ln}", "a token row without a `#Text=` sentence line before it")
                return rows, None
            if length == start + 1 and text.endswith("\n"):
                # the line break after the previous sentence stands where this one starts: dropped (as INCEpTION does)
                text, length = text[:-1], length - 1
            elif length > start:
                message = f"the sentence starts at UTF-16 offset {start}, inside the previous one (which ends at {length - 1})"
                out.error(f"{file}:{ln}", message)
                return rows, None
            block = " " * (start - length) + "".join(f + "\n" for f in sentence)
            text += block
            length += len(block.encode("utf-16-le")) // 2
            sentence, in_tokens = [], True
        rows.append(Row(ln, fields[0], start, int(m[2]), fields[2], fields[3 : 3 + width]))
    if not rows:
        out.error(file, "holds no sentence (no token rows)")
        return rows, None
    return rows, text


def _escape(value: str) -> str:
    return re.sub(r"(->|[\\\[\]|_;*])", r"\\\1", value)


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """A WebAnno TSV 3.3 file per document, a sentence per line, the mentions in INCEpTION's NamedEntity layer."""
    out = {}
    for doc in docs:
        tokens, spans = tagged(doc)
        utf16 = utf16_offsets(doc.text)  # Java's
        cells = [("_", "_")] * len(tokens)  # (identifier, value) of each token
        kb = {(e.start, e.end): e.kb_id for e in doc.entities}
        for n, (a, b, label) in enumerate(spans, 1):
            iri = kb[tokens[a].start, tokens[b - 1].end]
            tag = f"[{n}]" if b - a > 1 else ""  # a mention over several tokens: its id on each
            cells[a:b] = [((_escape(WIKIDATA_IRI + iri) if iri else NULL_VALUE) + tag, _escape(label) + tag)] * (b - a)
        lines = ["#FORMAT=WebAnno TSV 3.3", f"#T_SP={DEFAULT_ENTITY_LAYER}|{KB_FEATURE}|{DEFAULT_ENTITY_FEATURE}", ""]
        for k, sentence in enumerate(lines_of(doc.text, tokens), 1):
            first, last = tokens[sentence[0]], tokens[sentence[-1]]
            lines += ["", "#Text=" + doc.text[first.start : last.end].replace("\\", "\\\\").replace("\t", "\\t")]
            for j, i in enumerate(sentence, 1):
                t = tokens[i]
                lines.append(f"{k}-{j}\t{utf16[t.start]}-{utf16[t.end]}\t{t.text}\t{cells[i][0]}\t{cells[i][1]}\t")
        out[f"{doc.id}.tsv"] = ("\n".join(lines) + "\n").encode("utf-8")
    return out
