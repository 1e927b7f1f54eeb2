"""brat standoff: a folder of <doc>.txt / <doc>.ann pairs (code-point offsets, as the brat server counts).

Import reads T (text-bound) lines as spans. What the schema cannot hold is a warning per
item: relations, events (their trigger spans go with them), attributes, normalisations
other than Wikidata ids, notes, discontinuous spans. newsspan's own export encoding is read
back exactly: sections as ``section_<label>``, claims as ``claim`` with the attributes
``Attribution`` and ``Checkworthy`` and the relations ``Source`` and ``Cue`` (to an entity or
to a ``claim_source``/``claim_cue`` span), entity clusters as the attribute ``Cluster`` and
Wikidata ids as ``Reference`` normalisations ``Wikidata:Q…``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from .. import files, schema
from ..model import Document
from .labelmap import CLAIM_LABEL, SECTION_PREFIX
from .offsets import Converter
from .tool import FormatError, Parsed, ToolDoc, ToolSpan, export_files, place

SOURCE_LABEL, CUE_LABEL = "claim_source", "claim_cue"
_T = re.compile(r"(?P<label>\S+) (?P<frags>[0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)")  # ASCII digits: \d takes any script's
_WIKIDATA = re.compile(r"(?:Wikidata|wikidata|WD):(Q[1-9][0-9]{0,11})")


def load(path: Path, unit: str | None = None) -> Parsed:
    path = Path(path)
    if not path.is_dir():
        raise FormatError(f"{path}: brat import reads a folder of .txt/.ann pairs; this is not a folder")
    anns = export_files(path, (".ann",), "brat .txt/.ann pairs")
    out = Parsed()
    for ann in anns:
        txt = ann.with_suffix(".txt")
        if not txt.is_file():
            out.error(ann.name, f"no {txt.name} beside it", "export the document's text with its annotations")
            continue
        # the .txt keeps a BOM: the brat server reads it as a character and counts it in offsets
        text = files.export_text(txt.read_bytes(), txt.name, out.errors, keep_bom=True)
        ann_text = files.export_text(ann.read_bytes(), ann.name, out.errors)
        if text is not None and ann_text is not None:
            parse(text, ann_text, ann.stem, out, unit or "codepoint")
    for txt in sorted(path.glob("*.txt")):
        if not txt.with_suffix(".ann").is_file():
            out.notes.append(f"{txt.name}: no {txt.stem}.ann beside it; not a brat document, ignored")
    return out


def parse(text: str, ann_text: str, stem: str, out: Parsed, unit: str = "codepoint") -> None:
    """One .txt/.ann pair into a ToolDoc (appended to out), with per-line warnings and errors."""
    conv = Converter(text, unit)
    spans: dict[str, ToolSpan] = {}
    rest: list[tuple[str, str, list[str]]] = []  # the other lines: where, id, fields after the id
    seen: dict[str, int] = {}  # id -> the line that defines it
    for n, line in enumerate(files.lines(ann_text), 1):
        if not line.strip():
            continue
        where, (key, *fields) = f"{stem}.ann:{n}", line.split("\t")
        if key in seen and key != "*":  # which of the two lines was meant is not guessed
            why = f"the id {key} is also that of line {seen[key]}; each annotation needs its own id (the brat server refuses such a file)"
            out.error(where, why, "renumber one of them (and what refers to it), or export the file again from brat")
            continue
        seen.setdefault(key, n)
        if not key.startswith("T"):
            rest.append((where, key, fields[0].split() if fields else []))
            continue
        m = _T.fullmatch(fields[0]) if fields else None
        if not m:
            out.error(where, f"malformed text-bound line {line!r}", "expected T<n><TAB><type> <start> <end><TAB><text>")
            continue
        label, quote = m["label"], fields[1] if len(fields) > 1 else None
        if ";" in m["frags"]:
            why = f"discontinuous span {key} {label} {m['frags']} ({quote!r}) is not imported: newsspan spans are contiguous"
            out.warn(where, why, "annotate it as one contiguous span, or as separate spans")
            continue
        named = f"{where} ({key} {label})"
        placed = place(out, named, conv, *map(int, m["frags"].split()), label=key, quote=quote)
        if placed:
            spans[key] = ToolSpan(label, *placed, named, key=key)
    consumed: set[str] = set()  # spans that are part of something else (an event's trigger, a claim's cue)
    for where, key, body in rest:
        kind, told = key[:1], ""
        if kind == "R" and len(body) == 3:
            a1, a2 = (arg.partition(":")[2] for arg in body[1:])
            if not _claim_relation(body[0], spans.get(a1), spans.get(a2), consumed):
                told = f"relation {key} {body[0]} ({a1} -> {a2}) is not imported: the schema holds no relations"
        elif kind == "E":
            trigger = body[0].partition(":")[2] if body else ""
            consumed.add(trigger)
            told = f"event {key} {body[0] if body else ''} is not imported (its trigger {trigger} neither): the schema holds no events"
        elif kind in ("A", "M") and len(body) >= 2:
            if not _attribute(body[0], spans.get(body[1]), body[2] if len(body) > 2 else None):
                told = f"attribute {key} {body[0]} of {body[1]} is not imported: the schema holds no attributes"
        elif kind == "N" and len(body) >= 3:
            wikidata = _WIKIDATA.fullmatch(body[2])
            if wikidata and body[1] in spans:
                spans[body[1]].kb_id = wikidata[1]
            else:
                told = f"normalisation {key} {body[2]} of {body[1]} is not imported: only Wikidata ids (Wikidata:Q…) are kept, as kb_id"
        elif kind == "#":
            told = f"note {key} on {body[1] if len(body) > 1 else '?'} is not imported: the schema holds no notes"
        elif kind == "*":
            told = f"equivalence {' '.join(body)} is not imported: use entity clusters"
        else:
            out.error(where, f"malformed line {key!r}", "see https://brat.nlplab.org/standoff.html")
        if told:
            out.warn(where, told)
    kept = [s for k, s in spans.items() if k not in consumed]
    out.docs.append(ToolDoc(text=text, name=stem, where=f"{stem}.txt", spans=kept))


def _claim_relation(rtype: str, claim: ToolSpan | None, arg: ToolSpan | None, consumed: set[str]) -> bool:
    """Whether a relation is a claim's Source or Cue as newsspan's export writes it (then read into the claim)."""
    if claim is None or arg is None or claim.label != CLAIM_LABEL:
        return False
    if rtype == "Source" and arg.label != SOURCE_LABEL:  # a source that is an entity mention
        claim.attribution["source_ref"] = arg.key
    elif (rtype, arg.label) in (("Source", SOURCE_LABEL), ("Cue", CUE_LABEL)):
        claim.attribution["source_span" if rtype == "Source" else "cue"] = (arg.start, arg.end)
        consumed.add(arg.key or "")
    else:
        return False
    return True


def _attribute(name: str, span: ToolSpan | None, value: str | None) -> bool:
    """Whether an attribute is one of newsspan's export (then read into the span)."""
    if span is None:
        return False
    if name == "Attribution" and span.label == CLAIM_LABEL and value in schema.attribution_types():
        span.attribution["type"] = value
    elif name == "Checkworthy" and span.label == CLAIM_LABEL and value is None:
        span.checkworthy = True
    elif name == "Cluster" and value is not None:
        span.cluster = value
    else:
        return False
    return True


