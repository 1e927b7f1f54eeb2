"""Adjudication (``newsspan adjudicate ID A B``): a layer of the spans two annotators gave exactly alike, and
of the sides chosen (``--prefer``, ``--decisions``) in the disagreements between them (``docs/agreement.md``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from . import agreement, schema, scoring, store
from .agreement import AnnotatorSet, Disagreement
from .checks.agreement import ADJUDICATED
from .model import LAYERS, Annotation
from .report import ERROR, Problem, count
from .validator import check_writes

KB_ID = "kb_id"  # an agreed mention with different kb_id values (left out of the draft)
CLUSTER = "cluster"  # an agreed mention with different clusters (left out of the draft)
NO_SECTION = "no-section"  # an agreed span that lies in no agreed section (left out of the draft)
KINDS = agreement.KINDS + (KB_ID, CLUSTER, NO_SECTION)
DRAFT = "draft"
A, B, NEITHER = "A", "B", "neither"


class Choice(NamedTuple):
    side: str  # A, B or NEITHER
    by: str  # the rule, the decisions file, or the terminal
    reason: str = ""


def parse_rule(text: str) -> tuple[str, ...]:
    """``--prefer A|B[:LAYER[:LABEL]]`` as its parts; ValueError for anything else."""
    labels = {"sections": schema.section_labels(), "entities": schema.entity_labels(), "claims": ("CLAIM",)}
    tails = {(), *((layer,) for layer in labels), *((layer, x) for layer, xs in labels.items() for x in xs)}
    if (rule := tuple(text.split(":")))[0] not in (A, B) or rule[1:] not in tails:
        raise ValueError(f"--prefer {text}: expected A or B, then optionally :LAYER and :LABEL (e.g. B:entities:DATE)")
    return rule


def read_decisions(path: Path) -> dict[str, Choice]:
    """A list of ``{"id", "take": "A"|"B"|"neither", "reason"}``, or ``--out``'s review (take null: undecided)."""
    out: dict[str, Choice] = {}
    try:
        value = json.loads(path.read_bytes())
        for item in value["disagreements"] if isinstance(value, dict) else value:
            if item["take"] is None:
                continue
            choice = Choice(item["take"], path.name, item.get("reason") or "")
            if choice.side not in (A, B, NEITHER) or out.setdefault(item["id"], choice).side != choice.side:
                raise ValueError(f"{item['id']}: take {choice.side!r} (expected A, B or neither, one per id)")
    except (ValueError, KeyError, TypeError, AttributeError) as e:  # AttributeError: an item that is no object
        raise ValueError(f"--decisions {path}: not a decisions file ({type(e).__name__}: {e})") from None
    return out


@dataclass(frozen=True)
class Decide:
    """How disagreements are decided: rules (``--prefer``), choices by id (overriding rules), the status, by whom."""

    rules: tuple[tuple[str, ...], ...] = ()
    decisions: Mapping[str, Choice] = field(default_factory=dict)
    status: str = DRAFT
    adjudicator: str = "adjudicator"

    def __bool__(self) -> bool:
        return bool(self.rules or self.decisions or self.status != DRAFT)

    def choice(self, key: str, group: list[Disagreement]) -> Choice | None:
        """A group's choice: its decision, else the most specific rule that covers it, the last given of equals."""
        labels = {s.label for d in group for s in (d.a, d.b) if s}
        fits = [r for r in self.rules if r[1:2] in ((), (group[0].layer,)) and r[2:3] in ((), *((x,) for x in labels))]
        rule = max(reversed(fits), key=len, default=None)
        if key in self.decisions or not rule:
            return self.decisions.get(key)
        return Choice(rule[0], "--prefer " + ":".join(rule))


@dataclass(frozen=True)
class Adjudication:
    document_id: str
    a: str
    b: str
    annotation: Annotation  # the layer to write
    disagreements: list[Disagreement]  # layer by layer in document order
    taken: dict[str, Choice]  # the choices applied, by disagreement id
    unresolved: list[Disagreement]  # what no choice decides
    text: str = ""  # the document's text

    def kept(self, layer: str) -> int:
        return len(self.annotation.layer(layer))

    def to_json(self) -> dict:
        found = []
        for d in self.disagreements:
            c = None if d in self.unresolved else self.taken[d.id]
            found.append({"id": d.id, **d.to_json(), "take": c and c.side, "reason": (c and c.reason) or None})
        kept = {layer: self.kept(layer) for layer in LAYERS}
        return {"document_id": self.document_id, "a": self.a, "b": self.b, "kept": kept, "disagreements": found}


