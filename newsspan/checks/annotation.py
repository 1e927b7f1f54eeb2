"""Checks of one annotation file against its document's text: each takes the file's model (of a file that
failed its schema, the items well-formed enough to check: model.well_formed) and its :class:`Context`."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .. import store
from ..model import LAYERS, Annotation, AnySpan, Span
from ..report import ERROR, WARNING, Problem, pointer, show
from ..text import nearest, quote_nearby
from ..tokenize import is_boundary, token_at
from . import ANNOTATION, register


@dataclass(frozen=True)
class Context:
    """What the checks of an annotation file know besides its model. Build it with :meth:`of`."""

    stem: str  # the document id the file's name claims
    text: str | None  # the canonical corpus text; None when missing or unreadable
    text_sha256: str | None  # sha256 of the corpus text bytes
    text_exists: bool
    # per layer the file holds as a list, the index in the file of each item of the model's
    # layer (model.well_formed); None: the model holds every item of the file, in its place
    places: Mapping[str, Sequence[int]] | None
    # every span lies in the text and holds its quote, as in almost every file: four checks ask
    quoted: bool

    @classmethod
    def of(
        cls,
        ann: Annotation,
        places: Mapping[str, Sequence[int]] | None,
        stem: str,
        text: str | None,
        text_sha256: str | None,
        text_exists: bool = True,
    ) -> Context:
        return cls(stem, text, text_sha256, text_exists, places, text is not None and all_quoted(ann, text))

    def pointer(self, layer: str, k: int, *rest) -> str:
        """The JSON pointer of the model's item layer[k] as the file holds it, or of a part of it."""
        return pointer(layer, k if self.places is None else self.places[layer][k], *rest)


def section_name(ann: Annotation, ctx: Context, k: int) -> str:
    """How a message names the model's section k: its id, or where it is (a partial model's section has none)."""
    sid = ann.sections[k].id
    return show(sid) if sid is not None else "at " + ctx.pointer("sections", k)


def all_quoted(ann: Annotation, text: str) -> bool:
    """Whether every span lies in the text and holds its quote: then span-offsets and span-text-mismatch
    have nothing to report, and token-boundary needs no comparison of its own."""
    n = len(text)
    return all(0 <= s.start < s.end <= n and text[s.start : s.end] == s.text for _, s in ann.places())


@register("span-offsets", ERROR, ANNOTATION)
def span_offsets(ann: Annotation, ctx: Context):
    """A span's offsets are out of range: start must be below end, and end at most the text's length."""
    if ctx.text is None or ctx.quoted:
        return
    n = len(ctx.text)
    for place, s in ann.places():
        if s.start >= s.end:
            yield Problem(
                "span-offsets",
                f"start {s.start} is not below end {s.end}; a span holds at least one character",
                pointer=ctx.pointer(*place),
                hint="set end to start + the length of the quote",
            )
        elif s.end > n:
            units = (
                "offsets count Unicode code points; if the tool counted UTF-16 units or bytes, re-import with --offsets"
            )
            yield Problem(
                "span-offsets",
                f"end {s.end} is past the end of the text ({n} code points)",
                pointer=ctx.pointer(*place),
                hint=_fix_hint(ann, ctx, s, units),
            )


def _fix_hint(ann: Annotation, ctx: Context, s: Span | AnySpan, otherwise: str) -> str:
    """`validate --fix` where it would move the span, else otherwise (after a text correction, reanchor is the fix)."""
    if ctx.text is None or ann.text_sha256 != ctx.text_sha256:
        return otherwise
    at = quote_nearby(ctx.text, s.text, s.start, s.end)
    if at is None:
        return otherwise
    # --fix declines a move that would give the file an error: the hint must not send the user back to it
    end = at + len(s.text)
    declined = f"where --fix declines (the move would add an error, which it names), set start {at} and end {end} by hand and fix that error"
    return f"run `newsspan validate --fix`, which moves the span onto its quote at [{at}, {end}); {declined}"


