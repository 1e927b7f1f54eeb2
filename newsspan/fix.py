"""`newsspan validate --fix`: the one fix that is safe, moving a shifted span onto its quote.

A span whose stored quote is not the text at its offsets, and occurs exactly once within
``FIX_WINDOW`` code points of them (``checks.annotation.quote_nearby``, the rule the
``span-text-mismatch`` hint names), is moved onto that occurrence. Only files that pass the
annotation schema and were made on the text as it stands are touched (after a text correction
the fix is ``newsspan reanchor``); every other problem stays, for the report. A move after which
its file would hold an error it did not hold before (an overlap, a token boundary) is not made,
and is listed instead. A fixed file is written in canonical form, as every newsspan command
writes annotation files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import store
from .checks.annotation import quote_nearby
from .corpus import load_annotation
from .model import Annotation
from .plan import Plan
from .report import ERROR, show
from .text import decode, is_canonical, sha256
from .validator import check_annotation_model, stem_of


@dataclass(frozen=True)
class Move:
    pointer: str  # the span, e.g. /entities/1 or /claims/0/attribution/cue
    quote: str
    old: tuple[int, int]
    new: tuple[int, int]

    def __str__(self) -> str:
        return (
            f"{self.pointer}: moved {show(self.quote, 40)} from [{self.old[0]}, {self.old[1]}) to "
            f"[{self.new[0]}, {self.new[1]}) (shift {self.new[0] - self.old[0]:+d})"
        )


def moves(ann: Annotation, text: str) -> list[Move]:
    """The moves --fix would make in an annotation of text (before checking what they cause)."""
    out = []
    for ptr, s in ann.spans():
        if 0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text:
            continue
        at = quote_nearby(text, s.text, s.start, s.end)
        if at is not None:
            out.append(Move(ptr, s.text, (s.start, s.end), (at, at + len(s.text))))
    return out


def _apply(ann: Annotation, chosen: list[Move]) -> Annotation:
    return ann.moved({m.pointer: (*m.new, m.quote) for m in chosen})


def _errors(ann: Annotation, text: str, sha: str, stem: str, annotator: str | None) -> set[tuple[str, str]]:
    # ann passed its schema when read, and a move changes only offsets: the annotation checks suffice
    return {
        (p.check, p.pointer) for p in check_annotation_model(ann, text, stem, annotator, sha) if p.severity == ERROR
    }


def plan_fix(root: store.Root, paths: list[str] | None = None) -> Plan:
    """What `newsspan validate --fix` writes: per annotation file, the moves that add no error.

    plan.summary lists each move made (``<file> <pointer>: moved ...``), plan.notes each move
    not made and why; plan.writes the rewritten files (write them with ``root.write_all``).
    A PATH or id that names nothing is a StoreError, as in ``newsspan validate``.
    """
    plan = Plan()
    stems = (
        sorted({stem_of(root, p) for p in paths}) if paths else [s for s in root.text_stems() if store.is_valid_id(s)]
    )
    for stem in stems:
        try:
            data = root.read_bytes(root.text_path(stem))
            text = decode(data)
        except (OSError, ValueError):  # unreadable, not UTF-8 (DecodeError)
            continue  # the validator reports it
        if not is_canonical(text):
            continue  # text-not-canonical: `newsspan canonicalize` first
        sha = sha256(data)
        for af in root.annotation_files(stem):
            _plan_file(root, af, text, sha, plan)
    return plan


def _plan_file(root: store.Root, af: store.AnnotationFile, text: str, sha: str, plan: Plan) -> None:
    rel = root.rel(Path(af.path))
    try:
        ann = load_annotation(root, Path(af.path))
    except ValueError as e:
        plan.notes.append(f"{rel}: it {e}")
        return
    if ann.text_sha256 != sha:
        return  # made on another text: `newsspan reanchor` is the fix
    todo = moves(ann, text)
    if not todo:
        return
    before = _errors(ann, text, sha, af.stem, af.annotator)
    kept, refused = list(todo), []
    while kept:
        new = _errors(_apply(ann, kept), text, sha, af.stem, af.annotator) - before
        if not new:
            break
        # the moves that the new errors point at are not made; when none is named (an overlap
        # is reported at the other span), no move of this file is made
        blamed = [m for m in kept if any(p == m.pointer or p.startswith(m.pointer + "/") for _, p in new)] or kept
        for m in blamed:
            checks = sorted(
                {c for c, p in new if p == m.pointer or p.startswith(m.pointer + "/")} or {c for c, _ in new}
            )
            refused.append((m, checks))
        kept = [m for m in kept if m not in blamed]
    for m, checks in refused:
        plan.notes.append(
            f"{rel} {m.pointer}: not moved to [{m.new[0]}, {m.new[1]}): the file would then have "
            f"{', '.join(checks)}; fix it by hand"
        )
    if not kept:
        return
    plan.writes.append((Path(af.path), _apply(ann, kept).dumps()))
    plan.summary += [f"{rel} {m}" for m in kept]
