"""Checks of one annotation file against its document's text."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from operator import itemgetter

from .. import schema, store
from ..findings import Finding, pointer
from ..report import ERROR, WARNING, show
from ..tokenize import is_boundary_in_run, token_at
from . import ANNOTATION, register

LAYERS = schema.layers()


@dataclass
class Context:
    stem: str                      # file stem (the document id the file claims to be)
    text: str | None               # canonical corpus text, None when missing or unreadable
    text_sha256: str | None        # sha256 of the corpus text bytes
    text_exists: bool = True
    annotator: str | None = None
    cache: dict = field(default_factory=dict)
    # True only when the file was proven valid against schema/annotation.schema.json (the
    # validator's fast path): then every item of every layer is a well-formed span (an object
    # with integer start and end and a string text), and checks may skip re-checking that.
    schema_valid: bool = False


def _is_offset(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_span(item) -> bool:
    # _is_offset inlined (this runs for every span of every file); for parsed JSON,
    # `type(v) is int` is exactly "an int and not a bool"
    if type(item) is not dict:
        return isinstance(item, dict) and _is_offset(item.get("start")) and _is_offset(item.get("end")) \
            and isinstance(item.get("text"), str)
    return (type(item.get("start")) is int and type(item.get("end")) is int and type(item.get("text")) is str) \
        or (_is_offset(item.get("start")) and _is_offset(item.get("end")) and isinstance(item.get("text"), str))


def _layer(ann: dict, ctx: Context, name: str) -> list:
    """(index, item) for the well-formed spans of a layer, computed once per file (several checks
    walk the same layers); malformed items are the schema's finding."""
    key = "layer:" + name
    got = ctx.cache.get(key)
    if got is None:
        items = ann.get(name)
        if ctx.schema_valid:  # the schema requires the layer and makes every item a span
            got = ctx.cache[key] = list(enumerate(ann[name]))
        else:
            got = ctx.cache[key] = [(i, x) for i, x in enumerate(items) if _is_span(x)] if isinstance(items, list) else []
    return got


def _spans(ann: dict, ctx: Context) -> list:
    """(layer, index, attribution key or None, span) for every span of the file, attribution
    sources and cues included; computed once per file.

    The pointer is built only for a span with a finding (see _span_pointer): building one per
    span was a good part of the checks' time, and most spans have none.
    """
    got = ctx.cache.get("spans")
    if got is None:
        got = ctx.cache["spans"] = []
        for name in LAYERS:
            if name != "claims":  # only claims hold spans of their own
                got += [(name, i, None, item) for i, item in _layer(ann, ctx, name)]
                continue
            for i, item in _layer(ann, ctx, name):
                got.append((name, i, None, item))
                if isinstance(item.get("attribution"), dict):
                    for key in ("source_span", "cue"):
                        sub = item["attribution"].get(key)
                        # valid against the schema, a source_span or cue that is there is a span
                        if (sub is not None) if ctx.schema_valid else _is_span(sub):
                            got.append((name, i, key, sub))
    return got


def _span_ids(ann: dict, ctx: Context) -> dict:
    """id -> layer name for the spans of the file that have a string id (the last span's layer
    when an id repeats); computed once per file for id-duplicate and reference-unresolved."""
    got = ctx.cache.get("span_ids")
    if got is None and ctx.schema_valid:  # every span has a string id
        got = ctx.cache["span_ids"] = {item["id"]: name for name in LAYERS for _, item in _layer(ann, ctx, name)}
    elif got is None:
        got = ctx.cache["span_ids"] = {}
        for name in LAYERS:
            for _, item in _layer(ann, ctx, name):
                if isinstance(item.get("id"), str):
                    got[item["id"]] = name
    return got


