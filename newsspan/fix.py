"""`newsspan validate --fix`: the one fix that is safe, moving a shifted span onto its quote.

A span whose stored quote is not the text at its offsets, and occurs exactly once within
``FIX_WINDOW`` code points of them (``checks.annotation.quote_nearby``, the rule the
``span-text-mismatch`` hint names), is moved onto that occurrence. Only files made on the text
as it stands are touched (after a text correction the fix is ``newsspan reanchor``), and only
the numbers of the moved offsets change in them: every other byte stays, and so does every
other problem. A move after which its file would hold an error it did not hold before (an
overlap, a token boundary) is not made, and is listed instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import jsonfile, schema, store
from .checks.annotation import quote_nearby
from .importer import Plan
from .report import ERROR, show
from .text import is_canonical, sha256
from .validator import _annotation_files, _stem_of, check_annotation_data


@dataclass(frozen=True)
class Move:
    pointer: str      # the span, e.g. /entities/1 or /claims/0/attribution/cue
    quote: str
    old: tuple[int, int]
    new: tuple[int, int]

    def __str__(self) -> str:
        return (f"{self.pointer}: moved {show(self.quote, 40)} from [{self.old[0]}, {self.old[1]}) to "
                f"[{self.new[0]}, {self.new[1]}) (shift {self.new[0] - self.old[0]:+d})")


def _is_span(x) -> bool:
    return (isinstance(x, dict) and isinstance(x.get("text"), str)
            and all(isinstance(x.get(k), int) and not isinstance(x.get(k), bool) for k in ("start", "end")))


def _spans(ann: dict):
    """(pointer, span) of every well-formed span of an annotation, attribution spans included."""
    for layer in schema.layers():
        items = ann.get(layer)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if _is_span(item):
                yield f"/{layer}/{i}", item
            attribution = item.get("attribution") if isinstance(item, dict) else None
            if isinstance(attribution, dict):
                for key in ("source_span", "cue"):
                    if _is_span(attribution.get(key)):
                        yield f"/{layer}/{i}/attribution/{key}", attribution[key]


def moves(ann: dict, text: str) -> list[Move]:
    """The moves --fix would make in an annotation of text (before checking what they cause)."""
    out = []
    for ptr, s in _spans(ann):
        start, end, quote = s["start"], s["end"], s["text"]
        if 0 <= start < end <= len(text) and text[start:end] == quote:
            continue
        at = quote_nearby(text, quote, start, end)
        if at is not None:
            out.append(Move(ptr, quote, (start, end), (at, at + len(quote))))
    return out


_NUMBER = re.compile(r'\s*:\s*(-?[0-9]+)')


def edit(json_text: str, chosen: list[Move]) -> str | None:
    """The file's text with the moved offsets rewritten in place (None if a key is spelt with
    escapes, which this does not rewrite)."""
    where = jsonfile.Positions(json_text).offsets
    edits = []
    for m in chosen:
        for key, value in (("start", m.new[0]), ("end", m.new[1])):
            at = where.get(f"{m.pointer}/{key}")
            literal = f'"{key}"'
            if at is None or not json_text.startswith(literal, at):
                return None
            num = _NUMBER.match(json_text, at + len(literal))
            if num is None:
                return None
            edits.append((num.start(1), num.end(1), str(value)))
    for a, b, new in sorted(edits, reverse=True):
        json_text = json_text[:a] + new + json_text[b:]
    return json_text


def _errors(ann: dict, text: str, stem: str, annotator: str | None) -> set[tuple[str, str]]:
    return {(p.check, p.pointer) for p in check_annotation_data(ann, text, stem, annotator) if p.severity == ERROR}


def _apply(ann: dict, chosen: list[Move]) -> dict:
    import copy

    out = copy.deepcopy(ann)
    for m in chosen:
        item = out
        for part in m.pointer.strip("/").split("/"):
            item = item[int(part)] if isinstance(item, list) else item[part]
        item["start"], item["end"] = m.new
    return out


def plan_fix(root: store.Root, paths: list[str] | None = None) -> Plan:
    """What `newsspan validate --fix` writes: per annotation file, the moves that add no error.

    plan.summary lists each move made (``<file> <pointer>: moved ...``), plan.notes each move
    not made and why; plan.writes the rewritten files (write them with ``root.write_all``).
    A PATH or id that names nothing is a StoreError, as in ``newsspan validate``.
    """
    plan = Plan()
    stems = sorted({_stem_of(root, p) for p in paths}) if paths else [s for s in root.text_stems() if store.is_valid_id(s)]
    for stem in stems:
        try:
            data = root.read_bytes(root.text_path(stem))
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # the validator reports it
        if not is_canonical(text):
            continue  # text-not-canonical: `newsspan canonicalize` first
        sha = sha256(data)
        for af in _annotation_files(root, stem):
            _plan_file(root, af, text, sha, plan)
    return plan


def _plan_file(root: store.Root, af: store.AnnotationFile, text: str, sha: str, plan: Plan) -> None:
    rel = root.rel(Path(af.path))
    try:
        json_text = root.read_bytes(Path(af.path)).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return
    ann, found, _ = jsonfile.parse(json_text)
    if found or jsonfile.bounds(json_text) or not isinstance(ann, dict) or ann.get("text_sha256") != sha:
        return  # unreadable JSON, or made on another text (then `newsspan reanchor` is the fix)
    todo = moves(ann, text)
    if not todo:
        return
    before = _errors(ann, text, af.stem, af.annotator)
    kept, refused = list(todo), []
    while kept:
        new = _errors(_apply(ann, kept), text, af.stem, af.annotator) - before
        if not new:
            break
        # the moves that the new errors point at are not made; when none is named (an overlap
        # is reported at the other span), no move of this file is made
        blamed = [m for m in kept if any(p == m.pointer or p.startswith(m.pointer + "/") for _, p in new)] or kept
        for m in blamed:
            checks = sorted({c for c, p in new if p == m.pointer or p.startswith(m.pointer + "/")} or {c for c, _ in new})
            refused.append((m, checks))
        kept = [m for m in kept if m not in blamed]
    for m, checks in refused:
        plan.notes.append(f"{rel} {m.pointer}: not moved to [{m.new[0]}, {m.new[1]}): the file would then have "
                          f"{', '.join(checks)}; fix it by hand")
    if not kept:
        return
    new_text = edit(json_text, kept)
    if new_text is None:
        plan.notes.append(f"{rel}: not fixed: its keys are written with escapes; fix the offsets by hand")
        return
    plan.writes.append((Path(af.path), new_text.encode("utf-8")))
    plan.summary += [f"{rel} {m}" for m in kept]