def ann_lines(doc: Document) -> list[str]:
    """The .ann lines of one document's layers (every layer, claims with their attribution)."""
    lines: list[str] = []
    count = {"T": 0, "R": 0, "A": 0, "N": 0}

    def add(kind: str, body: str) -> str:
        count[kind] += 1
        lines.append(f"{kind}{count[kind]}\t{body}")
        return f"{kind}{count[kind]}"

    def T(label: str, s) -> str:
        return add("T", f"{label} {s.start} {s.end}\t{s.text}".replace("\n", " "))

    for s in doc.sections:
        T(SECTION_PREFIX + s.label, s)
    tid = {}
    for e in doc.entities:
        tid[e.id] = k = T(e.label, e)
        if e.cluster:
            add("A", f"Cluster {k} {e.cluster}")
        if e.kb_id:
            add("N", f"Reference {k} Wikidata:{e.kb_id}\t{e.text}".replace("\n", " "))
    for c in doc.claims:
        k, attr = T(CLAIM_LABEL, c), c.attribution
        add("A", f"Attribution {k} {attr.type}")
        if c.checkworthy:
            add("A", f"Checkworthy {k}")
        if attr.source:
            add("R", f"Source Arg1:{k} Arg2:{tid[attr.source]}\t")
        if attr.source_span:
            add("R", f"Source Arg1:{k} Arg2:{T(SOURCE_LABEL, attr.source_span)}\t")
        if attr.cue:
            add("R", f"Cue Arg1:{k} Arg2:{T(CUE_LABEL, attr.cue)}\t")
    return lines


def annotation_conf(docs: list[Document]) -> str:
    """brat's configuration of the export: its entity types, relations and attributes (brat.conf, filled in)."""
    clusters = "|".join(sorted({e.cluster for d in docs for e in d.entities if e.cluster}))
    return (
        (resources.files(__package__) / "brat.conf")
        .read_text(encoding="utf-8")
        .format(
            sections="\n".join(SECTION_PREFIX + x for x in schema.section_labels()),
            entities="\n".join(schema.entity_labels()),
            types="|".join(schema.entity_labels()),
            attributions="|".join(schema.attribution_types()),
            clusters=f"Cluster\tArg:<ENTITY>, Value:{clusters}\n" if clusters else "",
            claim=CLAIM_LABEL,
            source=SOURCE_LABEL,
            cue=CUE_LABEL,
        )
    )


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """Files of the brat folder: {relative name: bytes}."""
    docs = list(docs)
    out = {"annotation.conf": annotation_conf(docs).encode("utf-8")}
    for doc in docs:
        out[f"{doc.id}.txt"] = doc.text.encode("utf-8")
        out[f"{doc.id}.ann"] = ("\n".join(ann_lines(doc)) + "\n").encode("utf-8")
    return out