def _all_quoted(ann: dict, ctx: Context) -> bool:
    """Whether every span lies in the text (0 <= start < end <= its length) and its quote is the
    text at its offsets, as in almost every file; once per file. Then span-offsets and
    span-text-mismatch have nothing to report, and token-boundary needs no comparison of its own."""
    got = ctx.cache.get("all_quoted")
    if got is None:
        text = ctx.text
        assert text is not None  # the checks that ask have a text
        n = len(text)
        got = True
        for _, _, _, s in _spans(ann, ctx):
            start, end = s["start"], s["end"]
            if not 0 <= start < end <= n or text[start:end] != s["text"]:
                got = False
                break
        ctx.cache["all_quoted"] = got
    return got


def _span_pointer(name: str, i: int, key: str | None) -> str:
    """The JSON pointer of a span of _spans(). Layer names and keys need no escaping."""
    return f"/{name}/{i}" if key is None else f"/{name}/{i}/attribution/{key}"


def _in_range(span, text) -> bool:
    return 0 <= span["start"] < span["end"] <= len(text)


@register("span-offsets", ERROR, ANNOTATION,
          "A span's offsets are out of range: start must be below end, and end at most the text's length.")
def span_offsets(ann, ctx: Context):
    if ctx.text is None:
        return
    if _all_quoted(ann, ctx):
        return
    n = len(ctx.text)
    for name, i, key, s in _spans(ann, ctx):
        if s["start"] >= s["end"]:
            yield Finding("span-offsets", f"start {s['start']} is not below end {s['end']}; a span holds at least one character",
                          pointer=_span_pointer(name, i, key), hint="set end to start + the length of the quote")
        elif s["end"] > n:
            at = _fixable(ann, ctx, s)
            yield Finding("span-offsets", f"end {s['end']} is past the end of the text ({n} code points)",
                          pointer=_span_pointer(name, i, key),
                          hint=_fix_hint(at, s["text"]) if at is not None else
                          "offsets count Unicode code points; if the tool counted UTF-16 units or bytes, re-import with --offsets")


def nearest(text: str, quote: str, near: int) -> int | None:
    """Start of the occurrence of quote in text nearest to offset near (the earlier on a tie), or None."""
    near = max(0, min(near, len(text)))
    before = text.rfind(quote, 0, near + len(quote))
    after = text.find(quote, near + 1)
    if before < 0:
        return after if after >= 0 else None
    if after < 0 or near - before <= after - near:
        return before
    return after


# How far around a span's offsets `newsspan validate --fix` looks for its quote.
FIX_WINDOW = 64


def quote_nearby(text: str, quote: str, start: int, end: int) -> int | None:
    """Start of the one occurrence of quote within FIX_WINDOW code points of [start, end), or
    None when it occurs there not at all or more than once (then only a person can tell which
    is meant). The rule of the safe fix, `newsspan validate --fix` (newsspan.fix)."""
    if not quote:
        return None
    lo = max(0, min(start, end) - FIX_WINDOW)
    hi = min(len(text), max(start, end) + FIX_WINDOW)
    first = text.find(quote, lo, hi)
    if first < 0 or text.find(quote, first + 1, hi) >= 0:
        return None
    return first


def _fixable(ann: dict, ctx: Context, s: dict) -> int | None:
    """Where --fix would move a span (see quote_nearby); None when it would not. Only for a file
    made on this very text: after a text correction, `newsspan reanchor` is the fix."""
    if ann.get("text_sha256") != ctx.text_sha256 or ctx.text is None:
        return None
    return quote_nearby(ctx.text, s["text"], s["start"], s["end"])


def _fix_hint(at: int, quote: str) -> str:
    return f"run `newsspan validate --fix`, which moves the span onto its quote at [{at}, {at + len(quote)})"


# Code points searched per file to locate misplaced quotes; a hostile file with 100,000 stale
# spans over a long text would otherwise take 100,000 full-text searches.
SEARCH_BUDGET = 50_000_000


@register("span-text-mismatch", ERROR, ANNOTATION,
          "A span's stored quote differs from the text at its offsets (a shifted or stale span).")