def merge(doc_id: str, a: Annotation, b: Annotation, a_name: str, b_name: str, how: Decide = Decide()) -> Adjudication:
    """The layer of what A and B agree on and of the sides chosen, and the disagreements; ValueError: an unknown id."""
    found: list[Disagreement] = []
    taken: dict[str, Choice] = {}
    kept: dict[str, list] = {}  # per layer: (span to write, A's span or None, B's span or None)
    for layer in LAYERS:
        pairs = agreement.paired(a.layer(layer), b.layer(layer), scoring.exact_pairs)
        ds = agreement.disagreements(doc_id, layer, a, b) + [
            Disagreement(doc_id, layer, kind, x, y)
            for x, y in pairs
            for kind in ((KB_ID, CLUSTER) if layer == "entities" else ())
            if getattr(x, kind) != getattr(y, kind)
        ]
        involved = {s for d in ds for s in (d.a, d.b)}
        kept[layer] = [(x, x, y) for x, y in pairs if x not in involved]
        groups: dict[str, list[Disagreement]] = {}
        for d in ds:
            groups.setdefault(d.id, []).append(d)
        for key, group in groups.items():
            if choice := how.choice(key, group):
                taken[key] = choice
                spans = dict.fromkeys(d.a if choice.side == A else d.b for d in group if choice.side != NEITHER)
                kept[layer] += [(s, s, None) if choice.side == A else (s, None, s) for s in spans if s]
            elif all(d.kind in (KB_ID, CLUSTER) for d in group) and (x := group[0].a):  # kept without what differs
                differ: dict[str, Any] = {d.kind: None for d in group}
                kept[layer].append((replace(x, **differ), x, group[0].b))
        found += ds
    used = {s.id for items in kept.values() for s, x, _ in items if x is not None}  # A's ids stay
    for layer in LAYERS:  # entities before claims: a claim stays only with its source mention
        mentions = {(e.start, e.end, e.label): e.id for e, _, _ in kept["entities"]}
        items = []
        for s, x, y in sorted(kept[layer], key=lambda item: (item[0].start, item[0].end, item[0].id)):
            if x is None and s.id in used:  # a span of B's with an id of A's: the first free one of its kind
                s = replace(s, id=next(i for k in range(1, 10**6) if (i := f"{s.ID_PREFIX}{k}") not in used))
            used.add(s.id)
            ok = layer == "sections" or any(t.start <= s.start and s.end <= t.end for t, _, _ in kept["sections"])
            if layer == "claims" and s.attribution.source is not None:
                source = next(e for e in (a if x is not None else b).entities if e.id == s.attribution.source)
                mention = mentions.get((source.start, source.end, source.label))
                ok = ok and mention is not None
                s = replace(s, attribution=replace(s.attribution, source=mention))
            if ok:
                items.append((s, x, y))
            else:
                found.append(Disagreement(doc_id, layer, NO_SECTION, x, y))
        kept[layer] = items
    if unknown := sorted(set(how.decisions) - {d.id for d in found}):
        raise ValueError(f"{unknown[0]} names no disagreement of {a_name} and {b_name} (`--out FILE` lists them)")
    found.sort(key=lambda d: (LAYERS.index(d.layer), d.start, KINDS.index(d.kind)))
    layers: dict[str, Any] = {layer: tuple(s for s, _, _ in kept[layer]) for layer in LAYERS}
    notes = (
        f"Adjudication draft by `newsspan adjudicate {doc_id} {a_name} {b_name}`: the spans both annotators "
        f"gave exactly; {count(len(found), 'disagreement')} to review."
    )
    taken |= {d.id: how.decisions[d.id] for d in found if d.kind == NO_SECTION and d.id in how.decisions}
    # what no choice decides: a span left in no section is decided only by leaving it out
    left = [d for d in found if d.id not in taken or (d.kind == NO_SECTION and taken[d.id].side != NEITHER)]
    annotators, provenance = a.annotators + b.annotators, None
    if how:
        by = Counter(taken[d.id].by for d in found if d not in left)
        notes = (
            f"Adjudicated by {how.adjudicator} with `newsspan adjudicate {doc_id} {a_name} {b_name}`: of "
            f"{count(len(found), 'disagreement')}, {len(found) - len(left)} resolved"
            f"{''.join(f'; {k} by {why}' for why, k in by.items())}; {len(left)} unresolved."
        )
        annotators += (how.adjudicator,)
        provenance = {layer: _steps(a, layer, not any(d.layer == layer for d in left), notes) for layer in LAYERS}
    if a.guidelines_version != b.guidelines_version:
        notes += f" Guidelines: {a_name} {a.guidelines_version}, {b_name} {b.guidelines_version} (the first kept)."
    status = how.status if how and not left else DRAFT
    written = replace(a, annotators=tuple(dict.fromkeys(annotators)), status=status, notes=notes, provenance=provenance)
    return Adjudication(doc_id, a_name, b_name, replace(written, **layers), found, taken, left)


