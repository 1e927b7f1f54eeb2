"""CoNLL NER export: ``TOKEN<TAB>NER_TAG`` lines (IOB2 tags from the schema), a blank line
after each section, ``-DOCSTART-`` before each document. Loads with ``datasets``' ``conll``
builder: ``load_dataset("conll", data_files=..., column_names=["tokens", "ner_tags"])``.
Tokens never cross an entity boundary: the text is cut at entity edges before tokenizing.
"""

from __future__ import annotations

import re

from ..tokenize import token_offsets as tokenize

DOCSTART = "-DOCSTART-"


def blocks(text: str, ann: dict) -> list[tuple[int, int]]:
    """The rows of a document: its sections, or its paragraphs when it has none."""
    secs = [(s["start"], s["end"]) for s in sorted(ann.get("sections", []), key=lambda s: s["start"])]
    if secs:
        return secs
    return [(m.start(), m.end()) for m in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*", text)]


def boundaries(text: str, ranges, ents) -> list[tuple[int, int]]:
    """Each range cut at the entity starts and ends inside it."""
    cuts = sorted({p for e in ents for p in (e["start"], e["end"])})
    out = []
    for a, b in ranges:
        points = [a] + [p for p in cuts if a < p < b] + [b]
        out += list(zip(points, points[1:]))
    return out


def tag_tokens(text: str, ann: dict, a: int, b: int) -> list[tuple[str, str, int, int]]:
    ents = sorted(ann.get("entities", []), key=lambda e: e["start"])
    out = []
    for s, e in boundaries(text, [(a, b)], ents):
        for ts, te in tokenize(text, s, e):
            tag = "O"
            for ent in ents:
                if ent["start"] <= ts < ent["end"]:
                    tag = ("B-" if ts == ent["start"] else "I-") + ent["label"]
                    break
            out.append((text[ts:te], tag, ts, te))
    return out


def export(docs) -> dict[str, bytes]:
    lines = []
    for doc_id, text, ann in docs:
        lines += [f"{DOCSTART}\tO", ""]
        for a, b in blocks(text, ann):
            rows = tag_tokens(text, ann, a, b)
            if rows:
                lines += [f"{tok}\t{tag}" for tok, tag, _, _ in rows] + [""]
    return {"": ("\n".join(lines) + "\n").encode("utf-8")}
