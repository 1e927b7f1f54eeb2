"""CoNLL NER export: ``TOKEN<TAB>NER_TAG`` lines, a blank line after each section (its rows exactly those of
the ``entities`` config), ``-DOCSTART-`` before each document. ``datasets``' ``conll`` builder loads it."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Document
from ..tokenize import Misaligned, Token
from .tool import FormatError

DOCSTART = "-DOCSTART-"


def section_rows(doc: Document) -> list[tuple[list[Token], list[str]]]:
    """(tokens, IOB2 entity tags) of each section; FormatError for an entity outside every section or in a token."""
    try:
        rows = [doc.iob("entities", sec) for sec in doc.sections]
    except Misaligned as m:
        raise FormatError(f"{doc.id}: entity {m}") from None
    for e in doc.entities:
        if not any(sec.start <= e.start and e.end <= sec.end for sec in doc.sections):
            raise FormatError(
                f"{doc.id}: entity {e.id} {e.text!r} [{e.start}, {e.end}) lies in no section "
                "(token rows are sections); add or widen the section that holds it"
            )
    return rows


def export(docs: Iterable[Document]) -> dict[str, bytes]:
    lines = []
    for doc in docs:
        lines += [f"{DOCSTART}\tO", ""]
        for tokens, tags in section_rows(doc):
            if tokens:
                lines += [f"{t.text}\t{tag}" for t, tag in zip(tokens, tags, strict=True)] + [""]
    return {"": ("\n".join(lines) + "\n").encode("utf-8")}