def span_text_mismatch(ann, ctx: Context):
    text = ctx.text
    if text is None or _all_quoted(ann, ctx):
        return
    n = len(text)
    for name, i, key, s in _spans(ann, ctx):
        start, end = s["start"], s["end"]
        if not 0 <= start < end <= n:
            continue
        found = text[start:end]
        if found == s["text"]:
            continue
        budget = ctx.cache.get("search_budget", SEARCH_BUDGET)
        if budget <= 0:
            where = "the quote was not searched for (too many mismatched spans in this file)"
        else:
            ctx.cache["search_budget"] = budget - len(text)
            at = nearest(text, s["text"], s["start"]) if s["text"] else None
            where = (f"the quote occurs at [{at}, {at + len(s['text'])}) (shift {at - s['start']:+d})"
                     if at is not None else "the quote does not occur in the text")
        fix = _fixable(ann, ctx, s)
        yield Finding("span-text-mismatch",
                      f"expected text[{s['start']}:{s['end']}] to be {show(s['text'])}, found {show(found)}; {where}",
                      pointer=_span_pointer(name, i, key) + "/text",
                      hint=_fix_hint(fix, s["text"]) if fix is not None else
                      "fix the offsets, or run `newsspan reanchor` after a text correction")


@register("span-whitespace", ERROR, ANNOTATION,
          "A span begins or ends with whitespace (token views and tools disagree on such spans).")
def span_whitespace(ann, ctx: Context):
    for name, i, key, s in _spans(ann, ctx):
        q = s["text"]
        if q and (q[0].isspace() or q[-1].isspace()):
            yield Finding("span-whitespace", f"the span {show(q)} begins or ends with whitespace",
                          pointer=_span_pointer(name, i, key), hint="move start and end inwards to the first and last non-space character")


@register("id-duplicate", ERROR, ANNOTATION, "Two spans of one file share an id (ids are unique across all layers).")
def id_duplicate(ann, ctx: Context):
    if ctx.schema_valid and len(_span_ids(ann, ctx)) == sum(len(_layer(ann, ctx, name)) for name in LAYERS):
        # valid against the schema, every item of every layer is a span with a string id: as
        # many distinct ids as items means that no id repeats
        return
    seen: dict[str, tuple[str, int]] = {}  # id -> (layer, index) where it first stands
    for name in LAYERS:
        items = ann.get(name)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                sid = item["id"]
                if sid in seen:
                    yield Finding("id-duplicate", f"id {show(sid)} is already used at {pointer(*seen[sid])}",
                                  pointer=pointer(name, i, "id"), hint="give every span its own id")
                else:
                    seen[sid] = (name, i)


@register("reference-unresolved", ERROR, ANNOTATION,
          "A claim's attribution.source names no entity mention of the same file.")
def reference_unresolved(ann, ctx: Context):
    ids = _span_ids(ann, ctx)
    for i, c in _layer(ann, ctx, "claims"):
        attr = c.get("attribution")
        if not isinstance(attr, dict) or not isinstance(attr.get("source"), str):
            continue
        src = attr["source"]
        if ids.get(src) == "entities":
            continue
        found = f"it names a span of {ids[src]}" if src in ids else "no span has that id"
        yield Finding("reference-unresolved", f"attribution.source {show(src)} must be the id of an entity mention; {found}",
                      pointer=pointer("claims", i, "attribution", "source"),
                      hint="use the id of the source's entity mention, or attribution.source_span for a source that is no named entity")


def _overlaps(ann, ctx, name, check_id, what):
    # decorated rather than sorted with a key function: the same order (ties by position), less work
    spans = [(s["start"], s["end"], i, s) for i, s in _layer(ann, ctx, name)]
    spans.sort()
    prev = prev_end = None
    for start, end, i, s in spans:
        if prev is not None and start < prev_end:
            pi, p = prev
            yield Finding(check_id,
                          f"{what} [{s['start']}, {s['end']}) {show(s['text'], 40)} overlaps {pointer(name, pi)} [{p['start']}, {p['end']}) {show(p['text'], 40)}",
                          pointer=pointer(name, i), hint=f"{what}s may not overlap: shorten one of them or remove it")
        if prev is None or end > prev_end:
            prev, prev_end = (i, s), end


