"""The rows of each config from one released document: ``rows(doc, configs)``, a pure function a build runs
anywhere. Labels are names (the build encodes them as ``ClassLabel`` ids); the document must have validated
(a span boundary inside a token raises :class:`newsspan.tokenize.Misaligned`, never a shifted tag)."""

from __future__ import annotations

from collections.abc import Iterable

from .. import schema
from ..model import Document
from ..tokenize import tag
from . import CONFIGS

#: The metadata columns of the ``documents`` config: the document schema's fields but id, split and schema_version
META = schema.meta_fields()


def rows(doc: Document, configs: Iterable[str] = CONFIGS) -> dict[str, list[dict]]:
    """The rows of a document in each of configs (``documents``, ``entities``, ``claims``, ``sections``)."""
    configs = list(configs)
    unknown = set(configs) - set(CONFIGS)
    if unknown:
        raise ValueError(f"unknown config {sorted(unknown)[0]!r}: expected one of {', '.join(CONFIGS)}")
    out: dict[str, list[dict]] = {c: [] for c in configs}
    if "documents" in out:
        out["documents"].append(
            {
                "id": doc.id,
                "text": doc.text,
                **{name: doc.meta.get(name) for name in META},
                "status": doc.status,
                "annotators": list(doc.annotators) if doc.status is not None else None,
                "guidelines_version": doc.guidelines_version,
                "sections": [s.to_json() for s in doc.sections],
                "entities": [e.to_json() for e in doc.entities],
                "claims": [c.to_json() for c in doc.claims],
            }
        )
    if "sections" in out:
        secs = doc.sections
        out["sections"].append(
            {
                "id": doc.id,
                "language": doc.language,
                "section_ids": [s.id for s in secs],
                "labels": [s.label for s in secs],
                "starts": [s.start for s in secs],
                "ends": [s.end for s in secs],
                "texts": [s.text for s in secs],
            }
        )
    token_configs = [c for c in ("entities", "claims") if c in out]
    for sec in doc.sections if token_configs else ():  # one row per section, every section
        tokens = doc.tokens(sec)
        row = {
            "id": f"{doc.id}:{sec.id}",
            "document_id": doc.id,
            "section": sec.label,
            "section_id": sec.id,
            "tokens": [t.text for t in tokens],
            "token_starts": [t.start for t in tokens],
            "token_ends": [t.end for t in tokens],
        }
        for config in token_configs:  # the spans that meet the section, tagged as Document.iob tags them
            spans = [x for x in doc.layer(config) if x.start < sec.end and sec.start < x.end]
            if config == "entities":
                out[config].append(row | {"ner_tags": tag(tokens, spans)})
            else:
                claims = [c.to_json() for c in spans if sec.start <= c.start and c.end <= sec.end]
                out[config].append(row | {"claim_tags": tag(tokens, spans), "claims": claims})
    return out
