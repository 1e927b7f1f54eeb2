"""Consistency warnings within one annotation: a string annotated in one place and missed in another
(``mention-missed``), one string annotated with different labels (``label-inconsistent``). A repeated
string may mean something else (a person "Jordan", a country "Jordan"): the annotator decides."""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import ahocorasick  # pyahocorasick: one pass over the text for every string at once

from .. import schema
from ..model import BODY_SECTIONS, Annotation, Entity, Section
from ..report import WARNING, Problem, show
from ..tokenize import char_span, tokenize
from . import ANNOTATION, register
from .annotation import Context, section_name


@dataclass(frozen=True)
class Miss:
    """An unannotated occurrence of the string of entities[example], inside body section sections[section]."""

    start: int
    end: int
    text: str
    example: int
    section: int


def missed_mentions(
    text: str, entities: Sequence[Entity], sections: Sequence[Section], body: Sequence[str] = BODY_SECTIONS
) -> list[Miss]:
    """The occurrences, as whole tokens inside a body section, of a string annotated as an entity mention
    elsewhere in the text, that overlap no mention. Entities and sections must hold their quotes."""
    return find_missed(text, list(map(_SPAN_LABEL, entities)), list(map(_SECTION, sections)), body)


def find_missed(
    text: str,
    mentions: Sequence[tuple[int, int, str] | tuple[int, int, str, str]],
    sections: Sequence[tuple[int, int, str]],
    body: Sequence[str] = BODY_SECTIONS,
) -> list[Miss]:
    """:func:`missed_mentions` over mentions as (start, end, quote, ...) and sections as (start, end, label).

    Linear in the text: the capitalized ASCII words (names, numbers) outside the mentions are collected
    once, which rules out most quotes; up to 16 others are looked for one by one; what may occur is
    searched for all at once with an Aho-Corasick automaton (:func:`_search`)."""
    if not mentions:
        return []
    by_start = sorted(mentions)
    # the text outside every mention, the pieces joined by spaces: an unannotated occurrence lies in it
    edges = [0, *map(_END, by_start)], [*map(_START, by_start), len(text)]
    outside = " ".join(map(text.__getitem__, map(slice, *edges)))
    quotes = set(map(_QUOTE, mentions))
    candidates = []
    words = set(_CAPITALIZED.findall(outside))
    encoded = None
    searched = 0
    for quote, key in zip(quotes, map(_capitalized_key, quotes), strict=True):
        if key is not None:
            # tokens start and end at the edges of ASCII words (but for "n't" after a verb), so the
            # quote's first ASCII word would be a word of the outside text
            if key in words:
                candidates.append(quote)
        elif searched < _SEARCHED:  # "two", "last year", Chinese: looked for as they are (in UTF-8: faster)
            searched += 1
            if encoded is None:
                encoded = outside.encode("utf-8")
            if quote.encode("utf-8") in encoded:
                candidates.append(quote)
        else:  # many such quotes: left to the automaton, which is linear in the text
            candidates.append(quote)
    if not candidates:
        return []  # the common case: no annotated string occurs outside the mentions
    return _search(text, mentions, sections, body, set(candidates))


_START, _END, _QUOTE, _LABEL = (operator.itemgetter(k) for k in range(4))
_SPAN_LABEL = operator.attrgetter("start", "end", "text", "label")  # a mention as a tuple, in C
_SECTION = operator.attrgetter("start", "end", "label")


# The ASCII words that begin with a capital or a digit: names and numbers, a fraction of a text's words.
_CAPITALIZED = re.compile(r"[A-Z0-9][A-Za-z0-9]*")
_SEARCHED = 16  # quotes without such a word looked for one by one, at most


@functools.lru_cache(maxsize=8192)  # names recur across documents
def _capitalized_key(quote: str) -> str | None:
    """The first ASCII word of a quote when it begins with a capital or a digit, else None."""
    m = _ASCII_WORD.search(quote)
    return m.group() if m and not m.group()[0].islower() else None


_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


def _search(text, mentions, sections, body, quotes: set[str]) -> list[Miss]:
    """The misses of the given quotes: every occurrence found at once with an Aho-Corasick
    automaton, then the ones outside mentions, inside a body section and made of whole tokens."""

    order = sorted(range(len(mentions)), key=mentions.__getitem__)
    examples: dict[str, int] = {}
    for k in order:
        if mentions[k][2] in quotes:
            examples.setdefault(mentions[k][2], k)
    automaton = ahocorasick.Automaton()
    for quote in examples:
        automaton.add_word(quote, quote)
    automaton.make_automaton()
    starts = [mentions[k][0] for k in order]
    # reach[i]: the furthest end of the first i + 1 mentions by start (robust to overlapping ones)
    reach = list(itertools.accumulate((mentions[k][1] for k in order), max))
    out = []
    runs = _Runs(text)
    for a, b, k in sorted((s[0], s[1], k) for k, s in enumerate(sections) if s[2] in body):
        if not 0 <= a < min(b, len(text)):
            continue  # an empty or misplaced section: no place for a mention
        # every occurrence inside the section, overlapping ones included (a longest match that turns
        # out to be no whole tokens must not hide a shorter one that is)
        for last, quote in automaton.iter(text, a, min(b, len(text))):
            start, end = last + 1 - len(quote), last + 1
            i = bisect.bisect_left(starts, end) - 1
            if i >= 0 and reach[i] > start:
                continue  # a mention, or inside (or across) one, as "Liu" in "Liu Jianchao"
            if runs.whole_tokens(start, end):
                out.append(Miss(start, end, quote, examples[quote], k))
    # a miss inside a longer one ("DC" in an unannotated "Washington, DC") is reported with it
    out.sort(key=lambda m: (m.start, -m.end))
    kept, reach_out = [], -1
    for m in out:
        if m.end > reach_out:
            kept.append(m)
            reach_out = m.end
    return kept


