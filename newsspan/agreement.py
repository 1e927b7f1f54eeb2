"""Inter-annotator agreement of two annotators' layers (``newsspan agree A B``).

B is scored against A on the documents both annotated, layer by layer and label by label:
precision, recall and F1 for exact and for overlap span matches (:mod:`newsspan.scoring`, the
same functions that score a model), Cohen's kappa on tokens for sections, agreement on the
attribution type and check-worthiness of matched claims, and the list of disagreements.
``docs/agreement.md`` gives the formulas. Everything here is a pure function of the layers.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import scoring
from .model import LAYERS, Annotation, AnySpan, Claim, Document
from .scoring import Counts

NO_SECTION = "(none)"  # the section label of a token that lies in no section

# The kinds of disagreement, in the order they are listed.
BOUNDARY = "boundary"  # matched by overlap (same label), different offsets
LABEL = "label"  # overlapping spans with different labels
MISSED = "missed"  # in A only
EXTRA = "extra"  # in B only
ATTRIBUTION = "attribution"  # a matched claim with another attribution (type, source or cue)
CHECKWORTHY = "checkworthy"  # a matched claim with the other check-worthiness
KINDS = (BOUNDARY, LABEL, MISSED, EXTRA, ATTRIBUTION, CHECKWORTHY)


def _key(span) -> scoring.Span:
    return (span.start, span.end, span.label)


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa of two raters over the same items: observed and chance agreement."""

    items: int
    observed: float
    expected: float
    kappa: float | None  # None when chance agreement is 1 (both raters used one and the same category)

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, str]]) -> Kappa:
        """From (category by A, category by B) per item."""
        n = len(pairs)
        if not n:
            return cls(0, 0.0, 0.0, None)
        observed = sum(a == b for a, b in pairs) / n
        by_a = Counter(a for a, _ in pairs)
        by_b = Counter(b for _, b in pairs)
        expected = sum(by_a[k] * by_b[k] for k in by_a) / (n * n)
        kappa = None if expected == 1 else (observed - expected) / (1 - expected)
        return cls(n, observed, expected, kappa)

    def to_json(self) -> dict:
        return {"items": self.items, "observed": self.observed, "expected": self.expected, "kappa": self.kappa}


@dataclass(frozen=True)
class Disagreement:
    """One place where A and B differ; ``a`` and ``b`` are the spans involved (None: no span)."""

    document_id: str
    layer: str
    kind: str
    a: AnySpan | None
    b: AnySpan | None

    @property
    def start(self) -> int:
        return min(s.start for s in (self.a, self.b) if s is not None)

    def to_json(self) -> dict:
        return {
            "document_id": self.document_id,
            "layer": self.layer,
            "kind": self.kind,
            "a": _span_json(self.a),
            "b": _span_json(self.b),
        }


def _span_json(span) -> dict | None:
    if span is None:
        return None
    out = {"id": span.id, "start": span.start, "end": span.end, "label": span.label, "text": span.text}
    if isinstance(span, Claim):
        out["attribution"] = span.attribution.type
        out["checkworthy"] = span.checkworthy
    return out


