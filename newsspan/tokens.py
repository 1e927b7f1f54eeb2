"""A small tokenizer that keeps code-point offsets, for the CoNLL and Prodigy exports.

Contract (shared with the Hugging Face token views, which should be unified with this one):
``tokenize(text, start=0, end=None) -> [(start, end), ...]``, code-point offsets into text.
Whitespace separates tokens; punctuation is split off; possessives "’s"/"'s" are their own
token; hyphenated compounds are split at the hyphen ("U.S.-China" -> "U.S.", "-", "China");
abbreviations with inner dots ("U.S.", "e.g.") stay whole; CJK characters are one token each.
"""

from __future__ import annotations

import regex

_TOKEN = regex.compile(
    r"""
      (?:\p{L}\.){2,}                                   # abbreviations: U.S. e.g. U.K.
    | [\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]        # CJK: one character per token
    | [’']s\b                                           # possessive
    | \d+(?:[.,:]\d+)*                                  # numbers: 1,000 3.5 2:49
    | [\p{L}\p{M}\p{N}_]+                               # words (a possessive is split off)
      (?:[’'](?!s\b)[\p{L}\p{M}\p{N}]+)*                #   with inner apostrophes: don't, l'État
    | \X                                                # anything else: one grapheme
    """,
    regex.X | regex.V1,
)
_NON_SPACE = regex.compile(r"[^\s]+")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Token offsets in text[start:end] (code points into text)."""
    end = len(text) if end is None else end
    out = []
    for m in _TOKEN.finditer(text, start, end):
        tok = m.group()
        if not any(c.isspace() for c in tok):
            out.append((m.start(), m.end()))
        else:  # a grapheme such as space + combining mark: keep only its non-space runs
            out += [(m.start() + r.start(), m.start() + r.end()) for r in _NON_SPACE.finditer(tok)]
    return out
