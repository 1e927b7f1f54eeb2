"""Re-anchoring spans onto a corrected text (pure functions).

Every span stores its quote, and the sections cover every non-whitespace character, so the
annotation holds the old text but for the whitespace between sections (whose length its offsets
give). That old text is rebuilt, the unknown positions left out, and aligned with the new text
token by token (newsspan's tokens, difflib's SequenceMatcher). A span is placed when its first
and its last character lie in tokens the alignment keeps: spans around an edit move with it, and
a span that contains an edit keeps its ends and gets its quote updated. A span whose own first or
last word was changed or deleted is listed, never guessed: it is never moved onto another
occurrence of its quote.

An annotation whose old text cannot be rebuilt (no sections, or quotes that contradict each
other) is anchored the way a W3C TextQuoteSelector is: each quote is looked for in the new text,
its neighbours' quotes serving as prefix and suffix (weights as in the Hypothesis client: prefix
20, suffix 20, position 2); a quote that no longer occurs is listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Annotation, Section
from .text import CanonicalMap, Unmappable
from .tokenize import tokenize

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


def old_characters(ann: Annotation) -> dict[int, str]:
    """What the annotation tells of its old text: position -> character, from every quote."""
    return _quoted(ann)[0]


def _quoted(ann: Annotation) -> tuple[dict[int, str], bool]:
    """(position -> character from every quote as long as its offsets, whether those quotes agree
    on every character). A quote of another length is left out: its offsets and quote disagree,
    and the re-anchoring lists the span."""
    known: dict[int, str] = {}
    agree = True
    for _, s in ann.spans():
        if s.end - s.start != len(s.text):
            continue
        for k, ch in enumerate(s.text):
            agree = known.setdefault(s.start + k, ch) == ch and agree
    return known, agree


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
    return max(
        cands,
        key=lambda c: (
            _context_score(text, c, len(quote), old, old_start) + 2 * (1 - abs(c - hint) / n),
            -abs(c - hint),
        ),
    )


def reanchor(ann: Annotation, text: str) -> tuple[Annotation, int, list[Unplaced]]:
    """A copy of ann with every span moved onto text; (new annotation, spans moved, spans not placed).

    Through an alignment of the old text (rebuilt from the quotes) and the new one; by quote and
    context when the old text cannot be rebuilt.
    """
    old = rebuild(ann)
    if old is None:
        return reanchor_by_quote(ann, text)
    return reanchor_by_alignment(ann, old, text)


def rebuild(ann: Annotation) -> dict[int, str] | None:
    """The old text as the quotes give it (position -> character), or None when it cannot be rebuilt:
    no sections to cover it, or two quotes that disagree about a character."""
    if not ann.sections:
        return None
    known, agree = _quoted(ann)
    return known if agree else None


def _old_tokens(old: dict[int, str]) -> list[tuple[str, int]]:
    """(text, start) of the tokens of the rebuilt old text, each run of known positions tokenised apart.

    The unknown positions are the whitespace between sections (or text no span covers): they
    hold no token of any span, so the runs' tokens follow each other as the new text's do.
    """
    out, run, prev = [], [], None
    for pos in sorted(old):
        if prev is not None and pos != prev + 1:
            out += _tokens_of_run(run)
            run = []
        run.append((pos, old[pos]))
        prev = pos
    return out + _tokens_of_run(run)


def _tokens_of_run(run: list[tuple[int, str]]) -> list[tuple[str, int]]:
    if not run:
        return []
    chars = "".join(ch for _, ch in run)
    return [(t.text, run[0][0] + t.start) for t in tokenize(chars)]


def alignment(old: dict[int, str], text: str) -> dict[int, int]:
    """Old position -> new position of every character of a token that the alignment keeps.

    difflib's SequenceMatcher over tokens (autojunk off: "the" and "," are matched like any
    token): the longest common run of tokens first, then the same on either side of it, so a
    word that an insertion repeats is not taken for the word it repeats. The common beginning
    and end are matched first, which leaves the matcher only the stretch between the first and
    the last edit (a correction or two in a long article costs milliseconds).
    """
    import difflib

    a = _old_tokens(old)
    b = [(t.text, t.start) for t in tokenize(text)]
    head = 0
    while head < min(len(a), len(b)) and a[head][0] == b[head][0]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail][0] == b[-1 - tail][0]:
        tail += 1
    pairs = list(zip(a[:head], b[:head], strict=True)) + list(zip(a[len(a) - tail :], b[len(b) - tail :], strict=True))
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    matcher = difflib.SequenceMatcher(None, [x for x, _ in mid_a], [x for x, _ in mid_b], autojunk=False)
    for i, j, n in matcher.get_matching_blocks():
        pairs += zip(mid_a[i : i + n], mid_b[j : j + n], strict=True)
    image: dict[int, int] = {}
    for (tok, start), (_, new_start) in pairs:
        for k in range(len(tok)):
            image[start + k] = new_start + k
    return image


def _disagree(ptr: str, s) -> Unplaced | None:
    if s.end - s.start != len(s.text):
        return Unplaced(
            ptr, s.start, s.end, s.text, "its offsets and its quote disagree in length; fix the span by hand"
        )
    return None


def reanchor_by_alignment(ann: Annotation, old: dict[int, str], text: str) -> tuple[Annotation, int, list[Unplaced]]:
    """reanchor() through the alignment of the rebuilt old text with text."""
    image = alignment(old, text)
    places, moved, unplaced = {}, 0, []
    for ptr, s in ann.spans():
        bad = _disagree(ptr, s)
        if bad:
            unplaced.append(bad)
            continue
        first, last = image.get(s.start), image.get(s.end - 1)
        if first is None or last is None:
            gone = [w for w, at in (("first", first), ("last", last)) if at is None]
            unplaced.append(
                Unplaced(
                    ptr,
                    s.start,
                    s.end,
                    s.text,
                    f"its {' and '.join(gone)} word{'s were' if len(gone) > 1 else ' was'} changed or deleted "
                    "in the corrected text, and it is never moved onto another occurrence of its quote; "
                    "correct or remove the span by hand",
                )
            )
            continue
        moved += first != s.start
        places[ptr] = (first, last + 1, text[first : last + 1])
    return ann.moved(places), moved, unplaced


def reanchor_by_quote(ann: Annotation, text: str) -> tuple[Annotation, int, list[Unplaced]]:
    """reanchor() of an annotation whose old text cannot be rebuilt: each quote where it now occurs, by context."""
    old = old_characters(ann)
    # sections first, in order: their shifts are the position hints of the spans inside them
    items = sorted(ann.spans(), key=lambda x: (not isinstance(x[1], Section), x[1].start))
    shifts: list[tuple[int, int]] = []  # (old start of a placed section, its shift)
    places, moved, unplaced = {}, 0, []
    for ptr, s in items:
        bad = _disagree(ptr, s)
        if bad:
            unplaced.append(bad)
            continue
        shift = 0
        for st, sh in shifts:
            if st <= s.start:
                shift = sh
        at = place(text, s.text, s.start, s.start + shift, old)
        if at is None:
            unplaced.append(
                Unplaced(
                    ptr,
                    s.start,
                    s.end,
                    s.text,
                    "its quote no longer occurs in the text; correct or remove the span by hand",
                )
            )
            continue
        if isinstance(s, Section):
            shifts.append((s.start, at - s.start))
            shifts.sort()
        if at != s.start:
            moved += 1
        places[ptr] = (at, at + len(s.text), s.text)
    return ann.moved(places), moved, unplaced


def through_map(ann: Annotation, cmap: CanonicalMap) -> tuple[Annotation, list[Unplaced]]:
    """A copy of ann with offsets mapped exactly through canonicalisation (quotes canonicalised too)."""
    from .text import canonicalize

    places, problems = {}, []
    for ptr, s in ann.spans():
        a, b, quote = s.start, s.end, s.text
        if cmap.source[a:b] != quote:
            problems.append(
                Unplaced(
                    ptr,
                    a,
                    b,
                    quote,
                    f"the quote differs from the text at its offsets ({cmap.source[a:b]!r}); "
                    "fix the span before canonicalising",
                )
            )
            continue
        try:
            na, nb = cmap(a), cmap(b)
        except Unmappable as e:
            problems.append(Unplaced(ptr, a, b, quote, str(e)))
            continue
        if cmap.text[na:nb] != canonicalize(quote).lstrip("\ufeff"):
            problems.append(
                Unplaced(ptr, a, b, quote, f"maps to {cmap.text[na:nb]!r}, not to the quote's canonical form")
            )
            continue
        places[ptr] = (na, nb, cmap.text[na:nb])
    return ann.moved(places), problems