@register("section-overlap", ERROR, ANNOTATION, "Two sections overlap.")
def section_overlap(ann, ctx):
    yield from _overlaps(ann, ctx, "sections", "section-overlap", "section")


@register("entity-overlap", ERROR, ANNOTATION, "Two entity mentions overlap (token views need disjoint mentions).")
def entity_overlap(ann, ctx):
    yield from _overlaps(ann, ctx, "entities", "entity-overlap", "entity mention")


@register("claim-overlap", ERROR, ANNOTATION, "Two claims overlap (the claim token view tags them B-CLAIM/I-CLAIM).")
def claim_overlap(ann, ctx):
    yield from _overlaps(ann, ctx, "claims", "claim-overlap", "claim")


@register("section-order", ERROR, ANNOTATION, "Sections are not listed in document order.")
def section_order(ann, ctx):
    prev = None
    for i, s in _layer(ann, ctx, "sections"):
        if prev is not None and (s["start"], s["end"]) < (prev["start"], prev["end"]):
            yield Finding("section-order", f"section starts at {s['start']}, before the previous one (at {prev['start']})",
                          pointer=pointer("sections", i), hint="list sections in the order of their start offsets")
        prev = s


@register("section-gap", WARNING, ANNOTATION,
          "Non-whitespace text is covered by no section (sections are meant to cover the whole text).")
def section_gap(ann, ctx: Context):
    text = ctx.text
    if text is None or not isinstance(ann.get("sections"), list):
        return  # a missing sections layer is the schema's finding, not a gap
    spans = sorted((s["start"], s["end"]) for _, s in _layer(ann, ctx, "sections"))
    pos = 0
    gaps = []
    for start, end in spans + [(len(text), len(text))]:
        if start > pos and text[pos:start].strip():
            seg = text[pos:start]
            lead = len(seg) - len(seg.lstrip())
            gaps.append((pos + lead, pos + len(seg.rstrip())))
        pos = max(pos, end)
    for a, b in gaps:
        yield Finding("section-gap", f"text [{a}, {b}) {show(text[a:b], 50)} is in no section",
                      pointer="/sections", hint="add a section for it (label `other` or `boilerplate` if nothing fits)")


@register("cluster-label-mixed", WARNING, ANNOTATION,
          "Mentions of one cluster carry different entity labels or different kb_id values.")
def cluster_label_mixed(ann, ctx):
    first = {}
    for i, e in _layer(ann, ctx, "entities"):
        c = e.get("cluster")
        if not isinstance(c, str):
            continue
        if c not in first:
            first[c] = (i, e)
            continue
        j, f = first[c]
        for key in ("label", "kb_id"):
            if e.get(key) is not None and f.get(key) is not None and e.get(key) != f.get(key):
                yield Finding("cluster-label-mixed",
                              f"cluster {show(c)}: {key} {show(e.get(key))} differs from {show(f.get(key))} at {pointer('entities', j)}",
                              pointer=pointer("entities", i, key),
                              hint="mentions of one real-world entity share label and kb_id; split the cluster if they differ")


_OFFSETS = itemgetter(0, 1)


@register("span-outside-section", ERROR, ANNOTATION,
          "An entity mention or claim lies in no section or crosses a section's end (token views hold one row per section).")
