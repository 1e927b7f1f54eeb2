"""The rows of each config, from one released document: ``rows(doc, config)``, a pure function.

It needs nothing but the :class:`newsspan.Document` (and the schema's labels), so a build can
run it anywhere (``newsspan build`` in one pass, a distributed build on a cluster's workers).
Labels are names (``"B-PERSON"``); the build encodes them as the features' ``ClassLabel`` ids.
Token rows come from :meth:`Document.iob`, so a row's tokens and tags are the model's: the
document must have validated (a span whose boundary falls inside a token raises
:class:`newsspan.tokenize.Misaligned`, never a shifted tag).
"""

from __future__ import annotations

from .. import schema
from ..model import Document

#: The metadata columns of the ``documents`` config: every field of the document schema but the
#: row's ``id``, the ``split`` (the row's split) and ``schema_version``.
META = tuple(n for n in schema.load("document")["properties"] if n not in ("schema_version", "id", "split"))


def rows(doc: Document, config: str) -> list[dict]:
    """The rows of a document in a config (``documents``, ``entities``, ``claims``, ``sections``)."""
    if config == "documents":
        return [
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
        ]
    if config == "sections":
        secs = doc.sections
        return [
            {
                "id": doc.id,
                "language": doc.language,
                "section_ids": [s.id for s in secs],
                "labels": [s.label for s in secs],
                "starts": [s.start for s in secs],
                "ends": [s.end for s in secs],
                "texts": [s.text for s in secs],
            }
        ]
    if config not in ("entities", "claims"):
        raise ValueError(f"unknown config {config!r}")
    out = []
    for sec in doc.sections:  # one row per section, every section
        tokens, tags = doc.iob(config, sec)
        row = {
            "id": f"{doc.id}:{sec.id}",
            "document_id": doc.id,
            "section": sec.label,
            "section_id": sec.id,
            "tokens": [t.text for t in tokens],
            "token_starts": [t.start for t in tokens],
            "token_ends": [t.end for t in tokens],
        }
        if config == "entities":
            row["ner_tags"] = tags
        else:
            row["claim_tags"] = tags
            row["claims"] = [c.to_json() for c in doc.claims if sec.start <= c.start and c.end <= sec.end]
        out.append(row)
    return out