class _Runs:
    """The tokens of the whitespace-delimited runs of a text, each tokenized once. Matches come in text
    order, so keeping the last two runs keeps the work linear."""

    def __init__(self, text: str):
        self.text = text
        self.cache: dict[int, tuple[int, list]] = {}

    def _run(self, pos: int) -> tuple[int, list]:
        text = self.text
        for a, (b, tokens) in self.cache.items():
            if a <= pos < b:
                return a, tokens
        a = pos
        while a > 0 and not text[a - 1].isspace():
            a -= 1
        b = pos
        while b < len(text) and not text[b].isspace():
            b += 1
        if len(self.cache) >= 2:
            del self.cache[min(self.cache)]
        self.cache[a] = (b, tokenize(text, a, b))
        return a, self.cache[a][1]

    def whole_tokens(self, start: int, end: int) -> bool:
        """Whether [start, end) starts where a token starts and ends where one ends."""
        a, first = self._run(start)
        b, last = self._run(end - 1)
        return char_span(first if a == b else first + last, start, end, "strict") is not None


@dataclass(frozen=True)
class Inconsistent:
    """entities[mention] has another label than its string has most often (ties: the label met first);
    entities[usual] is the first mention with that label; labels counts the string's mentions per label."""

    mention: int
    usual: int
    labels: dict


def inconsistent_labels(entities: Sequence[Entity]) -> list[Inconsistent]:
    """The mentions whose label differs from the usual label of their string (whitespace runs read as one space)."""
    mentions = list(map(_SPAN_LABEL, entities))
    quotes = list(map(_QUOTE, mentions))
    joined = " ".join(quotes)
    if (
        len(set(quotes)) == len(set(zip(quotes, map(_LABEL, mentions), strict=True)))
        and joined.isprintable()
        and "  " not in joined
    ):
        return []  # no quote has two labels, nor whitespace to fold: the common case, decided in C
    by_text: dict[str, list[int]] = {}
    for k in sorted(range(len(mentions)), key=mentions.__getitem__):
        quote = mentions[k][2]
        same = quote if quote.isprintable() and "  " not in quote else " ".join(quote.split())
        by_text.setdefault(same, []).append(k)
    out = []
    for ks in by_text.values():
        labels = Counter(mentions[k][3] for k in ks)
        if len(labels) < 2:
            continue
        best = max(labels.values())
        usual = next(mentions[k][3] for k in ks if labels[mentions[k][3]] == best)
        first_usual = next(k for k in ks if mentions[k][3] == usual)
        out += [Inconsistent(k, first_usual, dict(labels)) for k in ks if mentions[k][3] != usual]
    return sorted(out, key=lambda x: x.mention)


def _labelled(ann: Annotation, leave_out: Collection[str] = ()) -> tuple[list[int], list[Entity]]:
    """(indices in the model, mentions) of the mentions with a label (all but a partial model's) not left out."""
    index = [k for k, e in enumerate(ann.entities) if e.label is not None and e.label not in leave_out]
    return index, [ann.entities[k] for k in index]


@register("mention-missed", WARNING, ANNOTATION)
def mention_missed(ann: Annotation, ctx: Context):
    """In a layer that is no draft, a string annotated as a name occurs again, as whole tokens inside a body section
    (headline, heading, paragraph, quote), and is not annotated there (e.g. a second "Taiwan" left out). Temporal
    and numerical expressions are left out (a pronoun "one" is no second CARDINAL)."""
    if ctx.text is None or not ctx.quoted or ann.status == "draft":
        return  # offsets that do not hold their quotes are errors of their own; a draft is unfinished
    index, mentions = _labelled(ann, set(schema.expression_labels()))
    labelled = [k for k, s in enumerate(ann.sections) if s.label is not None]
    for miss in missed_mentions(ctx.text, mentions, [ann.sections[k] for k in labelled]):
        e, k = mentions[miss.example], labelled[miss.section]
        at = ctx.pointer("entities", index[miss.example])
        yield Problem(
            "mention-missed",
            f"{show(miss.text)} at [{miss.start}, {miss.end}) in {ann.sections[k].label} "
            f"{section_name(ann, ctx, k)} is not annotated; "
            f"it is annotated as {e.label} at {at} [{e.start}, {e.end})",
            pointer=at,
            hint=f"add an entity mention [{miss.start}, {miss.end}) {show(miss.text)} with label {e.label}, unless "
            "this occurrence means something else",
        )


@register("label-inconsistent", WARNING, ANNOTATION)
def label_inconsistent(ann: Annotation, ctx: Context):
    """In a layer that is no draft, the same string is annotated as entity mentions with different labels."""
    if ann.status == "draft":
        return  # unfinished: its labels may still change
    index, mentions = _labelled(ann)
    for x in inconsistent_labels(mentions):
        e, usual = mentions[x.mention], mentions[x.usual]
        counts = ", ".join(f"{lab} {n}" for lab, n in x.labels.items())
        yield Problem(
            "label-inconsistent",
            f"{show(e.text)} is annotated as {e.label} here and as {usual.label} at "
            f"{ctx.pointer('entities', index[x.usual])} [{usual.start}, {usual.end}); its mentions in this document: {counts}",
            pointer=ctx.pointer("entities", index[x.mention], "label"),
            hint="give every mention of the string the same label, unless they name different things",
        )
