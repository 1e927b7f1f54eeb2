"""Adjudication (``newsspan adjudicate ID A B``): a draft of the spans two annotators agree on
exactly, and the disagreements a reviewer must decide.

The draft holds, in every layer, A's spans that B gave exactly (same offsets and label; for a
claim also the same check-worthiness and attribution, its source mention compared by offsets
and label), with ids as A gave them; an entity's ``kb_id`` and ``cluster`` only where both gave
the same. A mention or claim in no kept section, or a claim whose source mention is not kept, is
left out, as the validator would refuse it. Everything else is a
:class:`~newsspan.agreement.Disagreement`. ``docs/agreement.md`` says more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from . import agreement, scoring, store
from .agreement import AnnotatorSet, Disagreement, keys
from .model import LAYERS, Annotation, in_document_order
from .report import ERROR, Problem, count
from .validator import check_writes

KB_ID = "kb_id"  # an agreed mention with different kb_id values (left out of the draft)
CLUSTER = "cluster"  # an agreed mention with different clusters (left out of the draft)
NO_SECTION = "no-section"  # an agreed span that lies in no agreed section (left out of the draft)
KINDS = agreement.KINDS + (KB_ID, CLUSTER, NO_SECTION)
DRAFT = "draft"


@dataclass(frozen=True)
class Adjudication:
    document_id: str
    a: str
    b: str
    annotation: Annotation  # the draft to write
    disagreements: list[Disagreement]  # what a reviewer must decide, layer by layer in document order

    def kept(self, layer: str) -> int:
        return len(self.annotation.layer(layer))

    def to_json(self) -> dict:
        kept, found = {layer: self.kept(layer) for layer in LAYERS}, [d.to_json() for d in self.disagreements]
        return {"document_id": self.document_id, "a": self.a, "b": self.b, "kept": kept, "disagreements": found}


def merge(doc_id: str, a: Annotation, b: Annotation, a_name: str, b_name: str) -> Adjudication:
    """The draft of what A and B agree on exactly, and their disagreements (pure)."""
    found: list[Disagreement] = []
    kept: dict[str, list] = {}
    for layer in LAYERS:
        found += agreement.disagreements(doc_id, layer, a, b)
        sa, sb = in_document_order(a.layer(layer)), in_document_order(b.layer(layer))
        kept[layer] = []
        for i, j in scoring.exact_pairs(keys(sa), keys(sb)):
            x, y = sa[i], sb[j]
            for kind in (KB_ID, CLUSTER) if layer == "entities" else ():
                if getattr(x, kind) != getattr(y, kind):
                    found.append(Disagreement(doc_id, layer, kind, x, y))
                    x = replace(x, **{kind: None})
            if layer == "claims" and (
                x.checkworthy != y.checkworthy or agreement.attribution_key(x, a) != agreement.attribution_key(y, b)
            ):
                continue  # listed by agreement.disagreements as checkworthy / attribution
            kept[layer].append((x, y))
    sections = [x for x, _ in kept["sections"]]
    for layer in ("entities", "claims"):  # entities first: a claim stays only with its source mention
        sources = {None} | {x.id for x, _ in kept["entities"]}
        left_out = [
            (x, y)
            for x, y in kept[layer]
            if not any(s.start <= x.start and x.end <= s.end for s in sections)
            or (layer == "claims" and x.attribution.source not in sources)
        ]
        found += [Disagreement(doc_id, layer, NO_SECTION, x, y) for x, y in left_out]
        kept[layer] = [pair for pair in kept[layer] if pair not in left_out]
    notes = (
        f"Adjudication draft by `newsspan adjudicate {doc_id} {a_name} {b_name}`: the spans both annotators "
        f"gave exactly; {count(len(found), 'disagreement')} to review."
    )
    if a.guidelines_version != b.guidelines_version:
        notes += f" Guidelines: {a_name} {a.guidelines_version}, {b_name} {b.guidelines_version} (the first kept)."
    layers: dict[str, Any] = {layer: tuple(x for x, _ in kept[layer]) for layer in LAYERS}
    annotators = tuple(dict.fromkeys(a.annotators + b.annotators))
    draft = replace(a, annotators=annotators, status=DRAFT, notes=notes, provenance=None, **layers)
    found.sort(key=lambda d: (LAYERS.index(d.layer), d.start, KINDS.index(d.kind)))
    return Adjudication(doc_id, a_name, b_name, draft, found)


def adjudicate(
    root: store.Root, doc_id: str, a_name: str, b_name: str, force: bool = False
) -> tuple[Adjudication | None, list[Problem]]:
    """``newsspan adjudicate ID A B``: the draft of what A and B agree on, checked as `newsspan
    validate` checks it and written as the document's released layer, under the root's lock; or
    None and the errors of the layers read (nothing is written).

    StoreError (a usage error) for a document, annotator or layer that does not exist; ValueError
    when the released layer is more than a draft and force is not given (nothing is written).
    """
    root.require_document(doc_id)
    sets = [AnnotatorSet.resolve(root, name, doc_id) for name in (a_name, b_name)]
    with root.lock():
        _, (la, lb), problems = agreement.read_layers(root, doc_id, sets)
        errors = [p for p in problems if p.severity == ERROR]
        if errors or la is None or lb is None:
            return None, errors
        adj = merge(doc_id, la, lb, a_name, b_name)
        path = root.annotation_path(doc_id)
        writes = [(path, adj.annotation.dumps())]
        errors = [p for p in check_writes(root, writes) if p.severity == ERROR]
        if errors:  # never expected: the draft holds spans of two valid layers
            return None, errors
        try:  # the status the file states, read before its schema: a broken draft is still a draft
            status = json.loads(root.read_bytes(path)).get("status") if path.exists() and not force else DRAFT
        except (OSError, ValueError, AttributeError):  # AttributeError: JSON that is no object
            status = None
        if status != DRAFT:
            what = f"a {status} layer" if isinstance(status, str) else "a layer whose status cannot be read"
            raise ValueError(
                f"{root.rel(path)} is {what}, which adjudication never replaces without --force; nothing was written"
            )
        root.write_all(writes)
    return adj, []


def render_text(adj: Adjudication, width: int = 56) -> str:
    """The disagreements side by side: A's span on the left, B's on the right."""

    def cell(span) -> str:
        s = agreement.describe(span)
        return s if len(s) <= width else s[: width - 1] + "…"

    out = [f"{'layer':<8} {'kind':<11} {'A = ' + adj.a:<{width}} | B = {adj.b}"]
    out += [f"{d.layer:<8} {d.kind:<11} {cell(d.a):<{width}} | {cell(d.b)}" for d in adj.disagreements]
    return "\n".join(out) + "\n"


render_json = agreement.render_json