def span_outside_section(ann, ctx: Context):
    # sorted by offsets only: ids are the schema's business and may be of any type here
    sections = sorted([(s["start"], s["end"], s.get("id")) for _, s in _layer(ann, ctx, "sections")], key=_OFFSETS)
    if not sections:
        return  # section-gap reports a text without sections
    starts = [s[0] for s in sections]
    for name in ("entities", "claims"):
        for i, s in _layer(ann, ctx, name):
            k = bisect.bisect_right(starts, s["start"]) - 1
            if k >= 0 and s["end"] <= sections[k][1]:
                continue
            sec = sections[k] if k >= 0 and s["start"] < sections[k][1] else None
            where = (f"crosses the end of section {show(sec[2])} [{sec[0]}, {sec[1]})" if sec else "lies in no section")
            yield Finding("span-outside-section", f"{show(s['text'], 40)} [{s['start']}, {s['end']}) {where}",
                          pointer=pointer(name, i),
                          hint="add or widen the section that holds the span, or shorten the span to end inside it")


@register("token-boundary", ERROR, ANNOTATION,
          "An entity or claim boundary falls inside a token of the token views (its IOB2 tags would shift).")
def token_boundary(ann, ctx: Context):
    text = ctx.text
    if text is None:
        return
    n = len(text)
    quoted = _all_quoted(ann, ctx)
    for name in ("entities", "claims"):
        for i, s in _layer(ann, ctx, name):
            start, end = s["start"], s["end"]
            if not quoted and (not 0 <= start < end <= n or text[start:end] != s["text"]):
                continue  # a shifted span is reported once, by span-text-mismatch
            # is_boundary()'s common case inlined: most boundaries touch whitespace (or the text's
            # ends; 0 <= start < end <= n, so only start can be at 0 and only end at n), most
            # often on their outer side, which is tested first
            if start and not text[start - 1].isspace() and not text[start].isspace() and not is_boundary_in_run(text, start):
                yield _inside_token(text, s, name, i, "start", start)
            if end < n and not text[end].isspace() and not text[end - 1].isspace() and not is_boundary_in_run(text, end):
                yield _inside_token(text, s, name, i, "end", end)


def _inside_token(text: str, s: dict, name: str, i: int, side: str, pos: int) -> Finding:
    tok = token_at(text, pos)
    inside = f"inside the token {show(tok.text)} [{tok.start}, {tok.end})" if tok else "inside a token"
    return Finding("token-boundary", f"{show(s['text'], 40)} has its {side} at {pos}, {inside}",
                   pointer=pointer(name, i, side),
                   hint="move the boundary to a token boundary (whole words; punctuation and possessives are separate tokens)")


@register("text-hash-mismatch", ERROR, ANNOTATION,
          "The annotation's text_sha256 differs from the corpus text it annotates (the text changed since).")
def text_hash_mismatch(ann, ctx: Context):
    h = ann.get("text_sha256")
    if ctx.text_sha256 is None or not isinstance(h, str) or h == ctx.text_sha256:
        return
    yield Finding("text-hash-mismatch", f"text_sha256 is {h[:12]}…, but the corpus text's is {ctx.text_sha256[:12]}…",
                  pointer="/text_sha256",
                  hint=f"run `newsspan reanchor {ctx.stem}` to move the spans onto the current text")


@register("document-id-mismatch", ERROR, ANNOTATION, "An annotation's document_id differs from its file name.")
def document_id_mismatch(ann, ctx: Context):
    d = ann.get("document_id")
    if isinstance(d, str) and d != ctx.stem:
        yield Finding("document-id-mismatch", f"document_id is {show(d)}, but the file is named {show(ctx.stem + '.json')}",
                      pointer="/document_id", hint="name the file <document_id>.json, or correct document_id")


@register("document-missing", ERROR, ANNOTATION, "An annotation file names a document that is not in corpus/.")
def document_missing(ann, ctx: Context):
    if not ctx.text_exists and store.is_valid_id(ctx.stem):
        yield Finding("document-missing", f"there is no corpus/{ctx.stem}.txt for this annotation",
                      hint="add the article with `newsspan add`, or rename the file after an existing document")
