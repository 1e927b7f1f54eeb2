"""A tool's export as newsspan reads it: :class:`ToolDoc` and :class:`ToolSpan` records, :class:`Parsed`
(the records and every problem, located at the export's file:line and the tool's item), and what every
reader shares: placing a span's offsets (read, converted to code points, its quote checked), listing an
export's files, naming its documents.

Readers are pure: they parse an export into records whose offsets are code points into the text *as
the tool holds it*, with the tool's own labels (the label map comes after them). They never write.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
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


def issue(where: str, message: str, hint: str | None = None) -> Problem:
    """A problem of a tool export, told at the tool's item ("export.json: task 1, result beFiQTT1cU", "doc.ann:5")."""
    return Problem("export", message, hint=hint, where=where)


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

    def error(self, where: str, message: str, hint: str | None = None) -> None:
        self.errors.append(issue(where, message, hint))

    def warn(self, where: str, message: str, hint: str | None = None) -> None:
        self.warnings.append(issue(where, message, hint))


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
    """A span's [start, end) as the export holds it, in code points of conv.text; None with the error at
    where: an offset that is no whole number (``names`` say which), one outside the text or inside a
    character, an empty span, or a quote (the tool's copy of the span's text) that differs from the
    text there. A quote may hold a space for a line break of the text (brat writes them so). A span whose
    quote occurs once within FIX_WINDOW code points of it is placed there, its error recorded in out.shifts."""
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


def export_files(path, suffixes: tuple[str, ...], what: str) -> list[Path]:
    """The files of an import path: the file itself, or a folder's files with one of the suffixes (sorted)."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    found = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(suffixes))
    if not found:
        raise FormatError(f"{path}: the folder holds no {' or '.join(suffixes)} files; expected {what}")
    return found


def export_texts(path, suffixes: tuple[str, ...], what: str, out: Parsed) -> Iterator[tuple[str, str, str]]:
    """(file name, document name, text) of each file of an import path (see export_files), read strictly:
    a file that is not UTF-8 text is an error in out, at its line and column."""
    for f in export_files(path, suffixes, what):
        text = files.export_text(f.read_bytes(), f.name, out.errors)
        if text is not None:
            yield f.name, document_name(f.stem), text


def named(fields: dict, default: str, keys: tuple[str, ...] = ("id", "document_id", "name", "title")) -> str:
    """The document's name as the export gives it (the first of these fields that holds one), else default
    (a name made from the export's file name)."""
    given = [fields.get(k) for k in keys] if isinstance(fields, dict) else []
    return next((str(v) for v in given if type(v) in (str, int) and str(v).strip()), default)


def document_name(stem: str) -> str:
    """A document name from a file stem; the text's own extension, which INCEpTION keeps, dropped (a.txt.tsv -> a)."""
    return stem[:-4] if stem.lower().endswith(".txt") and len(stem) > 4 else stem


def wikidata_id(value) -> str | None:
    """A Wikidata item id from an IRI (http://www.wikidata.org/entity/Q42) or a bare Q42; None otherwise."""
    m = _WIKIDATA.fullmatch(str(value or ""))
    return m[1] if m else None


def kb_option(value: str | None, layer: str) -> tuple[str | None, str]:
    """(layer, feature) of --kb-feature LAYER:FEATURE (LAYER a type name, or its last part); by default
    (None, identifier): the entity layer's own `identifier`."""
    if not value:
        return None, KB_FEATURE
    if ":" not in value.strip(":"):
        raise FormatError(f"--kb-feature {value!r}: expected LAYER:FEATURE, e.g. webanno.custom.EntityLink:identifier")
    named, feature = value.rsplit(":", 1)
    return (layer if is_layer(layer, named) else named), feature


def is_layer(name: str, wanted: str) -> bool:
    return name == wanted or name.rsplit(".", 1)[-1] == wanted


def link(spans: list[ToolSpan], links: list[tuple[int, int, str, str]], out: Parsed) -> None:
    """The kb_id of each mention from the (start, end, value, where) annotations of a linking layer: the
    Wikidata id of the link on the mention's very offsets. A link on no mention, or no Wikidata IRI, is a
    warning: an id is never guessed."""
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
    """A note naming the features of other layers that hold Wikidata IRIs (when --kb-feature names none)."""
    if found := +found:
        held = ", ".join(f"{layer}:{feature} ({n})" for (layer, feature), n in sorted(found.items()))
        out.notes.append(f"{file}: Wikidata IRIs in {held}; {KB_HINT}")


def tagged(doc) -> tuple[list[Token], list[tuple[int, int, str]]]:
    """A document's tokens and its entity mentions as token ranges (first, stop, label), through the one
    tagger (:func:`newsspan.tokenize.tag`), for the writers; FormatError for a mention inside a token."""
    tokens = tokenize(doc.text)
    try:
        return tokens, iob2_spans(tag(tokens, doc.entities))
    except Misaligned as m:
        raise FormatError(f"{doc.id}: entity {m}") from None


def lines_of(text: str, tokens: list[Token]) -> list[range]:
    """The tokens of each line of the text that holds any (the sentences of the formats that need them)."""
    starts = [i for i, t in enumerate(tokens) if i == 0 or "\n" in text[tokens[i - 1].end : t.start]]
    return [range(a, b) for a, b in zip(starts, [*starts[1:], len(tokens)], strict=True)]
