"""The ``datasets.Features`` of the four configs (from the schemas' label enums) and the Arrow table of rows.
Span lists are plain lists of dicts, which ``datasets`` 3.6 and 5.x both read (``datasets.List`` is 4.0+)."""

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


def spec(config: str) -> dict:
    """The features of a config as plain dicts and lists (what ``Features`` is made from)."""
    from datasets import ClassLabel, Value  # (imported where features are made, not by `import newsspan`)

    string, offset, sections = Value("string"), Value("int32"), ClassLabel(names=list(schema.section_labels()))

    def meta(prop: dict):  # an object is a struct of its fields, an array a list of strings
        if prop.get("type") == "object":
            return {name: meta(p) for name, p in prop["properties"].items()}
        return [string] if prop.get("type") == "array" else string

    span = {"start": offset, "end": offset, "text": string}
    attribution = {"type": ClassLabel(names=list(schema.attribution_types())), "source": string}
    attribution |= {"source_span": span, "cue": span}
    claim = {"id": string, **span, "checkworthy": Value("bool"), "attribution": attribution}
    tokens = {"id": string, "document_id": string, "section": sections, "section_id": string, "tokens": [string]}
    tokens |= {"token_starts": [offset], "token_ends": [offset]}
    if config == "documents":
        props = schema.load("document")["properties"]
        entity = {"id": string, "label": ClassLabel(names=list(schema.entity_labels())), **span}
        return {
            "id": string,
            "text": string,
            **{name: meta(props[name]) for name in META},
            "status": ClassLabel(names=list(schema.statuses())),
            "annotators": [string],
            "guidelines_version": string,
            "sections": [{"id": string, "label": sections, **span, "speaker": string}],
            "entities": [entity | {"kb_id": string, "cluster": string}],
            "claims": [claim],
        }
    if config == "entities":
        return tokens | {"ner_tags": [ClassLabel(names=list(schema.ner_tags()))]}
    if config == "claims":
        return tokens | {"claim_tags": [ClassLabel(names=list(schema.CLAIM_TAGS))], "claims": [claim]}
    if config == "sections":
        columns = {"section_ids": [string], "labels": [sections], "starts": [offset], "ends": [offset]}
        return {"id": string, "language": string, **columns, "texts": [string]}
    raise ValueError(f"unknown config {config!r}: expected one of {', '.join(CONFIGS)}")


def features(config: str):
    """The ``datasets.Features`` of a config."""
    from datasets import Features

    return Features(spec(config))


def _encoder(feature):
    """A function replacing the label names in a value of feature by their ids; None if it holds no label.
    (``Features.encode_example`` visits every value: three times slower.)"""
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
    """A function making the Arrow table of a batch of a config's rows (as :func:`.rows.rows` gives them)."""
    import pyarrow as pa

    arrow, encode = features(config).arrow_schema, _encoder(spec(config))
    return lambda rows: pa.Table.from_pylist([encode(r) for r in rows], schema=arrow)