def _steps(a: Annotation, layer: str, adjudicated: bool, note: str) -> dict:
    """A layer's provenance: A's steps, then double-annotated, and adjudicated once every disagreement is decided."""
    steps = ((a.provenance or {}).get(layer) or {}).get("steps", [])
    return {"steps": list(dict.fromkeys([*steps, "double-annotated"] + [ADJUDICATED] * adjudicated)), "note": note}


def adjudicate(
    root: store.Root, doc_id: str, a_name: str, b_name: str, force: bool = False, how: Decide = Decide(), write=True
) -> tuple[Adjudication | None, list[Problem]]:
    """``newsspan adjudicate ID A B``: :func:`merge`'s layer, checked and written (unless ``write`` is False) as the
    released layer, or None and the errors; ValueError to replace more than a draft without ``force``."""
    root.require_document(doc_id)
    sets = [AnnotatorSet.resolve(root, name, doc_id) for name in (a_name, b_name)]
    with root.lock():
        text, (la, lb), problems = agreement.read_layers(root, doc_id, sets)
        errors = [p for p in problems if p.severity == ERROR]
        if errors or text is None or la is None or lb is None:
            return None, errors
        adj = replace(merge(doc_id, la, lb, a_name, b_name, how), text=text)
        path = root.annotation_path(doc_id)
        writes = [(path, adj.annotation.dumps())]
        errors = [p for p in check_writes(root, writes) if p.severity == ERROR]
        if errors:  # decisions that take overlapping spans of both sides
            return None, errors
        try:  # the status the file states, read before its schema: a broken draft is still a draft
            current = json.loads(root.read_bytes(path)).get("status") if path.exists() and not force else DRAFT
        except (OSError, ValueError, AttributeError):  # AttributeError: JSON that is no object
            current = None
        if current != DRAFT:
            what = f"a {current} layer" if isinstance(current, str) else "a layer whose status cannot be read"
            raise ValueError(
                f"{root.rel(path)} is {what}, which adjudication never replaces without --force; nothing was written"
            )
        if write:
            root.write_all(writes)
    return adj, []


def _span(s) -> str:
    return f"{s.label} {json.dumps(' '.join(s.text.split()), ensure_ascii=False)} [{s.start}, {s.end})"


def render_text(adj: Adjudication, width: int = 56) -> str:
    """The disagreements side by side: A's span on the left, B's on the right."""

    def cell(span) -> str:
        s = agreement.describe(span)
        return s if len(s) <= width else s[: width - 1] + "…"

    out = [f"{'layer':<8} {'kind':<11} {'A = ' + adj.a:<{width}} | B = {adj.b}"]
    out += [f"{d.layer:<8} {d.kind:<11} {cell(d.a):<{width}} | {cell(d.b)}" for d in adj.disagreements]
    return "\n".join(out) + "\n"


def render_choices(adj: Adjudication) -> str:
    """What each choice took or left out, then each disagreement left unresolved, with its id."""
    out, left = [], adj.unresolved
    for key in dict.fromkeys(d.id for d in adj.disagreements if d not in left):
        c, group = adj.taken[key], [d for d in adj.disagreements if d.id == key]
        ours = [s for s in dict.fromkeys(d.a if c.side == A else d.b for d in group) if s and c.side != NEITHER]
        spans = ours or [s for s in dict.fromkeys(s for d in group for s in (d.a, d.b)) if s]
        what = f"taken from {c.side}" if ours else "neither" if c.side == NEITHER else f"{c.side} has none"
        why = f"{key}, {c.by}" + (f": {c.reason}" if c.reason else "")
        out.append(f"{what}: {group[0].layer} {', '.join(map(_span, spans))}{'' if ours else ' left out'}  ({why})")
    out += [f"unresolved: {d.id} {d.layer} {d.kind}" for d in left]
    return "".join(line + "\n" for line in out)


def render_question(adj: Adjudication, key: str, context: int = 60) -> str:
    """A disagreement for a reviewer at the terminal: its id and kinds, the text around it, both sides."""
    group = [d for d in adj.disagreements if d.id == key]
    spans = [s for d in group for s in (d.a, d.b) if s]
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    around = f"…{adj.text[max(0, start - context) : start]}[{adj.text[start:end]}]{adj.text[end : end + context]}…"
    out = [f"{key}: {', '.join(d.kind for d in group)}", "  " + " ".join(around.split())]
    for side, name in ((A, adj.a), (B, adj.b)):
        shown = dict.fromkeys(agreement.describe(d.a if side == A else d.b) for d in group)
        out.append(f"  {side} = {name}: {'; '.join(shown)}")
    return "\n".join(out) + "\n"


render_json = agreement.render_json
