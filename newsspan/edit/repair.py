"""Repairs of spans that no longer fit their text: `newsspan canonicalize` (spans mapped exactly through
canonicalisation), `reanchor` (onto a corrected text, by a token alignment with the old text the quotes rebuild)
and `validate --fix` (onto the quote nearby). Per document every span is placed, or nothing is written."""

from __future__ import annotations

import difflib
import json
from dataclasses import replace
from itertools import groupby
from pathlib import Path

from .. import store
from ..checks.run import check_annotation_model
from ..corpus import load_annotation, load_json
from ..model import Annotation, Claim, Section, dump_json
from ..report import ERROR, Problem, show
from ..text import (
    CanonicalMap,
    DecodeError,
    Unmappable,
    canonical_map,
    canonicalize,
    decode,
    is_canonical,
    quote_nearby,
    sha256,
)
from ..tokenize import tokenize
from ..validator import stem_of
from .plan import Plan

CONTEXT = 32  # characters of prefix and suffix compared when a quote is placed by its context
GONE = "in the corrected text, and it is never moved onto another occurrence of its quote"


def _ids(root: store.Root, ids: list[str] | None) -> list[str]:
    if not ids:
        return [s for s in root.text_stems() if store.is_valid_id(s)]
    unknown = [f"{i} (no corpus/{i}.txt)" for i in ids if not store.is_valid_id(i) or not root.text_path(i).exists()]
    if unknown:  # an ID that names nothing is a usage error (exit 2), never "nothing to do"
        raise store.StoreError(f"no such document{'s' * (len(unknown) > 1)} in {root.path}: {', '.join(unknown)}")
    return list(dict.fromkeys(ids))


def _annotation(plan: Plan, root: store.Root, path: Path) -> Annotation | None:
    try:
        return load_annotation(root, path)
    except ValueError as e:
        plan.error(root.rel(path), str(e))
        return None


def _all_placed(plan: Plan, rel: str, unplaced: list, hint: str | None = None) -> bool:
    for ptr, s, why in unplaced:
        message = f"[{s.start}, {s.end}) {s.text[:60]!r}: {why}"
        plan.add([Problem(plan.check, message, pointer=ptr, path=rel, hint=hint)])
    return not unplaced


def _document(plan: Plan, root: store.Root, doc_id: str, sha: str, writes: list, done: bool, stale_only: bool) -> None:
    """A document's rewritten files, its meta's text_sha256 set to sha, join the plan if done and valid."""
    path = root.meta_path(doc_id)
    try:
        meta = load_json(root, path, "document") if path.exists() and done else None
    except ValueError as e:
        plan.error(root.rel(path), str(e))
        done = False
    if done and meta is not None and not (stale_only and meta.get("text_sha256") == sha):
        writes.append((path, dump_json({**meta, "text_sha256": sha})))
        plan.summary += [f"{root.rel(path)}: text_sha256 updated"] * stale_only
    if not done:
        plan.summary.append(f"{doc_id}: nothing written (spans could not be placed)")
    elif writes and plan.check_writes(root, writes):
        plan.writes += writes


def plan_canonicalize(root: store.Root, ids: list[str] | None = None) -> Plan:
    """What `newsspan canonicalize` writes: each text not canonical made so, its annotations mapped along."""
    plan = Plan("canonicalize")
    for doc_id in _ids(root, ids):
        try:
            data = root.read_bytes(root.text_path(doc_id))
            source = decode(data, utf16=True)
            if is_canonical(source) and source.encode("utf-8") == data:
                continue
            cmap = canonical_map(source)
        except (OSError, ValueError) as e:  # DecodeError, or NFC that cannot be mapped exactly
            plan.error(f"corpus/{doc_id}.txt", str(e))
            continue
        old_sha, new_sha = sha256(data), sha256(cmap.text)
        writes, done = [(root.text_path(doc_id), cmap.text.encode("utf-8"))], True
        for af in root.annotation_files(doc_id):
            ann = _annotation(plan, root, af.path)
            if ann is not None and ann.text_sha256 not in (old_sha, new_sha):
                fix = f"run `newsspan reanchor {doc_id}` after canonicalising"
                plan.error(root.rel(af.path), "made on another version of the text", fix)
                ann = None
            elif ann is not None and ann.text_sha256 == old_sha:  # (else made on the canonical text: offsets stand)
                ann, unplaced = through_map(ann, cmap)
                ann = ann if _all_placed(plan, root.rel(af.path), unplaced) else None
            done &= ann is not None
            writes += [(af.path, replace(ann, text_sha256=new_sha).dumps())] if ann else []
        if done:
            canonical = f"text canonicalised ({len(source)} -> {len(cmap.text)} code points)"
            plan.summary.append(f"{doc_id}: {canonical}, {len(writes) - 1} annotation file(s) re-anchored")
        _document(plan, root, doc_id, new_sha, writes, done, stale_only=False)
    return plan


