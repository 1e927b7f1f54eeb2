"""Two annotators' layers of the same articles, read, checked and compared (``newsspan agree A B``).

B is scored against A as a model is (:mod:`newsspan.scoring`), with Cohen's kappa on section tokens and
matched claims, and every disagreement listed (``docs/agreement.md``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from . import scoring, store
from .checks.agreement import attribution_key
from .checks.run import check_layer
from .corpus import Corpus
from .files import decode_file
from .model import LAYERS, Annotation, AnySpan, Claim, in_document_order
from .report import ERROR, Problem, count
from .scoring import Counts
from .tokenize import section_tokens, tokenize

NO_SECTION = "(none)"  # the section label of a token that lies in no section
# The kinds of disagreement, in the order they are listed: scoring's, then a matched claim's.
ATTRIBUTION = "attribution"  # a matched claim with another attribution (type, source or cue)
CHECKWORTHY = "checkworthy"  # a matched claim with the other check-worthiness
KINDS = (scoring.BOUNDARY, scoring.LABEL, scoring.MISSED, scoring.EXTRA, ATTRIBUTION, CHECKWORTHY)


@dataclass(frozen=True)
class AnnotatorSet:
    """One annotator's ``<id>.json`` layers in a folder; ``annotator`` is None for a folder named by its path."""

    name: str
    folder: Path
    annotator: str | None = None

    @classmethod
    def resolve(cls, root: store.Root, name: str, doc_id: str | None = None) -> AnnotatorSet:
        """An annotator of the root by name, else a folder path, with a layer for doc_id if given; else StoreError."""
        folder = root.annotations / store.ANNOTATORS / name
        if store.is_valid_id(name) and folder.is_dir():
            found = cls(name, folder, name)
        elif Path(name).is_dir():
            found = cls(name, Path(name))
        else:
            known = ", ".join(Corpus(root).annotators) or "none (the root has no annotations/annotators/ folders yet)"
            raise store.StoreError(f"{name!r} is neither an annotator of {root.path} nor a folder; annotators: {known}")
        if doc_id is not None and not found.path(doc_id).is_file():
            raise store.StoreError(f"{name} has no layer for {doc_id} (no {root.rel(found.path(doc_id).absolute())})")
        return found

    @property
    def ids(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*" + store.JSON_SUFFIX) if store.is_valid_id(p.stem))

    def path(self, doc_id: str) -> Path:
        return self.folder / (store.check_id(doc_id) + store.JSON_SUFFIX)


def read_layers(
    root: store.Root, doc_id: str, sets: Sequence[AnnotatorSet]
) -> tuple[str | None, list[Annotation | None], list[Problem]]:
    """A document's text, each set's layer checked as `newsspan validate` checks it (None: invalid), the problems."""
    path = root.text_path(doc_id)
    try:
        text, found = decode_file(root.read_bytes(path), is_json=False)
    except FileNotFoundError:
        message = f"there is no corpus/{doc_id}.txt for this annotation"
        text, found = None, [Problem("document-missing", message, hint="add the article with `newsspan add`")]
    except OSError as e:
        text, found = None, [Problem("file-unreadable", f"cannot read the file: {e}")]
    problems = [replace(p, path=root.rel(path), document_id=doc_id) for p in found]
    layers: list[Annotation | None] = []
    for s in sets:
        layer, path = None, s.path(doc_id)
        shown = root.rel(path.absolute())  # relative to the root when inside it
        try:  # a folder outside the root, which the user named, is read as a root of its own
            data = (root if root.inside(path) else store.Root(s.folder)).read_bytes(path)
            if text is not None:
                layer, found = check_layer(data, doc_id, s.annotator, text, shown)
                problems += found
        except OSError as e:
            problems.append(Problem("file-unreadable", f"cannot read the file: {e.strerror or e}", path=shown))
        layers.append(layer)
    return text, layers, [replace(p, document_id=doc_id) for p in problems]


# comparing ------------------------------------------------------------------------------------


def keys(spans: Sequence) -> list[scoring.Span]:
    return [(s.start, s.end, s.label) for s in spans]


def paired(a: Sequence, b: Sequence, match=scoring.overlap_pairs) -> list[tuple]:
    """The spans of A and of B that ``match`` pairs (by overlap, or scoring.exact_pairs), in document order."""
    a, b = in_document_order(a), in_document_order(b)
    return [(a[i], b[j]) for i, j in match(keys(a), keys(b))]


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

    @property
    def id(self) -> str:
        """Document, layer and the characters covered (shared by one pair's disagreements): ``tiny:entities:19-31``."""
        end = max(s.end for s in (self.a, self.b) if s is not None)
        return f"{self.document_id}:{self.layer}:{self.start}-{end}"

    def to_json(self) -> dict:
        out: dict[str, Any] = {"document_id": self.document_id, "layer": self.layer, "kind": self.kind}
        for side, x in (("a", self.a), ("b", self.b)):
            out[side] = x and {"id": x.id, "start": x.start, "end": x.end, "label": x.label, "text": x.text}
            if isinstance(x, Claim):
                out[side] |= {"attribution": x.attribution.type, "checkworthy": x.checkworthy}
        return out


def disagreements(doc_id: str, layer: str, a: Annotation, b: Annotation) -> list[Disagreement]:
    """Where B's layer differs from A's in one document: scoring's differences, and matched claims' attributes."""
    sa, sb = in_document_order(a.layer(layer)), in_document_order(b.layer(layer))
    out = [
        Disagreement(doc_id, layer, kind, None if i is None else sa[i], None if j is None else sb[j])
        for kind, i, j in scoring.differences(keys(sa), keys(sb))
    ]
    for x, y in paired(sa, sb) if layer == "claims" else ():
        if attribution_key(x, a) != attribution_key(y, b):
            out.append(Disagreement(doc_id, layer, ATTRIBUTION, x, y))
        if x.checkworthy != y.checkworthy:
            out.append(Disagreement(doc_id, layer, CHECKWORTHY, x, y))
    return sorted(out, key=lambda d: (d.start, KINDS.index(d.kind)))


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa of two raters over the same items, with observed and chance agreement."""

    items: int
    observed: float | None  # None with no items
    expected: float | None
    kappa: float | None  # None also when chance agreement is 1 (both raters used one and the same category)

    @classmethod
    def of(cls, pairs: Sequence[tuple[object, object]]) -> Kappa:
        n = len(pairs)
        if not n:
            return cls(0, None, None, None)
        observed = sum(a == b for a, b in pairs) / n
        by_a, by_b = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
        expected = sum(by_a[k] * by_b[k] for k in by_a) / (n * n)
        return cls(n, observed, expected, None if expected == 1 else (observed - expected) / (1 - expected))


def token_labels(text: str, a_sections: Sequence, b_sections: Sequence) -> list[tuple[str, str]]:
    """(A's label, B's label) of the section holding each token of the text, or NO_SECTION."""
    a, b = (
        {t.start: s.label for s in x for t in section_tokens(text, s.start, s.end)} for x in (a_sections, b_sections)
    )
    return [(a.get(t.start, NO_SECTION), b.get(t.start, NO_SECTION)) for t in tokenize(text)]


@dataclass(frozen=True)
class Agreement:
    """The agreement of B with A over the documents both annotated."""

    a: str
    b: str
    pairs: tuple[tuple[str, str, Annotation, Annotation], ...]  # (id, text, A's layer, B's layer) per document

    @property
    def documents(self) -> list[str]:
        return [doc_id for doc_id, *_ in self.pairs]

    def counts(self, layer: str, mode: str) -> tuple[Counts, dict[str, Counts]]:
        """A layer's counts summed over documents: all labels (a micro average), and per label."""
        return scoring.score([(keys(a.layer(layer)), keys(b.layer(layer))) for _, _, a, b in self.pairs], mode)

    @cached_property
    def disagreements(self) -> list[Disagreement]:
        return [d for doc_id, _, a, b in self.pairs for layer in LAYERS for d in disagreements(doc_id, layer, a, b)]

    def kappas(self) -> dict[str, Kappa]:
        """Cohen's kappa of section labels on tokens, and of matched claims' attribution type and check-worthiness."""
        tokens = [t for _, text, a, b in self.pairs for t in token_labels(text, a.sections, b.sections)]
        claims = [pair for _, _, a, b in self.pairs for pair in paired(a.claims, b.claims)]
        return {
            "sections_kappa": Kappa.of(tokens),
            "claims_attribution": Kappa.of([(x.attribution.type, y.attribution.type) for x, y in claims]),
            "claims_checkworthy": Kappa.of([(x.checkworthy, y.checkworthy) for x, y in claims]),
        }

    def to_json(self) -> dict:
        def figures(total: Counts, per_label: dict[str, Counts]) -> dict:
            return {"all": _counts_json(total), "labels": {k: _counts_json(v) for k, v in per_label.items()}}

        layers = {layer: {mode: figures(*self.counts(layer, mode)) for mode in scoring.MODES} for layer in LAYERS}
        kappas = {name: asdict(k) for name, k in self.kappas().items()}
        head = {"a": self.a, "b": self.b, "documents": self.documents, "layers": layers}
        return head | kappas | {"disagreements": [d.to_json() for d in self.disagreements]}


def _figures(c: Counts) -> tuple[int | float | None, ...]:
    """A, B, matched, missed, extra, P, R, F1; P, R and F1 None (n/a), not a zero division's 0, with no span at all."""
    prf = (c.precision, c.recall, c.f1) if c.gold or c.predicted else (None, None, None)
    return (c.gold, c.predicted, c.matched, c.gold - c.matched, c.predicted - c.matched, *prf)


def _counts_json(c: Counts) -> dict:
    return dict(zip(("a", "b", "matched", "missed", "extra", "precision", "recall", "f1"), _figures(c), strict=True))


def agree(root: store.Root, a_name: str, b_name: str) -> tuple[Agreement | None, list[Problem]]:
    """``newsspan agree A B``, or None and the errors of the layers read; ValueError for no document in common."""
    a, b = AnnotatorSet.resolve(root, a_name), AnnotatorSet.resolve(root, b_name)
    ids = sorted(set(a.ids) & set(b.ids))
    if not ids:
        raise ValueError(f"{a_name} and {b_name} annotated no document in common; nothing to compare")
    pairs, errors = [], []
    for doc_id in ids:
        text, (la, lb), problems = read_layers(root, doc_id, (a, b))
        errors += [p for p in problems if p.severity == ERROR]
        if text is not None and la is not None and lb is not None:
            pairs.append((doc_id, text, la, lb))
    return (None, errors) if errors else (Agreement(a_name, b_name, tuple(pairs)), [])


# rendering ------------------------------------------------------------------------------------


def render_json(result: Any) -> str:
    """An Agreement or Adjudication as --format json prints it."""
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"


CELLS = "{:>5} {:>6} {:>5} {:>6} {:>6} {:>6}"  # match, missed, extra, P, R, F1 (once exact, once overlap)


def _f(x: int | float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def _row(label: str, e: Counts, o: Counts, width: int) -> str:
    cells = [CELLS.format(*map(_f, _figures(c)[2:])) for c in (e, o)]
    return f"  {label:<{width}} {e.gold:>5} {e.predicted:>5}  " + "  ".join(cells)


def describe(s, limit: int = 60) -> str:
    """A span in one line: id, offsets, label (a claim's attribution), its text shortened; "-" for None."""
    if s is None:
        return "-"
    t = " ".join(s.text.split())
    t = t if len(t) <= limit else t[: limit - 1] + "…"
    extra = f" {s.attribution.type}{' checkworthy' if s.checkworthy else ''}" if isinstance(s, Claim) else ""
    return f"{s.id} [{s.start}, {s.end}) {s.label}{extra} {json.dumps(t, ensure_ascii=False)}"


def render_text(ag: Agreement) -> str:
    kappas = ag.kappas()
    claims = {"attribution type": kappas["claims_attribution"], "check-worthiness": kappas["claims_checkworthy"]}
    out = [f"B = {ag.b} scored against A = {ag.a} on {count(len(ag.documents), 'document')} both annotated"]
    for layer in LAYERS:
        (e_all, exact), (o_all, overlap) = (ag.counts(layer, mode) for mode in scoring.MODES)
        width = max([len(x) for x in exact] + [len("all"), 8])
        out += [
            "",
            layer,
            f"  {'':<{width}} {'':>5} {'':>5}  {'exact':-^47}  {'overlap':-^47}",
            f"  {'label':<{width}} {'A':>5} {'B':>5}  "
            + "  ".join([CELLS.format("match", "missed", "extra", "P", "R", "F1")] * 2),
        ]
        out += [_row(x, exact[x], overlap[x], width) for x in exact] + [_row("all", e_all, o_all, width)]
        if layer == "sections":
            k = kappas["sections_kappa"]
            observed = f"observed {_f(k.observed)}, chance {_f(k.expected)}"
            out.append(f"  Cohen's kappa on tokens: {_f(k.kappa)} ({k.items} tokens; {observed})")
        for what, k in claims.items() if layer == "claims" else ():
            on = count(k.items, "matched claim")
            out.append(f"  {what} on {on}: agreement {_f(k.observed)}, Cohen's kappa {_f(k.kappa)}")
    out += ["", f"disagreements: {len(ag.disagreements)}"]
    for d in ag.disagreements:
        out.append(f"  {d.document_id}  {d.layer:<8} {d.kind:<11}  A: {describe(d.a)}")
        out.append(f"  {'':{len(d.document_id)}}  {'':<8} {'':<11}  B: {describe(d.b)}")
    return "\n".join(out) + "\n"
