"""What every reader shares: an export's records (ToolDoc, ToolSpan, Parsed with its problems at the tool's items),
placing a span's offsets, listing an export's files. Offsets are code points into the text as the tool holds it,
labels are the tool's own (the label map comes after)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import files
from ..report import Problem
from ..text import FIX_WINDOW, quote_nearby
from ..tokenize import Misaligned, Token, iob2_spans, tag, tokenize
from .offsets import Converter, OffsetError, read_offset

DEFAULT_ENTITY_LAYER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
DEFAULT_ENTITY_FEATURE = "value"
KB_FEATURE = "identifier"  # INCEpTION's entity-linking feature of NamedEntity (a knowledge-base IRI)
WIKIDATA_IRI = "http://www.wikidata.org/entity/"  # a Wikidata item's IRI, its id after it
KB_HINT = "pass --kb-feature LAYER:FEATURE to take their Wikidata ids as the mentions' kb_id"
NULL_LABEL = "*"  # the label of a mention whose label feature is empty (WebAnno TSV writes `*`)
OFFSETS_HINT = "pass --offsets with the unit the tool counts in, or export the file again from the tool"
_WIKIDATA = re.compile(r"(?:https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]{0,11})")


class FormatError(ValueError):
    """An export that is not of the expected format at all (one clear message)."""


@dataclass
class ToolSpan:
    label: str  # the tool's label (the label map says what it becomes)
    start: int  # code points into ToolDoc.text
    end: int
    where: str  # the export item it came from, for messages
    key: str | None = None  # the tool's own id, for references between spans
    kb_id: str | None = None
    cluster: str | None = None
    # a claim's, as newsspan's brat export writes them: type, source_ref (the key of the source's
    # span), source_span and cue as (start, end) in ToolDoc.text
    attribution: dict = field(default_factory=dict)
    checkworthy: bool = False


@dataclass
class ToolDoc:
    text: str  # the text as the tool holds it (canonicalised by the importer)
    name: str  # a document id suggestion (made safe by the importer)
    where: str
    spans: list[ToolSpan] = field(default_factory=list)
    annotator: str | None = None  # the tool's annotator name, if it says
    meta: dict = field(default_factory=dict)  # what the export says of the document (title, url, date, language)


@dataclass
class Parsed:
    docs: list[ToolDoc] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # informational (e.g. offsets converted)
    # a span whose quote occurs once near its offsets, placed there: (its error, "'quote' [s, e) -> [a, b)");
    # the importer moves it with --fix-shifts (the rule of `validate --fix`), else reports the error
    shifts: list[tuple[Problem, str]] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)  # what the export holds and newsspan does not read, per type

    def extend(self, other: Parsed) -> None:
        self.docs += other.docs
        self.warnings += other.warnings
        self.errors += other.errors
        self.notes += other.notes
        self.shifts += other.shifts
        self.ignored.update(other.ignored)

    # where: the tool's item ("export.json: task 1, result beFiQTT1cU", "doc.ann:5")
    def error(self, where: str, message: str, hint: str | None = None) -> None:
        self.errors.append(Problem("export", message, hint=hint, where=where))

    def warn(self, where: str, message: str, hint: str | None = None) -> None:
        self.warnings.append(Problem("export", message, hint=hint, where=where))


def place(
    out: Parsed,
    where: str,
    conv: Converter,
    start,
    end,
    *,
    label: str = "",
    names: tuple[str, str] = ("start", "end"),
    quote: str | None = None,
    hint: str = OFFSETS_HINT,
) -> tuple[int, int] | None:
    """A span's [start, end) in code points of conv.text, or None with its error at where. A quote (where a space
    may stand for a line break, as brat writes) found once within FIX_WINDOW is placed there, its error a shift."""
    try:
        start, end = read_offset(start, names[0]), read_offset(end, names[1])
    except OffsetError as err:
        out.error(where, f"{label}: {err}" if label else str(err))
        return None
    name = f"{label or 'the span'} [{start}, {end})"
    try:
        s, e = conv.to_codepoint(start), conv.to_codepoint(end)
        why = f"{name} is empty or reversed" if s >= e else ""
    except OffsetError as err:
        why = f"{name}: {err}"
    if not why:
        found = conv.text[s:e]
        if quote is None or found == quote or found.replace("\n", " ") == quote.replace("\n", " "):
            return s, e
        near = quote_nearby(conv.text, quote, s, e) if quote else None
        at = near if near is not None else conv.text.find(quote) if quote else -1
        there = f"the quote occurs at [{at}, {at + len(quote)})" if at >= 0 else "the quote does not occur in the text"
        unit = "" if conv.unit == "codepoint" else f" in {conv.unit} units"
        why = f"{name}{unit}: the tool's text {quote!r} differs from the text there, {found!r}; {there}"
        if near is not None:
            moves = f"moves it onto its quote at [{near}, {near + len(quote)}), the one within {FIX_WINDOW} characters"
            out.error(where, why, f"pass --fix-shifts, which {moves} (as `newsspan validate --fix` does); or {hint}")
            out.shifts.append((out.errors[-1], f"{quote!r} [{s}, {e}) -> [{near}, {near + len(quote)})"))
            return near, near + len(quote)
    out.error(where, why, hint)
    return None


def add_span(
    out: Parsed, doc: ToolDoc, conv: Converter, where: str, start, end, label: str, *, key=None, **place_options
) -> None:
    """Place a span and add it to doc, named in messages by its label and its text."""
    if placed := place(out, where, conv, start, end, label=label, **place_options):
        s, e = placed
        doc.spans.append(ToolSpan(label, s, e, f"{where} ({label} {conv.text[s:e]!r})", key=key))


def jsonl(records: list) -> dict[str, bytes]:
    """The one file of a JSON Lines export."""
    return {"": ("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n").encode("utf-8")}


def export_files(path, suffixes: tuple[str, ...], what: str) -> list[Path]:
    """The files of an import path: the file itself, or a folder's files with one of the suffixes (sorted)."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    found = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(suffixes))
    if not found:
        raise FormatError(f"{path}: the folder holds no {' or '.join(suffixes)} files; expected {what}")
    return found


