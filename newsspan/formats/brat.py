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
from pathlib import Path

from .. import files, schema
from ..files import lines
from ..model import Document
from . import FormatError, Parsed, ToolDoc, ToolSpan, check_quote, issue
from .labelmap import CLAIM_LABEL, SECTION_PREFIX
from .offsets import Converter, OffsetError, read_offset

SOURCE_LABEL, CUE_LABEL = "claim_source", "claim_cue"
_T = re.compile(r"(?P<label>\S+) (?P<frags>[0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)")  # ASCII digits: \d takes any script's
_WIKIDATA = re.compile(r"(?:Wikidata|wikidata|WD):(Q[1-9][0-9]{0,11})")


def load(path: Path, unit: str | None = None) -> Parsed:
    path = Path(path)
    if not path.is_dir():
        raise FormatError(f"{path}: brat import reads a folder of .txt/.ann pairs; this is not a folder")
    anns = sorted(p for p in path.iterdir() if p.suffix == ".ann" and p.is_file())
    txts = {p.stem for p in path.iterdir() if p.suffix == ".txt" and p.is_file()}
    if not anns:
        raise FormatError(f"{path}: no .ann files; expected brat .txt/.ann pairs")
    out = Parsed()
    for ann in anns:
        if ann.stem not in txts:
            out.errors.append(
                issue(f"{ann.name}", f"no {ann.stem}.txt beside it", "export the document's text with its annotations")
            )
            continue
        # the .txt keeps a BOM: the brat server reads it as a character and counts it in offsets
        text = files.export_text((path / f"{ann.stem}.txt").read_bytes(), f"{ann.stem}.txt", out.errors, keep_bom=True)
        ann_text = files.export_text(ann.read_bytes(), ann.name, out.errors)
        if text is None or ann_text is None:
            continue
        parse(text, ann_text, ann.stem, out, unit or "codepoint")
    for stem in sorted(txts - {a.stem for a in anns}):
        out.notes.append(f"{stem}.txt: no {stem}.ann beside it; not a brat document, ignored")
    return out


def parse(text: str, ann_text: str, stem: str, out: Parsed, unit: str = "codepoint") -> None:
    """One .txt/.ann pair into a ToolDoc (appended to out), with per-line warnings and errors."""
    conv = Converter(text, unit)
    spans: dict[str, ToolSpan] = {}
    rest = []
    seen: dict[str, int] = {}  # id -> the line that defines it
    for n, line in enumerate(lines(ann_text), 1):
        if not line.strip():
            continue
        where = f"{stem}.ann:{n}"
        fields = line.split("\t")
        key = fields[0]
        if key in seen and key != "*":  # the .ann's duplicate key: which line was meant is not guessed
            out.errors.append(
                issue(
                    where,
                    f"the id {key} is also that of line {seen[key]}; each annotation needs its own id "
                    "(the brat server refuses such a file)",
                    "renumber one of them (and what refers to it), or export the file again from brat",
                )
            )
            continue
        seen.setdefault(key, n)
        if key.startswith("T"):
            m = _T.fullmatch(fields[1]) if len(fields) >= 2 else None
            if not m:
                out.errors.append(
                    issue(
                        where,
                        f"malformed text-bound line {line!r}",
                        "expected T<n><TAB><type> <start> <end><TAB><text>",
                    )
                )
                continue
            quote = fields[2] if len(fields) > 2 else None
            frags = m["frags"].split(";")
            if len(frags) > 1:
                out.warnings.append(
                    issue(
                        where,
                        f"discontinuous span {key} {m['label']} {m['frags']} ({quote!r}) is not imported: "
                        "newsspan spans are contiguous",
                        "annotate it as one contiguous span, or as separate spans",
                    )
                )
                continue
            try:
                s, e = frags[0].split()
                start, end = (
                    conv.to_codepoint(read_offset(int(s), "start")),
                    conv.to_codepoint(read_offset(int(e), "end")),
                )
            except OffsetError as e:
                out.errors.append(issue(where, f"{key}: {e}"))
                continue
            if not check_quote(
                text, start, end, quote, f"{where} ({key} {m['label']})", out.errors, loose_newlines=True
            ):
                continue
            spans[key] = ToolSpan(m["label"], start, end, f"{where} ({key} {m['label']})", key=key)
        else:
            rest.append((where, key, fields))
    consumed: set[str] = set()
    for where, key, fields in rest:
        body = fields[1].split() if len(fields) > 1 else []
        kind = key[:1]
        if kind == "R" and len(body) == 3:
            rtype, a1, a2 = body[0], body[1].partition(":")[2], body[2].partition(":")[2]
            if _claim_relation(rtype, spans.get(a1), spans.get(a2), consumed):
                continue
            out.warnings.append(
                issue(where, f"relation {key} {rtype} ({a1} -> {a2}) is not imported: the schema holds no relations")
            )
        elif kind == "E":
            trigger = body[0].partition(":")[2] if body else ""
            if trigger in spans:
                consumed.add(trigger)
            out.warnings.append(
                issue(
                    where,
                    f"event {key} {body[0] if body else ''} is not imported (its trigger {trigger} neither): "
                    "the schema holds no events",
                )
            )
        elif kind in "AM" and len(body) >= 2:
            name, target, value = body[0], body[1], (body[2] if len(body) > 2 else None)
            if _newsspan_attribute(name, spans.get(target), value):
                continue
            out.warnings.append(
                issue(where, f"attribute {key} {name} of {target} is not imported: the schema holds no attributes")
            )
        elif kind == "N" and len(body) >= 3:
            m = _WIKIDATA.fullmatch(body[2])
            if m and body[1] in spans:
                spans[body[1]].kb_id = m[1]
                continue
            out.warnings.append(
                issue(
                    where,
                    f"normalisation {key} {body[2]} of {body[1]} is not imported: only Wikidata ids (Wikidata:Q…) are kept, as kb_id",
                )
            )
        elif kind == "#":
            out.warnings.append(
                issue(
                    where,
                    f"note {key} on {body[1] if len(body) > 1 else '?'} is not imported: the schema holds no notes",
                )
            )
        elif kind == "*":
            out.warnings.append(issue(where, f"equivalence {' '.join(body)} is not imported: use entity clusters"))
        else:
            out.errors.append(issue(where, f"malformed line {key!r}", "see https://brat.nlplab.org/standoff.html"))
    out.docs.append(
        ToolDoc(text=text, name=stem, where=f"{stem}.txt", spans=[s for k, s in spans.items() if k not in consumed])
    )


