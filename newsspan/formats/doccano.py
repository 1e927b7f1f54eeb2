"""doccano exports: JSONL records with ``label`` triples ``[start, end, label]`` or ``entities``
lists (``start_offset``/``end_offset``/``label``, with ``relations``).

doccano counts offsets in UTF-16 code units (JavaScript string indices) unless the project is
in grapheme mode (``--offsets grapheme``). PATH is a JSONL (or JSON) file, or the folder or
zip of a per-user export: doccano then writes one ``<username>.jsonl`` per member (and
``all.jsonl`` for collaborative projects, which names no annotator).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .. import files
from . import FormatError, Parsed, ToolDoc, ToolSpan, issue
from .offsets import Converter, OffsetError, read_offset

COLLABORATIVE = "all"


def _inputs(path: Path) -> list[tuple[str, bytes, bool]]:
    """(file name, bytes, whether its stem names the annotator)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (".jsonl", ".json"))
        if not files:
            raise FormatError(f"{path}: no .jsonl files in the folder")
        return [(p.name, p.read_bytes(), True) for p in files]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            names = sorted(n for n in z.namelist() if n.endswith((".jsonl", ".json")) and "/" not in n.strip("/"))
            if not names:
                raise FormatError(f"{path}: the zip holds no .jsonl files")
            return [(n, z.read(n), True) for n in names]
    return [(path.name, path.read_bytes(), False)]


def load(path: Path, unit: str | None = None) -> Parsed:
    path = Path(path)
    out = Parsed()
    unit = unit or "utf16"
    for name, data, per_user in _inputs(path):
        stem = Path(name).stem
        annotator = stem if per_user and stem != COLLABORATIVE else None
        records = files.export_records(
            data, name, out.errors, what="a doccano export holds one JSON object per line", whole=True
        )
        for n, rec in records or ():
            parse_record(
                rec,
                f"{name}:{n}",
                f"{Path(path).stem}-{rec.get('id', n) if isinstance(rec, dict) else n}",
                annotator,
                unit,
                out,
            )
    return out


def parse_record(rec, where: str, name: str, annotator: str | None, unit: str, out: Parsed) -> None:
    if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
        raise FormatError(f"{where}: not a doccano record: expected an object with `text`")
    text = rec["text"]
    triples = []
    for field in ("entities", "relations"):
        if field in rec and not isinstance(rec[field], list):
            raise FormatError(f"{where}: `{field}` is not a list")
    if "entities" in rec:
        for k, e in enumerate(rec.get("entities") or []):
            if not isinstance(e, dict):
                out.errors.append(
                    issue(f"{where} entities[{k}]", "expected an object with start_offset, end_offset, label")
                )
                continue
            triples.append(
                (
                    f"{where} entities[{k}]",
                    ("start_offset", e.get("start_offset")),
                    ("end_offset", e.get("end_offset")),
                    e.get("label"),
                    e.get("id"),
                )
            )
        for k, r in enumerate(rec.get("relations") or []):
            out.warnings.append(
                issue(
                    f"{where} relations[{k}]",
                    f"relation {r.get('type')!r} ({r.get('from_id')} -> {r.get('to_id')}) "
                    "is not imported: the schema holds no relations",
                )
            )
    else:
        labels = rec.get("label", rec.get("labels"))
        if labels is None:
            labels = []
        if not isinstance(labels, list) or any(not isinstance(x, (list, tuple)) for x in labels):
            raise FormatError(
                f"{where}: `label` is not a list of [start, end, label] triples; "
                "is this a text-classification export? Only sequence labelling can be imported"
            )
        for k, t in enumerate(labels):
            if len(t) != 3:
                out.errors.append(issue(f"{where} label[{k}]", f"expected [start, end, label], found {t!r}"))
                continue
            triples.append((f"{where} label[{k}]", ("start", t[0]), ("end", t[1]), t[2], None))
    doc = ToolDoc(text=text, name=name, where=where, annotator=annotator)
    conv = Converter(text, unit)
    for w, (s_name, s), (e_name, e), label, key in triples:
        if not isinstance(label, str):
            out.errors.append(issue(w, f"expected a string label, found {label!r}"))
            continue
        try:
            s, e = read_offset(s, s_name), read_offset(e, e_name)
        except OffsetError as err:
            out.errors.append(issue(w, f"{label}: {err}"))
            continue
        try:
            cs, ce = conv.to_codepoint(s), conv.to_codepoint(e)
        except OffsetError as err:
            out.errors.append(
                issue(w, f"{label} [{s}, {e}): {err}", "pass --offsets with the unit the project counts in")
            )
            continue
        if cs >= ce:
            out.errors.append(issue(w, f"{label} [{s}, {e}) is empty or reversed"))
            continue
        doc.spans.append(
            ToolSpan(label, cs, ce, f"{w} ({label} {text[cs:ce]!r})", key=None if key is None else str(key))
        )
    out.docs.append(doc)
