"""Tokens with code-point offsets, and IOB2 tags for spans over them.

Rule-based and deterministic: split on whitespace, then split off punctuation, clitics ("Taiwan’s" -> "Taiwan" "’s"),
French and Italian elisions ("d'Amiens") and hyphens before a letter; keep abbreviations, numbers and URLs whole; one
token per character in scripts without spaces. Tagging is strict: a span never gets a shifted tag (:class:`Misaligned`).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)  # slots: a corpus holds millions of them
class Token:
    """A token of the text: its characters and code-point offsets."""

    text: str
    start: int
    end: int


# Scripts written without spaces between words: one token per character (plus its combining marks).
_UNSPACED = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals, Kangxi
    "\u3005-\u3007\u3021-\u3029\u3038-\u303c"  # ideographic iteration marks and numerals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u312f\u31a0-\u31bf"  # Bopomofo
    "\u31f0-\u31ff"  # Katakana extensions
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK extensions B-H
)

# Abbreviations that keep their final period (single letters with periods, like U.S., are a pattern).
ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Gen|Lt|Col|Capt|Sgt|Adm|Gov|Sen|Rep|Pres|Rev|Hon|Inc|Ltd|Co|Corp|Bros|Dept|Univ|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mt|Ft|Ave|Blvd|No|vs|etc|approx"
)

_HYPHENS = "\u2010\u2011-"  # "-" last: inside [...] it must not form a range
_APOS = "'\u2019"
# French and Italian words that elide their vowel before the next word (d'Amiens, qu'il, dell'Italia): a
# token of their own, so that a mention of the name after them starts at a token
ELIDED = "c|d|j|l|m|n|s|t|qu|lorsqu|puisqu|jusqu|quoiqu|un|dell|all|dall|nell|sull|coll|quell|quest|sant|bell"


@functools.cache
def _marks() -> str:
    """A character class body of the combining marks (category M*) of the BMP."""
    marks = (chr(cp) for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)).startswith("M"))
    return "".join(map(re.escape, marks))


@functools.cache
def _pattern() -> re.Pattern:
    m = _marks()
    # a word character: a letter, digit or mark of a spaced script (never "_", never an unspaced script)
    w = rf"(?:(?![{_UNSPACED}_])\w|[{m}])"
    alternatives = [
        # the non-space run up to its last character that is no trailing punctuation (at least one
        # character); written greedy: the lazy form with a look-ahead was quadratic on "http://...x"
        r"(?P<url>(?:https?://|www\.)(?:\S*[^\s.,;:!?)\]}'\"\u2019\u201d]|\S))",
        rf"(?P<unspaced>[{_UNSPACED}][{m}]*)",
        # U.S. / D.C. / e.g.: letters each followed by a period
        r"(?P<initials>(?<![\w.])(?:[^\W\d_]\.){2,})",
        rf"(?P<abbrev>(?<![\w.])(?:{ABBREVIATIONS})\.)(?!{w})",
        # numbers with inner separators: 1,000  3.5  2:49  12/01/2024  2024-01-12
        rf"(?P<number>\d+(?:[.,:/{_HYPHENS}]\d+)*(?:{w}*))",
        # "n't" is split off the verb as in the Penn Treebank ("do" "n't")
        rf"(?P<nt>{w}+?(?=n[{_APOS}]t(?!{w})))",
        rf"(?P<clitic>[{_APOS}](?:[sSdDmM]|re|RE|ve|VE|ll|LL)(?!{w})|n[{_APOS}]t(?!{w}))",
        # a word; an apostrophe inside it stays (O'Brien, rock'n'roll) unless a clitic follows
        rf"(?P<word>{w}+(?:[{_APOS}](?![sSdDmM](?!{w})|re(?!{w})|ve(?!{w})|ll(?!{w})){w}+)*)",
        r"(?P<ellipsis>\.{2,}|\u2026)",
        rf"(?P<dashes>[{_HYPHENS}]{{2,}})",
        r"(?P<other>\S)",
    ]
    return re.compile("|".join(alternatives))


_ELIDED = re.compile(rf"(?i:{ELIDED})[{_APOS}]")


def _pieces(run: str) -> Iterator[tuple[int, int]]:
    """[start, end) of each token of a run of text without whitespace."""
    # an elided word ("d'", "dell’") is split off here: an alternative of the pattern, tried at every token,
    # made tokenising twice as slow
    for m in _pattern().finditer(run):
        a, b = m.span()
        if m.lastgroup == "word" and ("'" in m[0] or "\u2019" in m[0]) and (e := _ELIDED.match(run, a)):
            yield a, e.end()
            a = e.end()
        yield a, b


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of text[start:end], with offsets into text (code points, half-open)."""
    end = len(text) if end is None else end
    tokens: list[Token] = []
    for chunk in re.finditer(r"\S+", text[start:end]):
        base, run = start + chunk.start(), chunk.group()
        tokens.extend(Token(run[a:b], base + a, base + b) for a, b in _pieces(run))
    return tokens


_SPACE = re.compile(r"\s")  # in a str pattern, \s is exactly the characters str.isspace() accepts
_RUN = re.compile(r"\S*")