def _claim_relation(rtype, claim, arg, consumed) -> bool:
    if rtype not in ("Source", "Cue") or claim is None or arg is None or claim.label != CLAIM_LABEL:
        return False
    attr = claim.attribution
    if rtype == "Cue" and arg.label == CUE_LABEL:
        attr["cue"] = (arg.start, arg.end)
    elif rtype == "Source" and arg.label == SOURCE_LABEL:
        attr["source_span"] = (arg.start, arg.end)
    elif rtype == "Source":
        attr["source_ref"] = arg.key
        return True
    else:
        return False
    consumed.add(arg.key)
    return True


def _newsspan_attribute(name, span, value) -> bool:
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


# export ----------------------------------------------------------------------------------------


def _one_line(s: str) -> str:
    return s.replace("\n", " ")


def ann_lines(doc: Document) -> list[str]:
    """The .ann lines of one document's layers (every layer, claims with their attribution)."""
    lines, t = [], 0
    n = {"R": 0, "A": 0, "N": 0}
    tid = {}

    def T(label, s):
        nonlocal t
        t += 1
        lines.append(f"T{t}\t{label} {s.start} {s.end}\t{_one_line(s.text)}")
        return f"T{t}"

    def other(kind, body):
        n[kind] += 1
        lines.append(f"{kind}{n[kind]}\t{body}")

    for s in doc.sections:
        T(SECTION_PREFIX + s.label, s)
    for e in doc.entities:
        tid[e.id] = k = T(e.label, e)
        if e.cluster:
            other("A", f"Cluster {k} {e.cluster}")
        if e.kb_id:
            other("N", f"Reference {k} Wikidata:{e.kb_id}\t{_one_line(e.text)}")
    for c in doc.claims:
        k = T(CLAIM_LABEL, c)
        attr = c.attribution
        other("A", f"Attribution {k} {attr.type}")
        if c.checkworthy:
            other("A", f"Checkworthy {k}")
        if attr.source:
            other("R", f"Source Arg1:{k} Arg2:{tid[attr.source]}\t")
        if attr.source_span:
            other("R", f"Source Arg1:{k} Arg2:{T(SOURCE_LABEL, attr.source_span)}\t")
        if attr.cue:
            other("R", f"Cue Arg1:{k} Arg2:{T(CUE_LABEL, attr.cue)}\t")
    return lines


def annotation_conf(docs: list[Document]) -> str:
    clusters = sorted({e.cluster for d in docs for e in d.entities if e.cluster})
    entities = [SECTION_PREFIX + x for x in schema.section_labels()] + list(schema.entity_labels())
    entities += [CLAIM_LABEL, SOURCE_LABEL, CUE_LABEL]
    ent_types = "|".join(schema.entity_labels())
    lines = [
        "# written by `newsspan export brat`",
        "[entities]",
        *entities,
        "",
        "[relations]",
        f"Source\tArg1:{CLAIM_LABEL}, Arg2:{SOURCE_LABEL}|{ent_types}",
        f"Cue\tArg1:{CLAIM_LABEL}, Arg2:{CUE_LABEL}",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        "",
        "[attributes]",
        f"Attribution\tArg:{CLAIM_LABEL}, Value:{'|'.join(schema.attribution_types())}",
        f"Checkworthy\tArg:{CLAIM_LABEL}",
    ]
    if clusters:
        lines.append(f"Cluster\tArg:<ENTITY>, Value:{'|'.join(clusters)}")
    return "\n".join(lines) + "\n"


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """Files of the brat folder: {relative name: bytes}."""
    docs = list(docs)
    files = {}
    for doc in docs:
        files[f"{doc.id}.txt"] = doc.text.encode("utf-8")
        files[f"{doc.id}.ann"] = ("\n".join(ann_lines(doc)) + "\n").encode("utf-8")
    files["annotation.conf"] = annotation_conf(docs).encode("utf-8")
    return files