def read_files(path, suffixes: tuple[str, ...], what: str, parse, *args) -> Parsed:
    """parse(text, file name, document name, out, *args) of each UTF-8 file of an import path."""
    out = Parsed()
    for f in export_files(path, suffixes, what):
        text = files.export_text(f.read_bytes(), f.name, out.errors)
        stem = f.stem[:-4] if f.stem.lower().endswith(".txt") and len(f.stem) > 4 else f.stem  # INCEpTION's a.txt.tsv
        if text is not None:
            parse(text, f.name, stem, out, *args)
    return out


def layer_reader(suffixes: tuple[str, ...], what: str, parse):
    """The load() of a format whose mentions are a layer's annotations (--entity-layer, --entity-feature)."""

    def load(
        path,
        unit: str | None = None,
        *,
        entity_layer: str = DEFAULT_ENTITY_LAYER,
        entity_feature: str = DEFAULT_ENTITY_FEATURE,
        kb_feature: str | None = None,
    ) -> Parsed:
        kb = kb_option(kb_feature, entity_layer)
        return read_files(path, suffixes, what, parse, entity_layer, entity_feature, kb)

    return load


def named(fields: dict, default: str, keys: tuple[str, ...] = ("id", "document_id", "name", "title")) -> str:
    """The first of these fields that holds a name, else default."""
    given = [fields.get(k) for k in keys] if isinstance(fields, dict) else []
    return next((str(v) for v in given if type(v) in (str, int) and str(v).strip()), default)


def wikidata_id(value) -> str | None:
    """The Q-id of a Wikidata IRI or of a bare Q42, else None."""
    m = _WIKIDATA.fullmatch(str(value or ""))
    return m[1] if m else None


def kb_option(value: str | None, layer: str) -> tuple[str | None, str]:
    """(layer, feature) of --kb-feature LAYER:FEATURE; by default (None, identifier): the entity layer's own."""
    if not value:
        return None, KB_FEATURE
    if ":" not in value.strip(":"):
        raise FormatError(f"--kb-feature {value!r}: expected LAYER:FEATURE, e.g. webanno.custom.EntityLink:identifier")
    named, feature = value.rsplit(":", 1)
    return (layer if is_layer(layer, named) else named), feature


def is_layer(name: str, wanted: str) -> bool:
    return name == wanted or name.rsplit(".", 1)[-1] == wanted


def link(spans: list[ToolSpan], links: list[tuple[int, int, str, str]], out: Parsed) -> None:
    """Each mention's kb_id from the (start, end, value, where) link on its offsets; an id is never guessed."""
    at = defaultdict(list)
    for s in spans:
        at[s.start, s.end].append(s)
    for start, end, value, where in links:
        qid, mentions = wikidata_id(value), at.get((start, end), [])
        if value in (None, "", NULL_LABEL):
            continue
        if qid is None or not mentions:
            why = "is no Wikidata item IRI" if qid is None else f"[{start}, {end}) has no entity mention on its offsets"
            out.warn(where, f"the link {value!r} {why}; no kb_id taken from it")
        for s in mentions if qid else ():
            if s.kb_id not in (None, qid):
                out.error(where, f"two links on one mention: {s.kb_id} and {qid}", "keep one of them in the tool")
            s.kb_id = qid


def iri_note(file: str, found: Counter, out: Parsed) -> None:
    """A note naming the other layers' features that hold Wikidata IRIs (when --kb-feature names none)."""
    if found := +found:
        held = ", ".join(f"{layer}:{feature} ({n})" for (layer, feature), n in sorted(found.items()))
        out.notes.append(f"{file}: Wikidata IRIs in {held}; {KB_HINT}")


def tagged(doc) -> tuple[list[Token], list[tuple[int, int, str]]]:
    """A document's tokens and its mentions as token ranges (first, stop, label), by the one tagger."""
    tokens = tokenize(doc.text)
    try:
        return tokens, iob2_spans(tag(tokens, doc.entities))
    except Misaligned as m:
        raise FormatError(f"{doc.id}: entity {m}") from None


def lines_of(text: str, tokens: list[Token]) -> list[range]:
    """The tokens of each line that holds any (the sentences of the formats that need them)."""
    starts = [i for i, t in enumerate(tokens) if i == 0 or "\n" in text[tokens[i - 1].end : t.start]]
    return [range(a, b) for a, b in zip(starts, [*starts[1:], len(tokens)], strict=True)]


def entity_layer_ok(
    out: Parsed, file: str, noun: str, layer: str, feature: str, features: list | None, missing: str
) -> bool:
    """The entity layer's checks (webanno's and uima's, worded by noun): a missing layer is a note, a missing
    label feature an error (False)."""
    if features is None:
        out.notes.append(f"{file}: {missing}; no mentions from it")
    elif feature not in features:
        shown = ", ".join(repr(f) for f in features if f) or "none"
        hint = f"pass --entity-feature with one of them ('' for a {noun} without features)"
        out.error(file, f"the {noun} {layer} has no feature {feature!r} (its features: {shown})", hint)
        return False
    return True