@dataclass
class Agreement:
    """The agreement of B with A over the documents both annotated (counts summed over them)."""

    a: str
    b: str
    documents: list[str] = field(default_factory=list)
    exact: dict[str, dict[str, Counts]] = field(default_factory=lambda: {name: {} for name in LAYERS})
    overlap: dict[str, dict[str, Counts]] = field(default_factory=lambda: {name: {} for name in LAYERS})
    section_tokens: list[tuple[str, str]] = field(default_factory=list)  # (A's, B's) section label per token
    claim_pairs: list[tuple[Claim, Claim]] = field(default_factory=list)  # claims matched by overlap
    disagreements: list[Disagreement] = field(default_factory=list)

    def counts(self, layer: str, mode: str) -> Counts:
        """All labels of a layer together (micro average)."""
        return sum(getattr(self, mode)[layer].values(), Counts())

    @property
    def sections_kappa(self) -> Kappa:
        return Kappa.of(self.section_tokens)

    @property
    def attribution(self) -> Kappa:
        return Kappa.of([(a.attribution.type, b.attribution.type) for a, b in self.claim_pairs])

    @property
    def checkworthy(self) -> Kappa:
        return Kappa.of([(str(a.checkworthy).lower(), str(b.checkworthy).lower()) for a, b in self.claim_pairs])

    def add(self, doc_id: str, text: str, a: Annotation, b: Annotation) -> None:
        """Compare one document's two layers and add the counts."""
        for layer in LAYERS:
            sa, sb = _ordered(a.layer(layer)), _ordered(b.layer(layer))
            ka, kb = [_key(s) for s in sa], [_key(s) for s in sb]
            for mode, table in (("exact", self.exact), ("overlap", self.overlap)):
                for label, c in scoring.compare(ka, kb, mode).items():
                    table[layer][label] = table[layer].get(label, Counts()) + c
            pairs = scoring.overlap_pairs(ka, kb)
            self.disagreements += disagreements(doc_id, layer, sa, sb, pairs, a, b)
            if layer == "claims":
                self.claim_pairs += [(sa[i], sb[j]) for i, j in pairs]
        self.section_tokens += token_labels(Document.of(doc_id, text, {}, None), a.sections, b.sections)
        self.documents.append(doc_id)

    def to_json(self) -> dict:
        layers = {}
        for layer in LAYERS:
            layers[layer] = {
                mode: {
                    "all": _counts_json(self.counts(layer, mode)),
                    "labels": {k: _counts_json(v) for k, v in sorted(getattr(self, mode)[layer].items())},
                }
                for mode in scoring.MODES
            }
        return {
            "a": self.a,
            "b": self.b,
            "documents": self.documents,
            "layers": layers,
            "sections_kappa": self.sections_kappa.to_json(),
            "claims_attribution": self.attribution.to_json(),
            "claims_checkworthy": self.checkworthy.to_json(),
            "disagreements": [d.to_json() for d in self.disagreements],
        }


def agreement(a_name: str, b_name: str, documents: Iterable[tuple[str, str, Annotation, Annotation]]) -> Agreement:
    """The agreement of B with A over documents given as (id, text, A's layer, B's layer)."""
    out = Agreement(a_name, b_name)
    for doc_id, text, a, b in documents:
        out.add(doc_id, text, a, b)
    return out


def _ordered(spans) -> list:
    return sorted(spans, key=lambda s: (s.start, s.end, s.id))


def token_labels(doc: Document, a_sections: Sequence, b_sections: Sequence) -> list[tuple[str, str]]:
    """(A's label, B's label) for every token of the text: the label of the section that holds
    the token, or NO_SECTION."""
    tokens = doc.tokens()
    return list(zip(_labels(tokens, a_sections), _labels(tokens, b_sections), strict=True))


def _labels(tokens, sections) -> list[str]:
    sections = _ordered(sections)
    starts = [s.start for s in sections]
    out = []
    for t in tokens:
        k = bisect.bisect_right(starts, t.start) - 1
        out.append(sections[k].label if k >= 0 and t.end <= sections[k].end else NO_SECTION)
    return out


def attribution_key(claim: Claim, annotation: Annotation) -> tuple:
    """A claim's attribution as comparable across two annotators' files: the type, the source
    mention as (start, end, label) rather than by its id, the source span and the cue as offsets."""
    att = claim.attribution
    source = next(((e.start, e.end, e.label) for e in annotation.entities if e.id == att.source), att.source)
    return (
        att.type,
        source,
        att.source_span and (att.source_span.start, att.source_span.end),
        att.cue and (att.cue.start, att.cue.end),
    )


def disagreements(
    doc_id: str, layer: str, sa: list, sb: list, pairs: list[tuple[int, int]], a: Annotation, b: Annotation
) -> list[Disagreement]:
    """The disagreements of one layer of a document, given its spans in A and B (sa, sb) and the
    overlap pairs between them (matched spans of one label); a and b are the whole layers."""
    out = []
    for i, j in pairs:
        if (sa[i].start, sa[i].end) != (sb[j].start, sb[j].end):
            out.append(Disagreement(doc_id, layer, BOUNDARY, sa[i], sb[j]))
        if layer == "claims":
            if attribution_key(sa[i], a) != attribution_key(sb[j], b):
                out.append(Disagreement(doc_id, layer, ATTRIBUTION, sa[i], sb[j]))
            if sa[i].checkworthy != sb[j].checkworthy:
                out.append(Disagreement(doc_id, layer, CHECKWORTHY, sa[i], sb[j]))
    left_a = [sa[i] for i in sorted(set(range(len(sa))) - {i for i, _ in pairs})]
    left_b = [sb[j] for j in sorted(set(range(len(sb))) - {j for _, j in pairs})]
    # what is left overlapping across labels is a label disagreement (one-to-one, as matches are)
    crossed = scoring.overlap_pairs([(s.start, s.end, "") for s in left_a], [(s.start, s.end, "") for s in left_b])
    out += [Disagreement(doc_id, layer, LABEL, left_a[i], left_b[j]) for i, j in crossed]
    out += [
        Disagreement(doc_id, layer, MISSED, s, None) for k, s in enumerate(left_a) if k not in {i for i, _ in crossed}
    ]
    out += [
        Disagreement(doc_id, layer, EXTRA, None, s) for k, s in enumerate(left_b) if k not in {j for _, j in crossed}
    ]
    return sorted(out, key=lambda d: (d.start, KINDS.index(d.kind)))


