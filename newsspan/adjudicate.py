"""Adjudication: a draft of the spans two annotators agree on exactly, and what a reviewer must decide.

``newsspan adjudicate ID A B`` writes the document's released layer as a ``draft`` holding,
in every layer, A's spans that B gave exactly as well:

- a section when B has one with the same start, end and label;
- an entity mention when B has one with the same start, end and label; its ``kb_id`` and
  ``cluster`` when both gave the same (else they are left out, and listed);
- a claim when B has one with the same start and end, the same check-worthiness and the same
  attribution (type, source mention by its offsets and label, source span and cue);
- but no mention or claim outside every kept section (the validator's ``span-outside-section``
  would refuse the file), nor a claim whose source mention is not kept: these are listed too.

Every other difference is a :class:`~newsspan.agreement.Disagreement` shown side by side.
A and B keep their own files; ids in the draft are A's.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, replace

from . import agreement, scoring
from .agreement import Disagreement
from .model import LAYERS, Annotation

KB_ID = "kb_id"  # an agreed mention with different kb_id values (left out of the draft)
CLUSTER = "cluster"  # an agreed mention with different clusters (left out of the draft)
NO_SECTION = "no-section"  # an agreed span that lies in no agreed section (left out of the draft)
DRAFT = "draft"


@dataclass(frozen=True)
class Adjudication:
    document_id: str
    a: str
    b: str
    annotation: Annotation  # the draft to write
    disagreements: list[Disagreement]  # what a reviewer must decide, in document order

    def kept(self, layer: str) -> int:
        return len(self.annotation.layer(layer))

    def to_json(self) -> dict:
        return {
            "document_id": self.document_id,
            "a": self.a,
            "b": self.b,
            "kept": {layer: self.kept(layer) for layer in LAYERS},
            "disagreements": [d.to_json() for d in self.disagreements],
        }


def _ordered(spans) -> list:
    return sorted(spans, key=lambda s: (s.start, s.end, s.id))


def _key(span) -> scoring.Span:
    return (span.start, span.end, span.label)


def adjudicate(doc_id: str, a: Annotation, b: Annotation, a_name: str, b_name: str) -> Adjudication:
    """The draft of what A and B agree on exactly, and their disagreements (pure)."""
    found: list[Disagreement] = []
    kept: dict[str, list] = {}
    for layer in LAYERS:
        sa, sb = _ordered(a.layer(layer)), _ordered(b.layer(layer))
        ka, kb = [_key(s) for s in sa], [_key(s) for s in sb]
        found += agreement.disagreements(doc_id, layer, sa, sb, scoring.overlap_pairs(ka, kb), a, b)
        kept[layer] = []
        for i, j in scoring.exact_pairs(ka, kb):
            x, y = sa[i], sb[j]
            if layer == "entities":
                for field, kind in (("kb_id", KB_ID), ("cluster", CLUSTER)):
                    if getattr(x, field) != getattr(y, field):
                        found.append(Disagreement(doc_id, layer, kind, x, y))
                        x = replace(x, **{field: None})
            elif layer == "claims" and (
                x.checkworthy != y.checkworthy or agreement.attribution_key(x, a) != agreement.attribution_key(y, b)
            ):
                continue  # listed by agreement.disagreements as checkworthy / attribution
            kept[layer].append((x, y))
    sections = [x for x, _ in kept["sections"]]
    starts = [s.start for s in sections]

    def in_section(span) -> bool:
        k = bisect.bisect_right(starts, span.start) - 1
        return k >= 0 and span.end <= sections[k].end

    for layer in ("entities", "claims"):
        inside = []
        entity_ids = {x.id for x, _ in kept["entities"]}
        for x, y in kept[layer]:
            source = getattr(getattr(x, "attribution", None), "source", None)
            if in_section(x) and (source is None or source in entity_ids):
                inside.append((x, y))
            else:
                found.append(Disagreement(doc_id, layer, NO_SECTION, x, y))
        kept[layer] = inside
    annotators = tuple(dict.fromkeys(a.annotators + b.annotators))
    notes = (
        f"Adjudication draft by `newsspan adjudicate {doc_id} {a_name} {b_name}`: the spans both annotators "
        f"gave exactly; {len(found)} disagreement{'s' * (len(found) != 1)} to review."
    )
    if a.guidelines_version != b.guidelines_version:
        notes += f" Guidelines: {a_name} {a.guidelines_version}, {b_name} {b.guidelines_version} (the first kept)."
    draft = Annotation(
        doc_id,
        a.text_sha256,
        annotators,
        a.guidelines_version,
        DRAFT,
        sections=tuple(sections),
        entities=tuple(x for x, _ in kept["entities"]),
        claims=tuple(x for x, _ in kept["claims"]),
        notes=notes,
        schema_version=a.schema_version,
    )
    order = {kind: k for k, kind in enumerate(agreement.KINDS + (KB_ID, CLUSTER, NO_SECTION))}
    found.sort(key=lambda d: (LAYERS.index(d.layer), d.start, order[d.kind]))
    return Adjudication(doc_id, a_name, b_name, draft, found)


def render_text(adj: Adjudication, width: int = 56) -> str:
    """The disagreements side by side: A's span on the left, B's on the right."""

    def cell(span) -> str:
        s = agreement.describe(span)
        return s if len(s) <= width else s[: width - 1] + "…"

    out = [f"{'layer':<8} {'kind':<11} {'A = ' + adj.a:<{width}} | B = {adj.b}"]
    out += [f"{d.layer:<8} {d.kind:<11} {cell(d.a):<{width}} | {cell(d.b)}" for d in adj.disagreements]
    return "\n".join(out) + "\n"


def render_json(adj: Adjudication) -> str:
    return json.dumps(adj.to_json(), ensure_ascii=False, indent=2) + "\n"


__all__ = ["Adjudication", "CLUSTER", "KB_ID", "NO_SECTION", "adjudicate", "render_json", "render_text"]