# Code points searched per file to locate misplaced quotes; a hostile file with 100,000 stale
# spans over a long text would otherwise take 100,000 full-text searches.
SEARCH_BUDGET = 50_000_000


@register("span-text-mismatch", ERROR, ANNOTATION)
def span_text_mismatch(ann: Annotation, ctx: Context):
    """A span's stored quote differs from the text at its offsets (a shifted or stale span)."""
    text = ctx.text
    if text is None or ctx.quoted:
        return
    n = len(text)
    budget = SEARCH_BUDGET
    for place, s in ann.places():
        if not 0 <= s.start < s.end <= n:
            continue
        found = text[s.start : s.end]
        if found == s.text:
            continue
        if budget <= 0:
            where = "the quote was not searched for (too many mismatched spans in this file)"
        else:
            budget -= len(text)
            at = nearest(text, s.text, s.start) if s.text else None
            where = (
                f"the quote occurs at [{at}, {at + len(s.text)}) (shift {at - s.start:+d})"
                if at is not None
                else "the quote does not occur in the text"
            )
        yield Problem(
            "span-text-mismatch",
            f"expected text[{s.start}:{s.end}] to be {show(s.text)}, found {show(found)}; {where}",
            pointer=ctx.pointer(*place) + "/text",
            hint=_fix_hint(ann, ctx, s, "fix the offsets, or run `newsspan reanchor` after a text correction"),
        )


@register("span-whitespace", ERROR, ANNOTATION)
def span_whitespace(ann: Annotation, ctx: Context):
    """A span begins or ends with whitespace (token views and tools disagree on such spans)."""
    for place, s in ann.places():
        q = s.text
        if q != q.strip():  # (str.strip() strips what str.isspace() accepts)
            yield Problem(
                "span-whitespace",
                f"the span {show(q)} begins or ends with whitespace",
                pointer=ctx.pointer(*place),
                hint="move start and end inwards to the first and last non-space character",
            )


@register("id-duplicate", ERROR, ANNOTATION)
def id_duplicate(ann: Annotation, ctx: Context):
    """Two spans of one file share an id (ids are unique across all layers)."""
    ids = [item.id for name in LAYERS for item in ann.layer(name)]
    if len(set(ids)) == len(ids):
        return  # no id repeats, as in almost every file
    seen: dict[str, tuple[str, int]] = {}
    for name in LAYERS:
        for k, item in enumerate(ann.layer(name)):
            sid = item.id
            if sid is None:  # (a partial model's item without a string id)
                continue
            if sid in seen:
                yield Problem(
                    "id-duplicate",
                    f"id {show(sid)} is already used at {ctx.pointer(*seen[sid])}",
                    pointer=ctx.pointer(name, k, "id"),
                    hint="give every span its own id",
                )
            else:
                seen[sid] = (name, k)


@register("reference-unresolved", ERROR, ANNOTATION)
def reference_unresolved(ann: Annotation, ctx: Context):
    """A claim's attribution.source names no entity mention of the same file."""
    ids = None
    for k, c in enumerate(ann.claims):
        src = c.attribution.source
        if src is None:
            continue
        if ids is None:  # id -> layer (the last span's when an id repeats)
            ids = {item.id: name for name in LAYERS for item in ann.layer(name)}
        if ids.get(src) == "entities":
            continue
        found = f"it names a span of {ids[src]}" if src in ids else "no span has that id"
        yield Problem(
            "reference-unresolved",
            f"attribution.source {show(src)} must be the id of an entity mention; {found}",
            pointer=ctx.pointer("claims", k, "attribution", "source"),
            hint="use the id of the source's entity mention, or attribution.source_span for a source that is no named entity",
        )