def _counts_json(c: Counts) -> dict:
    return {
        "a": c.gold,
        "b": c.predicted,
        "matched": c.matched,
        "missed": c.gold - c.matched,
        "extra": c.predicted - c.matched,
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
    }


# rendering ------------------------------------------------------------------------------------


def render_json(ag: Agreement) -> str:
    return json.dumps(ag.to_json(), ensure_ascii=False, indent=2) + "\n"


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _row(label: str, e: Counts, o: Counts, width: int) -> str:
    return (
        f"  {label:<{width}} {e.gold:>5} {e.predicted:>5}  "
        f"{e.matched:>5} {e.gold - e.matched:>6} {e.predicted - e.matched:>5} {_f(e.precision):>6} {_f(e.recall):>6} {_f(e.f1):>6}  "
        f"{o.matched:>5} {o.gold - o.matched:>6} {o.predicted - o.matched:>5} {_f(o.precision):>6} {_f(o.recall):>6} {_f(o.f1):>6}"
    )


def describe(s, limit: int = 60) -> str:
    """A span in one line: id, offsets, label (and a claim's attribution), its text shortened; "-" for None."""
    if s is None:
        return "-"
    t = " ".join(s.text.split())
    t = t if len(t) <= limit else t[: limit - 1] + "…"
    extra = f" {s.attribution.type}{' checkworthy' if s.checkworthy else ''}" if isinstance(s, Claim) else ""
    return f"{s.id} [{s.start}, {s.end}) {s.label}{extra} {json.dumps(t, ensure_ascii=False)}"


def render_text(ag: Agreement) -> str:
    out = [
        f"B = {ag.b} scored against A = {ag.a} on {len(ag.documents)} document{'s' * (len(ag.documents) != 1)} "
        "both annotated"
    ]
    for layer in LAYERS:
        labels = sorted(set(ag.exact[layer]) | set(ag.overlap[layer]))
        width = max([len(x) for x in labels] + [len("all"), 8])
        out += [
            "",
            f"{layer}",
            f"  {'':<{width}} {'':>5} {'':>5}  {'exact':-^47}  {'overlap':-^47}",
            f"  {'label':<{width}} {'A':>5} {'B':>5}  "
            + "  ".join([f"{'match':>5} {'missed':>6} {'extra':>5} {'P':>6} {'R':>6} {'F1':>6}"] * 2),
        ]
        for label in labels:
            out.append(_row(label, ag.exact[layer].get(label, Counts()), ag.overlap[layer].get(label, Counts()), width))
        out.append(_row("all", ag.counts(layer, "exact"), ag.counts(layer, "overlap"), width))
        if layer == "sections":
            k = ag.sections_kappa
            out.append(
                f"  Cohen's kappa on tokens: {_f(k.kappa)} ({k.items} tokens; observed {_f(k.observed)}, "
                f"chance {_f(k.expected)})"
            )
        if layer == "claims":
            for what, k in (("attribution type", ag.attribution), ("check-worthiness", ag.checkworthy)):
                out.append(
                    f"  {what} on {k.items} matched claim{'s' * (k.items != 1)}: agreement {_f(k.observed)}, "
                    f"Cohen's kappa {_f(k.kappa)}"
                )
    out += ["", f"disagreements: {len(ag.disagreements)}"]
    for d in ag.disagreements:
        out.append(f"  {d.document_id}  {d.layer:<8} {d.kind:<11}  A: {describe(d.a)}")
        out.append(f"  {'':{len(d.document_id)}}  {'':<8} {'':<11}  B: {describe(d.b)}")
    return "\n".join(out) + "\n"


__all__ = [
    "Agreement",
    "Disagreement",
    "Kappa",
    "KINDS",
    "NO_SECTION",
    "agreement",
    "attribution_key",
    "describe",
    "disagreements",
    "render_json",
    "render_text",
    "token_labels",
]
