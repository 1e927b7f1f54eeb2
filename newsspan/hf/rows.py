"""The rows of each config, computed from one released document (pure functions).

Token views (``entities``, ``claims``) have one row per section. A span whose boundary falls
inside a token, or that lies outside every section, cannot be tagged faithfully: it becomes a
:class:`BuildProblem` naming the span, and the build is refused rather than shifting a tag.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..model import Claim, Document, Entity, Section, Span
from ..tokenize import Misaligned, Token, section_tokens, tag

TOKEN_CONFIGS = ("entities", "claims")


@dataclass(frozen=True)
class BuildProblem:
    document_id: str
    check: str  # token-boundary | span-outside-section
    layer: str  # entities | claims
    span_id: str
    message: str
    hint: str


class BuildError(Exception):
    """The corpus cannot be built: validation errors (``report``) or build problems (``problems``)."""

    def __init__(self, message: str, problems: list[BuildProblem] | None = None, report=None):
        super().__init__(message)
        self.problems = problems or []
        self.report = report


@dataclass
class SectionView:
    section: Section
    tokens: list[Token]
    entities: list[Entity]
    ner_tags: list[str]
    claims: list[Claim]
    claim_tags: list[str]


def _what(layer: str, span) -> str:
    return f"{'entity' if layer == 'entities' else 'claim'} {span.id} {span.text!r} [{span.start}, {span.end})"


def _place(doc: Document, layer: str, problems: list[BuildProblem]) -> list[list]:
    """The spans of a layer, grouped by the section that holds them (problems for the others)."""
    sections = doc.sections
    starts = [s.start for s in sections]
    groups: list[list] = [[] for _ in sections]
    for span in doc.layer(layer):
        k = bisect.bisect_right(starts, span.start) - 1
        if k >= 0 and span.end <= sections[k].end:
            groups[k].append(span)
            continue
        sec = sections[k] if k >= 0 and span.start < sections[k].end else None
        where = f"crosses the end of section {sec.id} [{sec.start}, {sec.end})" if sec else "lies in no section"
        problems.append(
            BuildProblem(
                doc.id,
                "span-outside-section",
                layer,
                span.id,
                f"{_what(layer, span)} {where}",
                "token views hold one row per section: add or widen the section that holds the span",
            )
        )
    return groups


def _tags(
    doc: Document, layer: str, tokens: list[Token] | None, section: Section, spans: list, problems: list[BuildProblem]
) -> tuple[list[Token], list[str]]:
    """The section's tokens (tokenised now unless given) and the layer's IOB2 tags over them."""
    tokens = section_tokens(doc.text, section.start, section.end) if tokens is None else tokens
    try:
        return tokens, tag(tokens, spans)
    except Misaligned as m:
        span = spans[m.span_index]
        problems.append(
            BuildProblem(
                doc.id,
                "token-boundary",
                layer,
                span.id,
                f"{_what(layer, span)} {m}",
                "move the boundary to a token boundary; if the tokeniser should split "
                "there, report it as a newsspan bug",
            )
        )
    return tokens, ["O"] * len(tokens)


def section_views(doc: Document) -> tuple[list[SectionView], list[BuildProblem]]:
    """Every section of a document, tokenised and tagged for entities and claims."""
    problems: list[BuildProblem] = []
    ent_groups = _place(doc, "entities", problems)
    claim_groups = _place(doc, "claims", problems)
    views = []
    for sec, ents, claims in zip(doc.sections, ent_groups, claim_groups, strict=True):
        tokens, ner = _tags(doc, "entities", None, sec, ents, problems)
        _, ctags = _tags(doc, "claims", tokens, sec, claims, problems)
        views.append(SectionView(sec, tokens, ents, ner, claims, ctags))
    return views, problems


# records: the span columns, every field present (None where a span has none) ------------------


def _bare(span: Span | None) -> dict | None:
    return None if span is None else span.to_json()


def entity_record(e: Entity) -> dict:
    return {
        "id": e.id,
        "label": e.label,
        "start": e.start,
        "end": e.end,
        "text": e.text,
        "kb_id": e.kb_id,
        "cluster": e.cluster,
    }


def claim_record(c: Claim) -> dict:
    a = c.attribution
    return {
        "id": c.id,
        "start": c.start,
        "end": c.end,
        "text": c.text,
        "checkworthy": c.checkworthy,
        "attribution": {"type": a.type, "source": a.source, "source_span": _bare(a.source_span), "cue": _bare(a.cue)},
    }


# rows per config --------------------------------------------------------------------------------


def document_row(doc: Document, meta_columns) -> dict:
    annotated = doc.status is not None
    row: dict[str, object] = {"id": doc.id, "text": doc.text}
    row.update({name: doc.meta.get(name) for name in meta_columns})
    row.update(
        {
            "status": doc.status,
            "annotators": list(doc.annotators) if annotated else None,
            "guidelines_version": doc.guidelines_version,
            "sections": [s.to_json() for s in doc.sections],
            "entities": [entity_record(e) for e in doc.entities],
            "claims": [claim_record(c) for c in doc.claims],
        }
    )
    return row


def sections_row(doc: Document) -> dict:
    secs = doc.sections
    return {
        "id": doc.id,
        "language": doc.language,
        "section_ids": [s.id for s in secs],
        "labels": [s.label for s in secs],
        "starts": [s.start for s in secs],
        "ends": [s.end for s in secs],
        "texts": [s.text for s in secs],
    }


def token_row(doc: Document, view: SectionView, config: str) -> dict:
    sec = view.section
    row = {
        "id": f"{doc.id}:{sec.id}",
        "document_id": doc.id,
        "section": sec.label,
        "section_id": sec.id,
        "tokens": [t.text for t in view.tokens],
        "token_starts": [t.start for t in view.tokens],
        "token_ends": [t.end for t in view.tokens],
    }
    if config == "entities":
        row["ner_tags"] = view.ner_tags
    else:
        row["claim_tags"] = view.claim_tags
        row["claims"] = [claim_record(c) for c in view.claims]
    return row


def rows(doc: Document, config: str, meta_columns=()) -> list[dict]:
    """The rows of one document (a :class:`newsspan.Document`) in a config; BuildError if a span cannot be tagged."""
    if config == "documents":
        return [document_row(doc, meta_columns)]
    if config == "sections":
        return [sections_row(doc)]
    views, problems = section_views(doc)
    if problems:
        raise BuildError(f"{doc.id}: {len(problems)} spans cannot be tagged", problems)
    return [token_row(doc, v, config) for v in views]
