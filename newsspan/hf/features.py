"""The ``datasets.Features`` of the four configs, built from the schemas' label enums, and the
Arrow table of a batch of rows.

Works on ``datasets`` 3.6 and 5.x alike: span lists are plain Python lists of dicts
(``[{...}]``; ``datasets.List`` exists only from 4.0 and ``Sequence({...})`` would turn them
into a dict of lists), token lists are plain lists of a ``Value`` or ``ClassLabel``.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import schema
from . import CONFIGS
from .rows import META

DESCRIPTIONS = {
    "documents": "One row per article: id, text, metadata, and the sections, entities and claims as lists of spans.",
    "entities": "One row per section: tokens with code-point offsets and IOB2 named-entity tags.",
    "claims": "One row per section: tokens with code-point offsets, IOB2 claim tags and the claims in the section.",
    "sections": "One row per article: its layout blocks in order, with their labels, offsets and texts.",
}

# datasets and pyarrow are imported where features are made, not by `import newsspan`


def _value(dtype: str):
    from datasets import Value

    return Value(dtype)


def _labels(names):
    from datasets import ClassLabel

    return ClassLabel(names=list(names))


def _meta(prop: dict):
    """The feature of a metadata field: an object is a struct of its fields, an array a list of strings."""
    if prop.get("type") == "object":
        return {name: _meta(p) for name, p in prop["properties"].items()}
    return [_value("string")] if prop.get("type") == "array" else _value("string")


def _span(**extra) -> dict:
    return {"start": _value("int32"), "end": _value("int32"), "text": _value("string"), **extra}


def _claim() -> dict:
    bare = _span()
    attribution = {"type": _labels(schema.attribution_types()), "source": _value("string"), "source_span": bare}
    attribution["cue"] = bare
    return {"id": _value("string"), **_span(), "checkworthy": _value("bool"), "attribution": attribution}


def _token_columns(tags: str, names) -> dict:
    STRING, OFFSET = _value("string"), _value("int32")
    return {
        "id": STRING,
        "document_id": STRING,
        "section": _labels(schema.section_labels()),
        "section_id": STRING,
        "tokens": [STRING],
        "token_starts": [OFFSET],
        "token_ends": [OFFSET],
        tags: [_labels(names)],
    }


def spec(config: str) -> dict:
    """The features of a config as plain dicts and lists (what ``Features`` is made from)."""
    STRING, OFFSET = _value("string"), _value("int32")
    sections = _labels(schema.section_labels())
    if config == "documents":
        props = schema.load("document")["properties"]
        entity = {"id": STRING, "label": _labels(schema.entity_labels()), **_span(), "kb_id": STRING, "cluster": STRING}
        return {
            "id": STRING,
            "text": STRING,
            **{name: _meta(props[name]) for name in META},
            "status": _labels(schema.statuses()),
            "annotators": [STRING],
            "guidelines_version": STRING,
            "sections": [{"id": STRING, "label": sections, **_span(), "speaker": STRING}],
            "entities": [entity],
            "claims": [_claim()],
        }
    if config == "entities":
        return _token_columns("ner_tags", schema.ner_tags())
    if config == "claims":
        return {**_token_columns("claim_tags", schema.CLAIM_TAGS), "claims": [_claim()]}
    if config == "sections":
        columns = {"section_ids": [STRING], "labels": [sections], "starts": [OFFSET], "ends": [OFFSET]}
        return {"id": STRING, "language": STRING, **columns, "texts": [STRING]}
    raise ValueError(f"unknown config {config!r}: expected one of {', '.join(CONFIGS)}")


def features(config: str):
    """The ``datasets.Features`` of a config."""
    from datasets import Features

    return Features(spec(config))


def _encoder(feature):
    """A function replacing the label names in a value of this feature by their ClassLabel ids;
    None where the feature holds no label. (``Features.encode_example`` visits every value: three
    times slower, a fifth of the time of ``newsspan build --config documents``.)"""
    from datasets import ClassLabel

    if isinstance(feature, ClassLabel):
        ids = {name: i for i, name in enumerate(feature.names)}
        return lambda v: None if v is None else ids[v]
    if isinstance(feature, list):
        item = _encoder(feature[0])
        return item and (lambda vs: None if vs is None else [item(v) for v in vs])
    if isinstance(feature, dict):
        parts = [(k, e) for k, f in feature.items() if (e := _encoder(f))]
        return parts and (lambda d: None if d is None else {**d, **{k: e(d.get(k)) for k, e in parts}})
    return None


def tables(config: str) -> Callable:
    """A function making the Arrow table of a batch of a config's rows (label names, as
    :func:`.rows.rows` gives them), in the schema of the config's features."""
    import pyarrow as pa

    arrow, encode = features(config).arrow_schema, _encoder(spec(config))
    return lambda rows: pa.Table.from_pylist([encode(r) for r in rows], schema=arrow)
