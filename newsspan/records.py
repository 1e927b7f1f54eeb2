"""Building annotation and metadata records (plain dicts in the schemas' shape).

One place for the fields every writer fills in the same way: schema and guidelines
versions, span ids in document order, the JSON text files are written as.
"""

from __future__ import annotations

import json

from .schema import SCHEMA_VERSION, layers

GUIDELINES_VERSION = "1.0.0"  # the version stated at the top of docs/guidelines.md
LAYERS = layers()  # sections, entities, claims: from the schema
ID_PREFIX = {layer: layer[0] for layer in LAYERS}  # span ids s1, e1, c1: the layer's initial


def dump(obj) -> bytes:
    """The bytes of a JSON file as newsspan writes it (UTF-8, 2-space indent, final newline)."""
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def span(start: int, end: int, text: str, **fields) -> dict:
    return {**fields, "start": start, "end": end, "text": text[start:end]}


def renumber(layer: str, items: list[dict]) -> list[dict]:
    """Items sorted by position with fresh ids s1.., e1.., c1.. (id first, as the files show them)."""
    items = sorted(items, key=lambda x: (x["start"], x["end"]))
    return [{"id": f"{ID_PREFIX[layer]}{i}", **{k: v for k, v in x.items() if k != "id"}} for i, x in enumerate(items, 1)]


def annotation(doc_id: str, text_sha256: str, *, annotators: list[str], status: str,
               sections=(), entities=(), claims=(), notes: str | None = None) -> dict:
    ann = {
        "schema_version": SCHEMA_VERSION,
        "document_id": doc_id,
        "text_sha256": text_sha256,
        "annotators": list(annotators),
        "guidelines_version": GUIDELINES_VERSION,
        "status": status,
    }
    if notes:
        ann["notes"] = notes
    ann["sections"] = list(sections)
    ann["entities"] = list(entities)
    ann["claims"] = list(claims)
    return ann

