"""The rows of each config, computed from one released document (pure functions).

Token views (``entities``, ``claims``) have one row per section. A span whose boundary falls
inside a token, or that lies outside every section, cannot be tagged faithfully: it becomes a
:class:`BuildProblem` naming the span, and the build is refused rather than shifting a tag.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .selection import Document
from ..tokenize import Token, tag_spans

TOKEN_CONFIGS = ("entities", "claims")


@dataclass(frozen=True)
class BuildProblem:
    document_id: str
    check: str  # token-boundary | span-outside-section
    layer: str  # entities | claims
    index: int  # position of the span in the annotation file's layer
    message: str
    hint: str

    @property
    def pointer(self) -> str:
        return f"/{self.layer}/{self.index}"


class BuildError(Exception):
    """The corpus cannot be built: validation errors (``report``) or build problems (``problems``)."""

    def __init__(self, message: str, problems: list[BuildProblem] | None = None, report=None):
        super().__init__(message)
        self.problems = problems or []
        self.report = report


@dataclass
class SectionView:
    section: dict
    tokens: list[Token]
    entities: list[dict]
    ner_tags: list[str]
    claims: list[dict]
    claim_tags: list[str]


def _by_start(spans: list[dict]) -> list[tuple[int, dict]]:
    """(index in the file, span) sorted by offsets: the order of entities and claims carries no meaning."""
    return sorted(enumerate(spans), key=lambda p: (p[1]["start"], p[1]["end"], p[1]["id"]))


def _place(doc: Document, layer: str, sections: list[dict], problems: list[BuildProblem]) -> list[list[tuple[int, dict]]]:
    """The spans of a layer, grouped by the section that holds them (problems for the others)."""
    starts = [s["start"] for s in sections]
    groups: list[list[tuple[int, dict]]] = [[] for _ in sections]
    what = layer[:-1] if layer == "entities" else "claim"
    for i, span in _by_start(doc.layer(layer)):
        k = bisect.bisect_right(starts, span["start"]) - 1
        if k >= 0 and span["end"] <= sections[k]["end"]:
            groups[k].append((i, span))
            continue
        sec = sections[k] if k >= 0 and span["start"] < sections[k]["end"] else None
        where = (f"crosses the end of section {sec['id']} [{sec['start']}, {sec['end']})" if sec
                 else "lies in no section")
        problems.append(BuildProblem(doc.id, "span-outside-section", layer, i,
                                     f"{what} {span['id']} {span['text']!r} [{span['start']}, {span['end']}) {where}",
                                     "token views hold one row per section: add or widen the section that holds the span"))
    return groups


def _tags(doc: Document, layer: str, tokens: list[Token] | None, section: dict, spans: list[tuple[int, dict]], label,
          problems: list[BuildProblem]) -> tuple[list[Token], list[str]]:
    """The section's tokens (tokenised now unless given) and the layer's IOB2 tags over them."""
    what = "entity" if layer == "entities" else "claim"
    tokens, tags, misaligned = tag_spans(doc.text, section["start"], section["end"],
                                         [(s["start"], s["end"], label(s)) for _, s in spans], tokens)
    for m in misaligned:
        i, span = spans[m.span_index]
        problems.append(BuildProblem(doc.id, "token-boundary", layer, i,
                                     f"{what} {span['id']} {span['text']!r} [{span['start']}, {span['end']}) {m}",
                                     "move the boundary to a token boundary; if the tokeniser should split "
                                     "there, report it as a newsspan bug"))
    return tokens, tags


def section_views(doc: Document) -> tuple[list[SectionView], list[BuildProblem]]:
    """Every section of a document, tokenised and tagged for entities and claims."""
    problems: list[BuildProblem] = []
    sections = doc.layer("sections")
    ent_groups = _place(doc, "entities", sections, problems)
    claim_groups = _place(doc, "claims", sections, problems)
    views = []
    for sec, ents, claims in zip(sections, ent_groups, claim_groups):
        tokens, ner = _tags(doc, "entities", None, sec, ents, lambda s: s["label"], problems)
        _, ctags = _tags(doc, "claims", tokens, sec, claims, lambda s: "CLAIM", problems)
        views.append(SectionView(sec, tokens, [s for _, s in ents], ner, [s for _, s in claims], ctags))
    return views, problems


# records ----------------------------------------------------------------------------------------

def _bare(span: dict | None) -> dict | None:
    return None if span is None else {"start": span["start"], "end": span["end"], "text": span["text"]}


def section_record(s: dict) -> dict:
    return {"id": s["id"], "label": s["label"], "start": s["start"], "end": s["end"], "text": s["text"]}


def entity_record(e: dict) -> dict:
    return {"id": e["id"], "label": e["label"], "start": e["start"], "end": e["end"], "text": e["text"],
            "kb_id": e.get("kb_id"), "cluster": e.get("cluster")}


def claim_record(c: dict) -> dict:
    a = c["attribution"]
    return {"id": c["id"], "start": c["start"], "end": c["end"], "text": c["text"], "checkworthy": c["checkworthy"],
            "attribution": {"type": a["type"], "source": a.get("source"),
                            "source_span": _bare(a.get("source_span")), "cue": _bare(a.get("cue"))}}


# rows per config --------------------------------------------------------------------------------

def document_row(doc: Document, meta_columns) -> dict:
    ann = doc.annotation or {}
    row = {"id": doc.id, "text": doc.text}
    row.update({name: doc.meta.get(name) for name in meta_columns})
    row.update({
        "status": ann.get("status"), "annotators": ann.get("annotators"),
        "guidelines_version": ann.get("guidelines_version"),
        "sections": [section_record(s) for s in doc.layer("sections")],
        "entities": [entity_record(e) for _, e in _by_start(doc.layer("entities"))],
        "claims": [claim_record(c) for _, c in _by_start(doc.layer("claims"))],
    })
    return row


def sections_row(doc: Document) -> dict:
    secs = doc.layer("sections")
    return {"id": doc.id, "language": doc.meta.get("language"), "section_ids": [s["id"] for s in secs],
            "labels": [s["label"] for s in secs], "starts": [s["start"] for s in secs],
            "ends": [s["end"] for s in secs], "texts": [s["text"] for s in secs]}


def token_row(doc: Document, view: SectionView, config: str) -> dict:
    sec = view.section
    row = {"id": f"{doc.id}:{sec['id']}", "document_id": doc.id, "section": sec["label"], "section_id": sec["id"],
           "tokens": [t.text for t in view.tokens], "token_starts": [t.start for t in view.tokens],
           "token_ends": [t.end for t in view.tokens]}
    if config == "entities":
        row["ner_tags"] = view.ner_tags
    else:
        row["claim_tags"] = view.claim_tags
        row["claims"] = [claim_record(c) for c in view.claims]
    return row


def rows(doc: Document, config: str, meta_columns=()) -> list[dict]:
    """The rows of one document in a config; BuildError if a span cannot be tagged."""
    if config == "documents":
        return [document_row(doc, meta_columns)]
    if config == "sections":
        return [sections_row(doc)]
    views, problems = section_views(doc)
    if problems:
        raise BuildError(f"{doc.id}: {len(problems)} spans cannot be tagged", problems)
    return [token_row(doc, v, config) for v in views]