def _no_overlap(name: str, check_id: str, what: str):
    """The check that no two spans of a layer overlap."""

    def check(ann: Annotation, ctx: Context):
        spans = sorted((s.start, s.end, k, s) for k, s in enumerate(ann.layer(name)))  # ties by place in the file
        prev = prev_end = None
        for start, end, k, s in spans:
            if prev is not None and start < prev_end:
                pk, p = prev
                yield Problem(
                    check_id,
                    f"{what} [{s.start}, {s.end}) {show(s.text, 40)} overlaps {ctx.pointer(name, pk)} [{p.start}, {p.end}) {show(p.text, 40)}",
                    pointer=ctx.pointer(name, k),
                    hint=f"{what}s may not overlap: shorten one of them or remove it",
                )
            if prev is None or end > prev_end:
                prev, prev_end = (k, s), end

    return check


for _name, _id, _what, _description in (
    ("sections", "section-overlap", "section", "Two sections overlap."),
    (
        "entities",
        "entity-overlap",
        "entity mention",
        "Two entity mentions overlap (token views need disjoint mentions).",
    ),
    ("claims", "claim-overlap", "claim", "Two claims overlap (the claim token view tags them B-CLAIM/I-CLAIM)."),
):
    register(_id, ERROR, ANNOTATION, _description)(_no_overlap(_name, _id, _what))


@register("section-order", ERROR, ANNOTATION)
def section_order(ann: Annotation, ctx: Context):
    """Sections are not listed in document order."""
    for k, (prev, s) in enumerate(itertools.pairwise(ann.sections), 1):
        if (s.start, s.end) < (prev.start, prev.end):
            yield Problem(
                "section-order",
                f"section starts at {s.start}, before the previous one (at {prev.start})",
                pointer=ctx.pointer("sections", k),
                hint="list sections in the order of their start offsets",
            )


@register("section-gap", WARNING, ANNOTATION)
def section_gap(ann: Annotation, ctx: Context):
    """Non-whitespace text is covered by no section (sections are meant to cover the whole text)."""
    text = ctx.text
    if text is None or (ctx.places is not None and "sections" not in ctx.places):
        return  # a missing sections layer is the schema's finding, not a gap
    pos = 0
    for start, end in sorted((s.start, s.end) for s in ann.sections) + [(len(text), len(text))]:
        seg = text[pos:start]
        if seg.strip():
            a, b = pos + len(seg) - len(seg.lstrip()), pos + len(seg.rstrip())
            yield Problem(
                "section-gap",
                f"text [{a}, {b}) {show(text[a:b], 50)} is in no section",
                pointer="/sections",
                hint="add a section for it (label `other` or `boilerplate` if nothing fits)",
            )
        pos = max(pos, end)


@register("cluster-label-mixed", WARNING, ANNOTATION)
def cluster_label_mixed(ann: Annotation, ctx: Context):
    """Mentions of one cluster carry different entity labels or different kb_id values."""
    first: dict[str, int] = {}
    for k, e in enumerate(ann.entities):
        c = e.cluster
        if c is None:
            continue
        j = first.setdefault(c, k)
        if j == k:  # the cluster's first mention
            continue
        f = ann.entities[j]
        for key, mine, theirs in (("label", e.label, f.label), ("kb_id", e.kb_id, f.kb_id)):
            if mine is not None and theirs is not None and mine != theirs:
                yield Problem(
                    "cluster-label-mixed",
                    f"cluster {show(c)}: {key} {show(mine)} differs from {show(theirs)} at {ctx.pointer('entities', j)}",
                    pointer=ctx.pointer("entities", k, key),
                    hint="mentions of one real-world entity share label and kb_id; split the cluster if they differ",
                )


@register("span-outside-section", ERROR, ANNOTATION)
def span_outside_section(ann: Annotation, ctx: Context):
    """An entity mention or claim lies in no section or crosses a section's end (token views hold one row per section)."""
    sections = sorted((s.start, s.end, k) for k, s in enumerate(ann.sections))
    if not sections:
        return  # section-gap reports a text without sections
    starts = [s[0] for s in sections]
    for name in ("entities", "claims"):
        for k, s in enumerate(ann.layer(name)):
            i = bisect.bisect_right(starts, s.start) - 1
            if i >= 0 and s.end <= sections[i][1]:
                continue
            sec = sections[i] if i >= 0 and s.start < sections[i][1] else None
            where = (
                f"crosses the end of section {section_name(ann, ctx, sec[2])} [{sec[0]}, {sec[1]})"
                if sec
                else "lies in no section"
            )
            yield Problem(
                "span-outside-section",
                f"{show(s.text, 40)} [{s.start}, {s.end}) {where}",
                pointer=ctx.pointer(name, k),
                hint="add or widen the section that holds the span, or shorten the span to end inside it",
            )


