"""A tool's entity mentions on their way into newsspan's flat entity layer: nesting and token alignment.

Research corpora nest mentions ("[the president of [France]]") and cut words where newsspan's tokenizer
does not; newsspan's entity layer is flat and its mentions start and end on its tokens. Two explicit
policies decide, never a silent shift:

- ``nesting(spans, policy)``: ``error`` keeps every mention and lists the nested pairs (the caller
  refuses them); ``outer`` keeps the mentions inside no other (the longest of each nest); ``inner`` keeps
  the mentions that hold no other (the shortest). Mentions with the same offsets are duplicates (same
  label) or stacked (different labels), and mentions that overlap without nesting are crossing: no
  policy can choose between those, so the caller reports them.
- ``align_spans(text, spans, mode)``: spaCy's ``strict`` / ``contract`` / ``expand`` through
  :func:`newsspan.tokenize.char_span`, the one place where offsets meet tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .tokenize import ALIGNMENT_MODES, char_span, tokenize, why_misaligned

NESTED_POLICIES = ("error", "outer", "inner")
__all__ = ["NESTED_POLICIES", "ALIGNMENT_MODES", "Nesting", "nesting", "align_spans"]


@dataclass
class Nesting:
    keep: list[bool]
    nested: list[tuple[int, int]] = field(default_factory=list)  # (outer, inner): inner lies within outer
    stacked: list[tuple[int, int]] = field(default_factory=list)  # same offsets, different labels (both kept)
    crossing: list[tuple[int, int]] = field(default_factory=list)  # overlapping, neither within the other (both kept)
    duplicates: list[int] = field(default_factory=list)  # same offsets and label as another (dropped)


def _overlaps(spans, members):
    """(i, j) index pairs of overlapping spans among members, i sorted before j (by start, longest first)."""
    order = sorted(members, key=lambda k: (spans[k][0], -spans[k][1], k))
    for a, i in enumerate(order):
        for j in order[a + 1 :]:
            if spans[j][0] >= spans[i][1]:
                break
            yield i, j


def nesting(spans: Sequence[tuple[int, int, str]], policy: str = "error") -> Nesting:
    """Which of the (start, end, label) mentions to keep under the nesting policy, and why."""
    if policy not in NESTED_POLICIES:
        raise ValueError(f"unknown nesting policy {policy!r}: expected one of {', '.join(NESTED_POLICIES)}")
    res = Nesting(keep=[True] * len(spans))
    for i, j in _overlaps(spans, range(len(spans))):
        (si, ei, li), (sj, ej, lj) = spans[i], spans[j]
        if (si, ei) == (sj, ej):
            if li == lj and res.keep[j]:
                res.keep[j] = False
                res.duplicates.append(j)
        elif ej <= ei:
            res.nested.append((i, j))
    if policy == "outer":
        for _, j in res.nested:
            res.keep[j] = False
    elif policy == "inner":
        for i, _ in res.nested:
            res.keep[i] = False
    for i, j in _overlaps(spans, [k for k, kept in enumerate(res.keep) if kept]):
        (si, ei, _), (sj, ej, _) = spans[i], spans[j]
        if (si, ei) == (sj, ej):
            res.stacked.append((i, j))
        elif ej > ei:
            res.crossing.append((i, j))
    return res


def align_spans(text: str, spans: Sequence[tuple[int, int]], mode: str = "strict") -> list[tuple[int, int] | str]:
    """Each (start, end) on newsspan's tokens of text under the alignment mode, or why it cannot be."""
    tokens = tokenize(text)
    out: list[tuple[int, int] | str] = []
    for s, e in spans:
        got = char_span(tokens, s, e, mode)
        if got is not None:
            out.append((tokens[got[0]].start, tokens[got[1] - 1].end))
        elif mode == "strict":
            out.append(f"it {why_misaligned(tokens, s, e)}")
        else:
            out.append(f"it covers no whole token (--align {mode})")
    return out
