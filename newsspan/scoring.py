"""Span matching, precision / recall / F1 and the kinds of difference over ``(start, end, label)`` spans.

A match is ``exact`` (same start, end and label) or ``overlap`` (same label, a character in common); each span
matches at most once. Counts are summed before the figures (micro average); 0.0 where a denominator is 0 (as
seqeval's ``zero_division=0``). ``docs/agreement.md`` works an example through.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Span = tuple[int, int, str]  # (start, end, label)

MODES = ("exact", "overlap")

# The kinds of difference between gold and predicted spans (see differences()).
BOUNDARY = "boundary"  # matched by overlap (same label), different offsets
LABEL = "label"  # overlapping spans with different labels
MISSED = "missed"  # in gold only
EXTRA = "extra"  # in predicted only


@dataclass(frozen=True)
class Counts:
    """Matches, gold spans and predicted spans; the figures follow from them."""

    matched: int = 0
    gold: int = 0
    predicted: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.matched + other.matched, self.gold + other.gold, self.predicted + other.predicted)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        # the harmonic mean of precision and recall
        return 2 * self.matched / (self.gold + self.predicted) if self.gold + self.predicted else 0.0


def exact_pairs(gold: Sequence[Span], predicted: Sequence[Span]) -> list[tuple[int, int]]:
    """The pairs (i, j) of equal spans gold[i] == predicted[j], each span in one pair at most, sorted by i."""
    free: dict[tuple, list[int]] = defaultdict(list)  # spans may come as lists (JSON)
    for j in range(len(predicted) - 1, -1, -1):
        free[tuple(predicted[j])].append(j)
    return [(i, js.pop()) for i, g in enumerate(gold) if (js := free.get(tuple(g)))]


def overlap_pairs(gold: Sequence[Span], predicted: Sequence[Span]) -> list[tuple[int, int]]:
    """The pairs (i, j) of a largest one-to-one pairing of gold[i] with overlapping predicted[j] of the same label,
    sorted by i. Gold spans are visited by position, each trying its candidates by decreasing overlap, so where no
    two spans of a side overlap (every newsspan layer) a span with an exact counterpart is paired with it."""
    by_label: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i, s in enumerate(gold):
        by_label[s[2]][0].append(i)
    for j, s in enumerate(predicted):
        by_label[s[2]][1].append(j)
    out = []
    for golds, preds in by_label.values():
        golds.sort(key=lambda i: (gold[i][0], gold[i][1], i))
        preds.sort(key=lambda j: (predicted[j][0], predicted[j][1], j))
        edges = []
        for i in golds:  # the predicted spans gold[i] overlaps, the largest overlap first
            common = [min(gold[i][1], predicted[j][1]) - max(gold[i][0], predicted[j][0]) for j in preds]
            edges.append([k for _, k in sorted((-c, k) for k, c in enumerate(common) if c > 0)])
        owner = _maximum_matching(edges, len(preds))
        out += [(golds[left], preds[k]) for k, left in enumerate(owner) if left >= 0]
    return sorted(out)


def _maximum_matching(edges: Sequence[Sequence[int]], n_right: int) -> list[int]:
    """A maximum matching of a bipartite graph (left i -- right j for j in edges[i]) as owner[j] (the left
    vertex matched to right j, or -1): Kuhn's augmenting paths, visited in the order given, on an explicit
    stack (a chain of thousands of spans would overflow recursion)."""
    owner = [-1] * n_right
    for root in range(len(edges)):
        seen = [False] * n_right
        lefts, iters = [root], [iter(edges[root])]
        via: list[int] = []
        while lefts:
            right = next(iters[-1], None)
            if right is None:  # no augmenting path through this left vertex
                lefts.pop()
                iters.pop()
                if via:
                    via.pop()
                continue
            if seen[right]:
                continue
            seen[right] = True
            if owner[right] == -1:  # a free right vertex: each left on the path takes the next right
                for left, r in zip(lefts, [*via, right], strict=True):
                    owner[r] = left
                break
            via.append(right)
            lefts.append(owner[right])
            iters.append(iter(edges[owner[right]]))
    return owner


def differences(gold: Sequence[Span], predicted: Sequence[Span]) -> list[tuple[str, int | None, int | None]]:
    """Every difference as (kind, i, j) with gold[i] and predicted[j] (None: no span of that side): BOUNDARY for an
    overlap pair with other offsets, LABEL for unpaired spans that overlap with another label (a second pairing,
    labels ignored), MISSED and EXTRA for the rest."""
    pairs = overlap_pairs(gold, predicted)
    out: list[tuple[str, int | None, int | None]] = [
        (BOUNDARY, i, j) for i, j in pairs if tuple(gold[i][:2]) != tuple(predicted[j][:2])
    ]
    left_g = sorted(set(range(len(gold))) - {i for i, _ in pairs})
    left_p = sorted(set(range(len(predicted))) - {j for _, j in pairs})
    crossed = overlap_pairs([(*gold[i][:2], "") for i in left_g], [(*predicted[j][:2], "") for j in left_p])
    out += [(LABEL, left_g[i], left_p[j]) for i, j in crossed]
    out += [(MISSED, i, None) for k, i in enumerate(left_g) if k not in {a for a, _ in crossed}]
    out += [(EXTRA, None, j) for k, j in enumerate(left_p) if k not in {b for _, b in crossed}]
    return out


def compare(gold: Sequence[Span], predicted: Sequence[Span], mode: str = "exact") -> dict[str, Counts]:
    """Counts per label for one document's spans (labels found in either set)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")
    pairs = (exact_pairs if mode == "exact" else overlap_pairs)(gold, predicted)
    matched = Counter(gold[i][2] for i, _ in pairs)  # a pair's spans have one label
    golds, preds = Counter(s[2] for s in gold), Counter(s[2] for s in predicted)
    return {label: Counts(matched[label], golds[label], preds[label]) for label in sorted(golds | preds)}


def score(
    documents: Iterable[tuple[Sequence[Span], Sequence[Span]]], mode: str = "exact"
) -> tuple[Counts, dict[str, Counts]]:
    """Summed counts over documents, each given as (gold spans, predicted spans): overall and per label."""
    per_label: dict[str, Counts] = defaultdict(Counts)
    for gold, predicted in documents:
        for label, counts in compare(gold, predicted, mode).items():
            per_label[label] += counts
    overall = sum(per_label.values(), Counts())
    return overall, dict(sorted(per_label.items()))
