"""Annotation-tool formats: readers (tool export -> :class:`ToolDoc` records) and exporters.

Readers are pure: they parse an export into :class:`ToolDoc` records whose span offsets are
already code points into the text *as the tool holds it*, with the tool's own labels (before the
label map) and where each span came from (for messages), plus warnings (what the schema cannot
hold, reported per item) and errors (what is wrong, per item). They never write.
`newsspan.importer` maps the labels and builds :class:`newsspan.model.Annotation` objects from the
records; exporters write :class:`newsspan.model.Document` objects in a tool's format.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..report import Problem


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
    ignored: Counter = field(default_factory=Counter)  # what the export holds and newsspan does not read, per type

    def extend(self, other: Parsed) -> None:
        self.docs += other.docs
        self.warnings += other.warnings
        self.errors += other.errors
        self.notes += other.notes
        self.ignored.update(other.ignored)


def check_quote(
    doc_text: str,
    start: int,
    end: int,
    quote: str | None,
    where: str,
    errors: list[Problem],
    loose_newlines: bool = False,
) -> bool:
    """Whether the tool's quote equals the text at [start, end); an error naming the span if not."""
    if not (0 <= start < end <= len(doc_text)):
        errors.append(
            issue(
                where,
                f"offsets [{start}, {end}) are outside the text ({len(doc_text)} code points)",
                "check the offset unit with --offsets",
            )
        )
        return False
    found = doc_text[start:end]
    if quote is None:
        return True
    if found == quote or (loose_newlines and found.replace("\n", " ") == quote.replace("\n", " ")):
        return True
    at = doc_text.find(quote) if quote else -1
    where_else = (
        f"; the quote occurs at [{at}, {at + len(quote)})" if at >= 0 else "; the quote does not occur in the text"
    )
    errors.append(
        issue(
            where,
            f"the span's text {quote!r} differs from the text at [{start}, {end}): {found!r}{where_else}",
            "re-export from the tool, or pass --offsets with the tool's offset unit",
        )
    )
    return False


def importers() -> dict:
    from . import brat, conllu, doccano, labelstudio, prodigy, uima, webanno

    return {
        "brat": brat.load,
        "labelstudio": labelstudio.load,
        "doccano": doccano.load,
        "prodigy": prodigy.load,
        "webanno": webanno.load,
        "conllu": conllu.load,
        "uima": uima.load,
    }


def import_module(fmt: str):
    """The reader module of an import format (its docstring describes the format)."""
    import importlib

    return importlib.import_module(f"{__name__}.{fmt}")


def exporters() -> dict:
    from . import brat, conll, labelstudio, prodigy

    return {"brat": brat.export, "conll": conll.export, "labelstudio": labelstudio.export, "prodigy": prodigy.export}


IMPORT_FORMATS = ("brat", "labelstudio", "doccano", "prodigy", "webanno", "conllu", "uima")
OFFSET_FORMATS = ("brat", "labelstudio", "doccano", "prodigy")  # take --offsets (the others fix their unit)
LAYER_FORMATS = ("webanno", "uima")  # take --entity-layer / --entity-feature
NULL_LABEL = "*"  # the label of a mention whose label feature is empty (WebAnno TSV writes `*`)
EXPORT_FORMATS = ("brat", "conll", "labelstudio", "prodigy")

DEFAULT_ENTITY_LAYER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
DEFAULT_ENTITY_FEATURE = "value"
KB_FEATURE = "identifier"  # INCEpTION's entity-linking feature of NamedEntity (a knowledge-base IRI)


def wikidata_id(value) -> str | None:
    """A Wikidata item id from an IRI (http://www.wikidata.org/entity/Q42) or a bare Q42; None otherwise."""
    import re

    m = re.fullmatch(r"(?:https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]{0,11})", str(value or ""))
    return m[1] if m else None


def export_files(path, suffixes: tuple[str, ...], what: str) -> list:
    """The files of an import path: the file itself, or a folder's files with one of the suffixes (sorted)."""
    from pathlib import Path

    path = Path(path)
    if not path.is_dir():
        return [path]
    found = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(suffixes))
    if not found:
        raise FormatError(f"{path}: the folder holds no {' or '.join(suffixes)} files; expected {what}")
    return found


def document_name(stem: str) -> str:
    """A document name from a file stem; the text's own extension, which INCEpTION keeps, dropped (a.txt.tsv -> a)."""
    return stem[:-4] if stem.lower().endswith(".txt") and len(stem) > 4 else stem


def wanted(fmt: str, options: dict) -> str:
    """What a reader looked for, in the words of its options (for the error when it found nothing)."""
    if fmt == "conllu":
        key = options.get("ner_key")
        return (
            f"BIO tags in the MISC key {key!r}"
            if key
            else "CorefUD Entity= brackets in MISC (pass --ner-key KEY for BIO tags)"
        )
    layer = options.get("entity_layer") or DEFAULT_ENTITY_LAYER
    return f"annotations of the layer {layer} (pass --entity-layer and --entity-feature)"
