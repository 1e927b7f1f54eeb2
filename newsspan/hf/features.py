"""The ``datasets.Features`` of the four configs, built from the schemas' label enums.

Works on ``datasets`` 3.6 and 5.x alike: span lists are plain Python lists of dicts
(``[{...}]``; ``datasets.List`` exists only from 4.0 and ``Sequence({...})`` would turn them
into a dict of lists), token lists are plain lists of a ``Value`` or ``ClassLabel``.
"""

from __future__ import annotations

from datasets import ClassLabel, Features, Value

from .. import schema
from . import CONFIGS, DEFAULT_CONFIG

DESCRIPTIONS = {
    "documents": "One row per article: id, text, metadata, and the sections, entities and claims as lists of spans.",
    "entities": "One row per section: tokens with code-point offsets and IOB2 named-entity tags.",
    "claims": "One row per section: tokens with code-point offsets, IOB2 claim tags and the claims in the section.",
    "sections": "One row per article: its layout blocks in order, with their labels, offsets and texts.",
}

# Metadata fields that are no column of their own: the row id is `id`, the split is the split.
_META_LEFT_OUT = {"schema_version", "id", "split"}


def _offset() -> Value:
    return Value("int32")


def _bare_span() -> dict:
    return {"start": _offset(), "end": _offset(), "text": Value("string")}


def section_feature() -> dict:
    return {
        "id": Value("string"),
        "label": ClassLabel(names=list(schema.section_labels())),
        "start": _offset(),
        "end": _offset(),
        "text": Value("string"),
    }


def entity_feature() -> dict:
    return {
        "id": Value("string"),
        "label": ClassLabel(names=list(schema.entity_labels())),
        "start": _offset(),
        "end": _offset(),
        "text": Value("string"),
        "kb_id": Value("string"),
        "cluster": Value("string"),
    }


def claim_feature() -> dict:
    return {
        "id": Value("string"),
        "start": _offset(),
        "end": _offset(),
        "text": Value("string"),
        "checkworthy": Value("bool"),
        "attribution": {
            "type": ClassLabel(names=list(schema.attribution_types())),
            "source": Value("string"),
            "source_span": _bare_span(),
            "cue": _bare_span(),
        },
    }


def meta_fields() -> dict:
    """Columns for the metadata fields of schema/document.schema.json (strings and string lists)."""
    out = {}
    for name, prop in schema.load("document")["properties"].items():
        if name in _META_LEFT_OUT:
            continue
        out[name] = [Value("string")] if prop.get("type") == "array" else Value("string")
    return out


def _token_columns() -> dict:
    return {
        "id": Value("string"),
        "document_id": Value("string"),
        "section": ClassLabel(names=list(schema.section_labels())),
        "section_id": Value("string"),
        "tokens": [Value("string")],
        "token_starts": [_offset()],
        "token_ends": [_offset()],
    }


def features(config: str) -> Features:
    if config == "documents":
        return Features(
            {
                "id": Value("string"),
                "text": Value("string"),
                **meta_fields(),
                "status": ClassLabel(names=list(schema.statuses())),
                "annotators": [Value("string")],
                "guidelines_version": Value("string"),
                "sections": [section_feature()],
                "entities": [entity_feature()],
                "claims": [claim_feature()],
            }
        )
    if config == "entities":
        return Features({**_token_columns(), "ner_tags": [ClassLabel(names=list(schema.ner_tags()))]})
    if config == "claims":
        return Features(
            {**_token_columns(), "claim_tags": [ClassLabel(names=list(schema.CLAIM_TAGS))], "claims": [claim_feature()]}
        )
    if config == "sections":
        return Features(
            {
                "id": Value("string"),
                "language": Value("string"),
                "section_ids": [Value("string")],
                "labels": [ClassLabel(names=list(schema.section_labels()))],
                "starts": [_offset()],
                "ends": [_offset()],
                "texts": [Value("string")],
            }
        )
    raise ValueError(f"unknown config {config!r}: expected one of {', '.join(CONFIGS)}")


__all__ = ["CONFIGS", "DEFAULT_CONFIG", "DESCRIPTIONS", "features"]
