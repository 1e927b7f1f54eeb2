"""The canonical form of a text together with an exact map of offsets into it.

`text.canonicalize` says what the canonical form is; this module also says where every
position of the original lands, so that spans made on a non-canonical text (a CRLF file, a
text with a BOM, an NFD text) move onto the canonical one without any guessing. NFC works
inside grapheme clusters (combining marks, Hangul jamo), so the text is normalised cluster by
cluster: a boundary between clusters maps exactly; a position inside a cluster that NFC
changes has no image and is reported.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from .text import BOM, canonicalize

_GRAPHEME = regex.compile(r"\X", regex.S)


class Unmappable(ValueError):
    """An offset that falls inside a character sequence the canonical form rewrites."""


@dataclass
class CanonicalMap:
    source: str
    text: str  # canonical form of source
    _table: list[int | None]  # source offset -> canonical offset (None: inside a rewritten cluster)

    def __call__(self, offset: int) -> int:
        if not 0 <= offset < len(self._table):
            raise Unmappable(f"offset {offset} is outside the text (0..{len(self.source)})")
        out = self._table[offset]
        if out is None:
            raise Unmappable(
                f"offset {offset} falls inside {self.source[max(0, offset - 1) : offset + 1]!a}, "
                "a sequence that canonical form (CRLF -> LF, NFC) rewrites as a whole"
            )
        return out


def canonical_map(source: str) -> CanonicalMap:
    """Canonical text of source and the offset map; raises ValueError if NFC cannot be mapped exactly."""
    table: list[int | None] = []
    out: list[str] = []
    n = 0
    i = 0
    if source.startswith(BOM):
        table.append(0)  # the BOM's start maps to the start of the text
        i = 1
    body = source[i:]
    for m in _GRAPHEME.finditer(body):
        cluster = m.group()
        if cluster == "\r\n":
            table += [n, None]
            out.append("\n")
            n += 1
            continue
        new = unicodedata.normalize("NFC", cluster.replace("\r\n", "\n").replace("\r", "\n"))
        if new == cluster:
            table += range(n, n + len(cluster))
        else:
            table += [n] + [None] * (len(cluster) - 1)
        out.append(new)
        n += len(new)
    table.append(n)
    text = "".join(out)
    if text != canonicalize(source):  # never expected: clusters are NFC-independent
        raise ValueError(
            "the text's canonical form cannot be computed cluster by cluster; offsets cannot be mapped exactly"
        )
    return CanonicalMap(source, text, table)