def plan_reanchor(root: store.Root, ids: list[str] | None = None, drop_unplaced: bool = False) -> Plan:
    """What `newsspan reanchor` writes: the spans of annotations made on another version of a text moved
    onto it; with drop_unplaced, those that cannot be placed are left out (each one said)."""
    plan = Plan("reanchor")
    for doc_id in _ids(root, ids):
        try:
            data = root.read_bytes(root.text_path(doc_id))
            text = decode(data)
        except (OSError, DecodeError) as e:
            fix = "convert it, then run `newsspan canonicalize`"
            plan.error(f"corpus/{doc_id}.txt", f"cannot read it as UTF-8 ({e})", fix)
            continue
        sha, writes, done = sha256(data), [], True
        fix = f"correct the span by hand, or run `newsspan reanchor --drop-unplaced {doc_id}`, which removes it"
        for af in root.annotation_files(doc_id):
            rel = root.rel(af.path)
            try:  # a file made on this text is not re-anchored (nor checked here: `newsspan validate` does)
                value = json.loads(root.read_bytes(af.path))
            except (OSError, ValueError):
                value = None  # (_annotation says what is wrong with it)
            if isinstance(value, dict) and value.get("text_sha256") == sha:
                continue
            ann = _annotation(plan, root, af.path)
            if ann is None:
                done = False
                continue
            new, moved, unplaced = reanchor(ann, text)
            updated = [ptr for (ptr, s), (_, t) in zip(ann.spans(), new.spans(), strict=True) if s.text != t.text]
            if drop_unplaced:
                new = _without(new, {ptr for ptr, _, _ in unplaced})
                plan.summary += [
                    f"{rel} {ptr}: dropped [{s.start}, {s.end}) {show(s.text, 40)}: {why}" for ptr, s, why in unplaced
                ]
            done &= _all_placed(plan, rel, [] if drop_unplaced else unplaced, fix)
            writes.append((af.path, replace(new, text_sha256=sha).dumps()))
            review = f", {len(updated)} quote(s) updated (the edit is inside them: review {', '.join(updated)})"
            left = f", {len(unplaced)} {'dropped' if drop_unplaced else 'not placed'}"
            plan.summary.append(f"{rel}: {moved} span(s) moved" + review * bool(updated) + left * bool(unplaced))
        _document(plan, root, doc_id, sha, writes, done, stale_only=True)
    return plan


def _without(ann: Annotation, gone: set[str]) -> Annotation:
    """A copy of ann without the spans at these pointers (of a claim's source_span or cue, that part alone)."""

    def kept(name: str) -> tuple:
        items = []
        for i, x in enumerate(ann.layer(name)):
            ptr = f"/{name}/{i}"
            if isinstance(x, Claim):
                a = x.attribution
                a = replace(a, source_span=None) if f"{ptr}/attribution/source_span" in gone else a
                x = replace(x, attribution=replace(a, cue=None) if f"{ptr}/attribution/cue" in gone else a)
            items += [] if ptr in gone else [x]
        return tuple(items)

    return replace(ann, sections=kept("sections"), entities=kept("entities"), claims=kept("claims"))


def through_map(ann: Annotation, cmap: CanonicalMap) -> tuple[Annotation, list]:
    """ann mapped exactly through canonicalisation, and the spans that cannot be: (pointer, span, why)."""
    places, problems = {}, []
    for ptr, s in ann.spans():
        found = cmap.source[s.start : s.end]
        if found != s.text:
            why = f"the quote differs from the text at its offsets ({found!r}); fix the span before canonicalising"
            problems.append((ptr, s, why))
            continue
        try:
            a, b = cmap(s.start), cmap(s.end)
        except Unmappable as e:
            problems.append((ptr, s, str(e)))
            continue
        if cmap.text[a:b] != canonicalize(s.text).lstrip("\ufeff"):
            problems.append((ptr, s, f"maps to {cmap.text[a:b]!r}, not to the quote's canonical form"))
            continue
        places[ptr] = (a, b, cmap.text[a:b])
    return ann.moved(places), problems