@register("token-boundary", ERROR, ANNOTATION)
def token_boundary(ann: Annotation, ctx: Context):
    """An entity or claim boundary falls inside a token of the token views (its IOB2 tags would shift)."""
    text = ctx.text
    if text is None:
        return
    n = len(text)
    for name in ("entities", "claims"):
        for k, s in enumerate(ann.layer(name)):
            start, end = s.start, s.end
            if not ctx.quoted and (not 0 <= start < end <= n or text[start:end] != s.text):
                continue  # a shifted span is reported once, by span-text-mismatch
            # is_boundary()'s common case inlined: most boundaries touch whitespace (or the text's
            # ends; 0 <= start < end <= n, so only start can be at 0 and only end at n), most
            # often on their outer side, which is tested first
            if start and not text[start - 1].isspace() and not text[start].isspace() and not is_boundary(text, start):
                yield _inside_token(text, s, ctx.pointer(name, k, "start"), "start", start)
            if end < n and not text[end].isspace() and not text[end - 1].isspace() and not is_boundary(text, end):
                yield _inside_token(text, s, ctx.pointer(name, k, "end"), "end", end)


def _inside_token(text: str, s: Span, at: str, side: str, pos: int) -> Problem:
    tok = token_at(text, pos)
    inside = f"inside the token {show(tok.text)} [{tok.start}, {tok.end})" if tok else "inside a token"
    return Problem(
        "token-boundary",
        f"{show(s.text, 40)} has its {side} at {pos}, {inside}",
        pointer=at,
        hint="move the boundary to a token boundary (whole words; punctuation and possessives are separate tokens)",
    )


@register("text-hash-mismatch", ERROR, ANNOTATION)
def text_hash_mismatch(ann: Annotation, ctx: Context):
    """The annotation's text_sha256 differs from the corpus text it annotates (the text changed since)."""
    h = ann.text_sha256
    if ctx.text_sha256 is None or h is None or h == ctx.text_sha256:
        return
    n = sum(len(ann.layer(name)) for name in LAYERS)
    yield Problem(
        "text-hash-mismatch",
        f"text_sha256 is {h[:12]}…, but the corpus text's is {ctx.text_sha256[:12]}…: the spans were made on "
        f"another version of the text (the checks of its {n} span{'s' * (n != 1)} wait until they are moved)",
        pointer="/text_sha256",
        hint=f"run `newsspan reanchor {ctx.stem}` to move the spans onto the current text; a span whose own first or "
        f"last word changed is listed, and `newsspan reanchor --drop-unplaced {ctx.stem}` removes it",
    )


@register("document-id-mismatch", ERROR, ANNOTATION)
def document_id_mismatch(ann: Annotation, ctx: Context):
    """An annotation's document_id differs from its file name."""
    d = ann.document_id
    if d is not None and d != ctx.stem:
        yield Problem(
            "document-id-mismatch",
            f"document_id is {show(d)}, but the file is named {show(ctx.stem + '.json')}",
            pointer="/document_id",
            hint="name the file <document_id>.json, or correct document_id",
        )


@register("document-missing", ERROR, ANNOTATION)
def document_missing(ann: Annotation, ctx: Context):
    """An annotation file names a document that is not in corpus/."""
    if not ctx.text_exists and store.is_valid_id(ctx.stem):
        yield Problem(
            "document-missing",
            f"there is no corpus/{ctx.stem}.txt for this annotation",
            hint="add the article with `newsspan add`, or rename the file after an existing document",
        )