def _chunk(text: str, pos: int) -> tuple[int, int]:
    """The whitespace-delimited run of text around pos."""
    run = _RUN.match(text, pos)
    assert run is not None  # \S* matches everywhere
    b = run.end()
    # the run starts after the last space or line end before pos, unless rarer whitespace
    # (a tab, a no-break space, ...) comes later: then walk back character by character
    a = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos)) + 1
    if _SPACE.search(text, a, pos):
        a = pos
        while a > 0 and not text[a - 1].isspace():
            a -= 1
    return a, b


def is_boundary(text: str, pos: int) -> bool:
    """Whether pos falls between two tokens (or at whitespace), tokenising only the run of non-space
    characters around it (tokens never cross whitespace)."""
    if pos <= 0 or pos >= len(text) or text[pos - 1].isspace() or text[pos].isspace():
        return True
    a, b = _chunk(text, pos)
    run = text[a:b]
    return pos - a in (_run_starts(run) if len(run) <= _MEMO_RUN else _starts(run))


def _starts(run: str) -> frozenset[int]:
    """Where the tokens of a run of text without whitespace start (as tokenize() cuts it)."""
    return frozenset(a for a, _ in _pieces(run))


# The validator asks about every span boundary that touches no whitespace, and runs such as
# "said." or "year," recur across a corpus. Longer runs are rare and are not kept, so that
# no file can fill the memory.
_MEMO_RUN = 256
_run_starts = functools.lru_cache(maxsize=4096)(_starts)


def token_at(text: str, pos: int) -> Token | None:
    """The token that holds pos strictly inside it, if any."""
    if pos <= 0 or pos >= len(text):
        return None
    a, b = _chunk(text, pos)
    return next((t for t in tokenize(text, a, b) if t.start < pos < t.end), None)


class Misaligned(ValueError):
    """A span whose start or end falls inside a token (or between tokens, on whitespace)."""

    def __init__(self, span_index: int, message: str):
        super().__init__(message)
        self.span_index = span_index


ALIGNMENT_MODES = ("strict", "contract", "expand")


def char_span(tokens: Sequence[Token], start: int, end: int, alignment_mode: str = "strict") -> tuple[int, int] | None:
    """The tokens [first, stop) that a character span [start, end) covers, as spaCy's ``Doc.char_span`` decides:
    ``strict`` whole tokens only, else None; ``contract`` the tokens inside the span; ``expand`` every token it touches.
    """
    if alignment_mode not in ALIGNMENT_MODES:
        raise ValueError(f"unknown alignment mode {alignment_mode!r}: expected one of {', '.join(ALIGNMENT_MODES)}")
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    if alignment_mode == "expand":
        first = bisect.bisect_right(ends, start)  # the first token that ends after the span starts
        stop = bisect.bisect_left(starts, end)  # after the last token that starts before it ends
    else:
        first = bisect.bisect_left(starts, start)  # the first token that starts inside the span
        stop = bisect.bisect_right(ends, end)  # after the last token that ends inside it
        if alignment_mode == "strict" and first < stop and (starts[first] != start or ends[stop - 1] != end):
            return None  # the span's edges are not those tokens' edges
    return (first, stop) if first < stop else None


def section_tokens(text: str, start: int, end: int) -> list[Token]:
    """The tokens of the text inside [start, end) (a section), as tokenising the whole text cuts them."""
    a, b = _chunk(text, start)[0], _chunk(text, end)[1]
    tokens = tokenize(text, a, b)
    if a == start and b == end:
        return tokens
    return [t for t in tokens if start <= t.start and t.end <= end]


def tag(tokens: Sequence[Token], spans: Iterable) -> list[str]:
    """IOB2 tags of tokens for spans (with ``start``, ``end`` and ``label``): the one tagger, so every export's
    tokens and tags agree. Misaligned for a span of no whole tokens, ValueError for overlapping spans."""
    tags = ["O"] * len(tokens)
    for k, span in enumerate(spans):
        got = char_span(tokens, span.start, span.end, "strict")
        if got is None:
            raise Misaligned(
                k,
                f"{getattr(span, 'id', 'the span')} {span.text!r} [{span.start}, {span.end}) {why_misaligned(tokens, span.start, span.end)}",
            )
        first, stop = got
        for i in range(first, stop):
            if tags[i] != "O":
                raise ValueError(f"spans overlap at token {i}")
            tags[i] = ("B-" if i == first else "I-") + span.label
    return tags


def why_misaligned(tokens: Sequence[Token], start: int, end: int) -> str:
    """Why [start, end) is no span of whole tokens: the token its start or end falls inside, or where it falls."""
    out = []
    for pos, side, edges in ((start, "start", {t.start for t in tokens}), (end, "end", {t.end for t in tokens})):
        if pos not in edges:
            hit = next((t for t in tokens if t.start < pos < t.end), None)
            inside = (
                f"inside the token {hit.text!r} [{hit.start}, {hit.end})"
                if hit
                else f"at {pos}, which is no token {side}"
            )
            out.append(f"{side}s {inside}")
    return " and ".join(out) or f"[{start}, {end}) covers no token"


def iob2_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """The token ranges (first, stop, label) that IOB2 tags mark, read as seqeval's strict mode reads them
    (an I- tag that continues no span of its label marks none): the inverse of :func:`tag`."""
    out: list[tuple[int, int, str]] = []
    first = 0
    label: str | None = None
    for i, tag in enumerate(list(tags) + ["O"]):
        if label is not None and tag != "I-" + label:
            out.append((first, i, label))
            label = None
        if tag.startswith("B-"):
            first, label = i, tag[2:]
    return out