def old_characters(ann: Annotation) -> dict[int, str]:
    """The old text as the quotes as long as their offsets tell it: position -> character (the first quote's)."""
    known: dict[int, str] = {}
    for s in _fitting(ann):
        for k, ch in enumerate(s.text):
            known.setdefault(s.start + k, ch)
    return known


def _fitting(ann: Annotation) -> list:
    return [s for _, s in ann.spans() if s.end - s.start == len(s.text)]


def rebuild(ann: Annotation, known: dict[int, str] | None = None) -> dict[int, str] | None:
    """old_characters() (known, when the caller has them), or None without sections to cover the text or when
    two quotes disagree."""
    known = old_characters(ann) if known is None else known
    agree = all(known[s.start + k] == ch for s in _fitting(ann) for k, ch in enumerate(s.text))
    return known if ann.sections and agree else None


def reanchor(ann: Annotation, text: str) -> tuple[Annotation, int, list]:
    """ann moved onto text: (annotation, spans moved, spans not placed as (pointer, span, why)). Through an
    alignment with the old text the quotes rebuild; else each quote by its context, as a W3C TextQuoteSelector
    is (weights as in the Hypothesis client: prefix 20, suffix 20, position 2)."""
    known = old_characters(ann)
    old = rebuild(ann, known)
    image = alignment(old, text) if old is not None else {}
    # by quote: sections first, in order: their shifts are the position hints of the spans inside them
    items = (
        sorted(ann.spans(), key=lambda x: (not isinstance(x[1], Section), x[1].start)) if old is None else ann.spans()
    )
    shifts: list[tuple[int, int]] = []  # (old start of a placed section, its shift)
    places, moved, unplaced = {}, 0, []
    for ptr, s in items:
        if s.end - s.start != len(s.text):
            unplaced.append((ptr, s, "its offsets and its quote disagree in length; fix the span by hand"))
            continue
        if old is not None:
            first, last = image.get(s.start), image.get(s.end - 1)
            if first is None or last is None:
                gone = [w for w, at in (("first", first), ("last", last)) if at is None]
                words = f"its {' and '.join(gone)} word{'s were' if len(gone) > 1 else ' was'}"
                unplaced.append((ptr, s, f"{words} changed or deleted {GONE}"))
                continue
            places[ptr] = (first, last + 1, text[first : last + 1])
            moved += first != s.start
            continue
        hint = s.start + next((sh for st, sh in reversed(shifts) if st <= s.start), 0)
        at = place(text, s.text, s.start, hint, known)
        if at is None:
            unplaced.append((ptr, s, "its quote no longer occurs in the text"))
            continue
        if isinstance(s, Section):
            shifts = sorted([*shifts, (s.start, at - s.start)])
        moved += at != s.start
        places[ptr] = (at, at + len(s.text), s.text)
    return ann.moved(places), moved, unplaced


def place(text: str, quote: str, old_start: int, hint: int, old: dict[int, str]) -> int | None:
    """Start of the occurrence of quote whose context agrees best with the old text's, then nearest to hint."""
    cands, at = [], text.find(quote)
    while at >= 0:
        cands.append(at)
        at = text.find(quote, at + 1)

    def agreement(cand: int, step: int) -> float:  # of the old context before (step -1) or after (1) the quote
        old_edge, new_edge = (old_start - 1, cand - 1) if step < 0 else (old_start + len(quote), cand + len(quote))
        known = [(old[old_edge + step * k], new_edge + step * k) for k in range(CONTEXT) if old_edge + step * k in old]
        return sum(0 <= at < len(text) and text[at] == ch for ch, at in known) / len(known) if known else 0.0

    def score(cand: int) -> tuple[float, int]:
        near = 1 - abs(cand - hint) / max(len(text), 1)
        return 20 * agreement(cand, -1) + 20 * agreement(cand, 1) + 2 * near, -abs(cand - hint)

    return max(cands, key=score) if cands else None


