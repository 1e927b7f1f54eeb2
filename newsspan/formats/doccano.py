"""doccano exports: JSONL records of a ``text`` (``data`` in doccano 1.x) with ``label`` triples
``[start, end, label]`` (``labels`` in 1.0) or ``entities`` lists (``start_offset``/``end_offset``/``label``,
with ``relations``). An export whose labels are numeric ids (``annotations`` of older versions) is
refused: export the project again as JSONL, which names the labels.

doccano counts offsets in UTF-16 code units (JavaScript string indices) unless the project is
in grapheme mode (``--offsets grapheme``). PATH is a JSONL (or JSON) file, or the folder or
zip of a per-user export: doccano then writes one ``<username>.jsonl`` per member (and
``all.jsonl`` for collaborative projects, which names no annotator).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .. import files
from ..model import Document
from .offsets import Converter, utf16_offsets
from .tool import FormatError, Parsed, ToolDoc, ToolSpan, export_files, named, place, tagged

COLLABORATIVE = "all"
SUFFIXES = (".jsonl", ".json")


def _inputs(path: Path) -> list[tuple[str, bytes, bool]]:
    """(file name, bytes, whether its stem names the annotator)."""
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            names = sorted(n for n in z.namelist() if n.endswith(SUFFIXES) and "/" not in n.strip("/"))
            if not names:
                raise FormatError(f"{path}: the zip holds no .jsonl files")
            return [(n, z.read(n), True) for n in names]
    return [(p.name, p.read_bytes(), path.is_dir()) for p in export_files(path, SUFFIXES, "doccano JSONL exports")]


def load(path: Path, unit: str | None = None) -> Parsed:
    path, out = Path(path), Parsed()
    for name, data, per_user in _inputs(path):
        stem = Path(name).stem
        annotator = stem if per_user and stem != COLLABORATIVE else None
        what = "a doccano export holds one JSON object per line"
        for n, rec in files.export_records(data, name, out.errors, what=what, whole=True) or ():
            key = rec.get("id", n) if isinstance(rec, dict) else n
            doc = named(rec, f"{path.stem}-{key}", ("name", "title", "document_id"))  # its "id" is a record number
            parse_record(rec, f"{name}:{n}", doc, annotator, unit or "utf16", out)
    return out


def parse_record(rec, where: str, name: str, annotator: str | None, unit: str, out: Parsed) -> None:
    text = rec.get("text", rec.get("data")) if isinstance(rec, dict) else None  # doccano 1.x: the text under `data`
    if not isinstance(text, str):
        ls = isinstance(rec, dict) and isinstance(rec.get("data"), dict)
        raise FormatError(
            f"{where}: not a doccano record: expected an object with `text` (or `data`, as doccano 1.x writes it)"
            + " (a Label Studio task? `newsspan import labelstudio` reads those)" * ls
        )
    # entity objects: `entities` now, `annotations` in older exports (which name labels by their numeric ids)
    field = "entities" if "entities" in rec or "annotations" not in rec else "annotations"
    items = []  # (where, start, end, label, names of the offsets, id)
    for f in (field, "relations"):
        if f in rec and not isinstance(rec[f], list):
            raise FormatError(f"{where}: `{f}` is not a list")
    if any(isinstance(e, dict) and type(e.get("label")) is int for e in rec.get(field) or ()):
        raise FormatError(
            f"{where}: `{field}` names each label by its numeric id, not its name (an older doccano export); "
            "export the project again as JSONL, which writes the label names"
        )
    if field in rec:
        for k, e in enumerate(rec[field]):
            if not isinstance(e, dict):
                out.error(f"{where} {field}[{k}]", "expected an object with start_offset, end_offset, label")
                continue
            names = ("start_offset", "end_offset")
            items.append(
                (f"{where} {field}[{k}]", e.get(names[0]), e.get(names[1]), e.get("label"), names, e.get("id"))
            )
        for k, r in enumerate(rec.get("relations") or []):
            out.warn(
                f"{where} relations[{k}]",
                f"relation {r.get('type')!r} ({r.get('from_id')} -> {r.get('to_id')}) "
                "is not imported: the schema holds no relations",
            )
    else:
        labels = rec.get("label", rec.get("labels"))
        labels = [] if labels is None else labels
        if not isinstance(labels, list) or any(not isinstance(x, (list, tuple)) for x in labels):
            raise FormatError(
                f"{where}: `label` is not a list of [start, end, label] triples; "
                "is this a text-classification export? Only sequence labelling can be imported"
            )
        for k, t in enumerate(labels):
            if len(t) != 3:
                out.error(f"{where} label[{k}]", f"expected [start, end, label], found {t!r}")
            else:
                items.append((f"{where} label[{k}]", t[0], t[1], t[2], ("start", "end"), None))
    user = rec.get("user") if type(rec.get("user")) in (str, int) else None  # doccano 1.x names the annotator so
    doc = ToolDoc(text=text, name=name, where=where, annotator=annotator or (str(user) if user is not None else None))
    conv = Converter(text, unit)
    for at, start, end, label, names, key in items:
        if not isinstance(label, str):
            out.error(at, f"expected a string label, found {label!r}")
        elif placed := place(out, at, conv, start, end, label=label, names=names):
            s, e = placed
            doc.spans.append(
                ToolSpan(label, s, e, f"{at} ({label} {text[s:e]!r})", key=None if key is None else str(key))
            )
    out.docs.append(doc)


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """JSONL as doccano imports and exports it: per document its id, text and entity mentions as ``label``
    triples in UTF-16 units (doccano's), each on whole tokens (newsspan.tokenize.tag, the one tagger)."""
    lines = []
    for doc in docs:
        tokens, spans = tagged(doc)
        utf16 = utf16_offsets(doc.text)
        label = [[utf16[tokens[a].start], utf16[tokens[b - 1].end], lab] for a, b, lab in spans]
        lines.append(json.dumps({"id": doc.id, "text": doc.text, "label": label}, ensure_ascii=False))
    return {"": ("\n".join(lines) + "\n").encode("utf-8")}
