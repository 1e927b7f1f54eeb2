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

import zipfile
from collections.abc import Iterable
from pathlib import Path

from .. import files
from ..model import Document
from .offsets import Converter, utf16_offsets
from .tool import FormatError, Parsed, ToolDoc, add_span, export_files, jsonl, named, tagged

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
    for f in (field, "relations"):
        if f in rec and not isinstance(rec[f], list):
            raise FormatError(f"{where}: `{f}` is not a list")
    if any(isinstance(e, dict) and type(e.get("label")) is int for e in rec.get(field) or ()):
        raise FormatError(
            f"{where}: `{field}` names each label by its numeric id, not its name (an older doccano export); "
            "export the project again as JSONL, which writes the label names"
        )
    user = rec.get("user") if type(rec.get("user")) in (str, int) else None  # doccano 1.x names the annotator so
    doc = ToolDoc(text, name, where, annotator=annotator or (None if user is None else str(user)))
    conv = Converter(text, unit)

    def add(at: str, start, end, label, names: tuple[str, str] = ("start", "end"), key=None) -> None:
        if not isinstance(label, str):
            out.error(at, f"expected a string label, found {label!r}")
        else:
            add_span(out, doc, conv, at, start, end, label, names=names, key=None if key is None else str(key))

    if field in rec:
        names = ("start_offset", "end_offset")
        for k, e in enumerate(rec[field]):
            if isinstance(e, dict):
                add(f"{where} {field}[{k}]", e.get(names[0]), e.get(names[1]), e.get("label"), names, e.get("id"))
            else:
                out.error(f"{where} {field}[{k}]", "expected an object with start_offset, end_offset, label")
        for k, r in enumerate(rec.get("relations") or []):
            what = f"relation {r.get('type')!r} ({r.get('from_id')} -> {r.get('to_id')})"
            out.warn(f"{where} relations[{k}]", f"{what} is not imported: the schema holds no relations")
    else:
        labels = rec.get("label", rec.get("labels"))
        if labels is not None and (
            not isinstance(labels, list) or any(not isinstance(x, (list, tuple)) for x in labels)
        ):
            raise FormatError(
                f"{where}: `label` is not a list of [start, end, label] triples; "
                "is this a text-classification export? Only sequence labelling can be imported"
            )
        for k, t in enumerate(labels or []):
            if len(t) == 3:
                add(f"{where} label[{k}]", *t)
            else:
                out.error(f"{where} label[{k}]", f"expected [start, end, label], found {t!r}")
    out.docs.append(doc)


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    """JSONL as doccano reads it: per document its id, text and mentions as ``label`` triples in UTF-16 units."""
    records = []
    for doc in docs:
        tokens, spans = tagged(doc)
        utf16 = utf16_offsets(doc.text)
        label = [[utf16[tokens[a].start], utf16[tokens[b - 1].end], lab] for a, b, lab in spans]
        records.append({"id": doc.id, "text": doc.text, "label": label})
    return jsonl(records)