def alignment(old: dict[int, str], text: str) -> dict[int, int]:
    """Old position -> new position of each character of a token that difflib's alignment of the tokens keeps
    (autojunk off: "the" and "," are matched like any token; longest common runs first, so a word an insertion
    repeats is not taken for the word it repeats). The common beginning and end are matched first, for speed."""
    # the runs of known positions tokenised apart: the unknown ones are the whitespace between sections
    runs = [[p for _, p in run] for _, run in groupby(enumerate(sorted(old)), lambda x: x[1] - x[0])]
    a = [(t.text, run[0] + t.start) for run in runs for t in tokenize("".join(old[p] for p in run))]
    b = [(t.text, t.start) for t in tokenize(text)]
    head = tail = 0
    while head < min(len(a), len(b)) and a[head][0] == b[head][0]:
        head += 1
    while tail < min(len(a), len(b)) - head and a[-1 - tail][0] == b[-1 - tail][0]:
        tail += 1
    pairs = list(zip(a[:head], b[:head], strict=True)) + list(zip(a[len(a) - tail :], b[len(b) - tail :], strict=True))
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    matcher = difflib.SequenceMatcher(None, [x for x, _ in mid_a], [x for x, _ in mid_b], autojunk=False)
    for i, j, n in matcher.get_matching_blocks():
        pairs += zip(mid_a[i : i + n], mid_b[j : j + n], strict=True)
    return {start + k: new + k for (tok, start), (_, new) in pairs for k in range(len(tok))}


def plan_fix(root: store.Root, paths: list[str] | None = None) -> Plan:
    """What `newsspan validate --fix` writes: per annotation file, the moves that add no error (notes: those not)."""
    plan = Plan("fix")
    for stem in sorted({stem_of(root, p) for p in paths}) if paths else _ids(root, None):
        try:
            data = root.read_bytes(root.text_path(stem))
            text = decode(data)
        except (OSError, ValueError):  # unreadable, not UTF-8: the validator reports it
            continue
        if is_canonical(text):  # (else text-not-canonical: `newsspan canonicalize` first)
            for af in root.annotation_files(stem):
                _fix_file(plan, root, af, text, sha256(data))
    return plan


def _fix_file(plan: Plan, root: store.Root, af: store.AnnotationFile, text: str, sha: str) -> None:
    rel = root.rel(Path(af.path))
    try:
        ann = load_annotation(root, af.path)
    except ValueError as e:
        plan.note(rel, f"it {e}")
        return
    if ann.text_sha256 != sha:
        return  # made on another text: `newsspan reanchor` is the fix
    todo = {}  # pointer -> (start, end, quote) where --fix would move the span
    for ptr, s in ann.spans():
        if not (0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text):
            at = quote_nearby(text, s.text, s.start, s.end)
            if at is not None:
                todo[ptr] = (at, at + len(s.text), s.text)

    def errors(model: Annotation) -> set[tuple[str, str]]:
        # the file passed its schema and a move changes only offsets: the annotation checks suffice
        found = check_annotation_model(model, text, af.stem, af.annotator, sha)
        return {(p.check, p.pointer) for p in found if p.severity == ERROR}

    before, kept = errors(ann), dict(todo)
    while kept:
        new = errors(ann.moved(kept)) - before
        if not new:
            break
        # the moves that the new errors point at are not made; when none is named (an overlap is
        # reported at the other span), no move of this file is made
        blamed = [m for m in kept if any(p == m or p.startswith(m + "/") for _, p in new)] or list(kept)
        for m in blamed:
            checks = sorted({c for c, p in new if p == m or p.startswith(m + "/")} or {c for c, _ in new})
            a, b, _ = kept.pop(m)
            why = f"not moved to [{a}, {b}): the file would then have {', '.join(checks)}; fix it by hand"
            plan.note(f"{rel} {m}", why)
    if kept:
        plan.writes.append((af.path, ann.moved(kept).dumps()))
    spans = dict(ann.spans())
    for ptr, (a, b, quote) in kept.items():
        s = spans[ptr]
        plan.summary.append(
            f"{rel} {ptr}: moved {show(quote, 40)} from [{s.start}, {s.end}) to [{a}, {b}) (shift {a - s.start:+d})"
        )
