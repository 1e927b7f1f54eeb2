"""Re-anchoring spans onto a corrected text (pure functions).

Every span stores its quote, so after a text correction each span is looked for where its
quote now is, the way a W3C TextQuoteSelector is anchored (quote + prefix + suffix, with the
old position as a hint; weights as in the Hypothesis client: prefix 20, suffix 20, position 2).
The old text is gone, but the annotation still holds most of it: the quotes of all its spans
(sections cover nearly the whole text) give the characters around each span, which serve as
its prefix and suffix. A span whose quote no longer occurs is never guessed: it is listed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from .findings import pointer
from .records import LAYERS
from .textmap import CanonicalMap, Unmappable

CONTEXT = 32


@dataclass
class Unplaced:
    pointer: str
    start: int
    end: int
    quote: str
    reason: str

    def __str__(self) -> str:
        return f"{self.pointer} [{self.start}, {self.end}) {self.quote[:60]!r}: {self.reason}"


def spans_with_pointers(ann: dict):
    """(pointer, span dict, layer) for every span, attribution sub-spans included (live references)."""
    for name in LAYERS:
        for i, item in enumerate(ann.get(name) or []):
            if not _is_span(item):
                continue
            yield pointer(name, i), item, name
            attr = item.get("attribution") if name == "claims" else None
            if isinstance(attr, dict):
                for key in ("source_span", "cue"):
                    if _is_span(attr.get(key)):
                        yield pointer(name, i, "attribution", key), attr[key], name


def _is_span(x) -> bool:
    return (isinstance(x, dict) and isinstance(x.get("start"), int) and isinstance(x.get("end"), int)
            and isinstance(x.get("text"), str) and x["text"] != "")


def old_characters(ann: dict) -> dict[int, str]:
    """What the annotation tells of its old text: position -> character, from every quote."""
    known: dict[int, str] = {}
    for _, s, _ in spans_with_pointers(ann):
        for k, ch in enumerate(s["text"]):
            known.setdefault(s["start"] + k, ch)
    return known


def _occurrences(text: str, quote: str) -> list[int]:
    out, i = [], text.find(quote)
    while i >= 0:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def _context_score(text: str, cand: int, length: int, old: dict[int, str], old_start: int) -> float:
    """Prefix and suffix agreement (0..1 each) between the old context and the candidate's."""
    score = 0.0
    for direction in (-1, 1):
        known = same = 0
        for k in range(1, CONTEXT + 1):
            op = old_start - k if direction < 0 else old_start + length - 1 + k
            np_ = cand - k if direction < 0 else cand + length - 1 + k
            ch = old.get(op)
            if ch is None:
                continue
            known += 1
            same += 0 <= np_ < len(text) and text[np_] == ch
        score += 20 * (same / known if known else 0.0)
    return score


def place(text: str, quote: str, old_start: int, hint: int, old: dict[int, str]) -> int | None:
    """Start of the best occurrence of quote in text, or None when it does not occur."""
    cands = _occurrences(text, quote)
    if not cands:
        return None
    n = max(len(text), 1)
    return max(cands, key=lambda c: (_context_score(text, c, len(quote), old, old_start) + 2 * (1 - abs(c - hint) / n),
                                     -abs(c - hint)))


def reanchor(ann: dict, text: str) -> tuple[dict, int, list[Unplaced]]:
    """A copy of ann with every span moved onto text; (new annotation, spans moved, spans not placed)."""
    new = copy.deepcopy(ann)
    old = old_characters(ann)
    items = list(spans_with_pointers(new))
    # sections first, in order: their shifts are the position hints of the spans inside them
    items.sort(key=lambda x: (x[2] != "sections", x[1]["start"]))
    shifts: list[tuple[int, int]] = []   # (old start of a placed section, its shift)
    moved, unplaced = 0, []
    for ptr, s, layer in items:
        o_start, o_end, quote = s["start"], s["end"], s["text"]
        if o_end - o_start != len(quote):
            unplaced.append(Unplaced(ptr, o_start, o_end, quote, "its offsets and its quote disagree in length; fix the span by hand"))
            continue
        shift = 0
        for st, sh in shifts:
            if st <= o_start:
                shift = sh
        at = place(text, quote, o_start, o_start + shift, old)
        if at is None:
            unplaced.append(Unplaced(ptr, o_start, o_end, quote, "its quote no longer occurs in the text; "
                                     "correct or remove the span by hand"))
            continue
        if layer == "sections" and ptr.count("/") == 2:
            shifts.append((o_start, at - o_start))
            shifts.sort()
        if at != o_start:
            moved += 1
        s["start"], s["end"] = at, at + len(quote)
    return new, moved, unplaced


def through_map(ann: dict, cmap: CanonicalMap) -> tuple[dict, list[Unplaced]]:
    """A copy of ann with offsets mapped exactly through canonicalisation (quotes canonicalised too)."""
    from .text import canonicalize

    new = copy.deepcopy(ann)
    problems = []
    for ptr, s, _ in spans_with_pointers(new):
        a, b, quote = s["start"], s["end"], s["text"]
        if cmap.source[a:b] != quote:
            problems.append(Unplaced(ptr, a, b, quote, f"the quote differs from the text at its offsets ({cmap.source[a:b]!r}); "
                                                       "fix the span before canonicalising"))
            continue
        try:
            na, nb = cmap(a), cmap(b)
        except Unmappable as e:
            problems.append(Unplaced(ptr, a, b, quote, str(e)))
            continue
        if cmap.text[na:nb] != canonicalize(quote).lstrip("\ufeff"):
            problems.append(Unplaced(ptr, a, b, quote, f"maps to {cmap.text[na:nb]!r}, not to the quote's canonical form"))
            continue
        s["start"], s["end"], s["text"] = na, nb, cmap.text[na:nb]
    return new, problems
