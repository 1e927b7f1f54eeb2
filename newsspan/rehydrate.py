"""``newsspan rehydrate``: withheld texts (:mod:`newsspan.publish`) restored from the user's own copies.

A copy is matched to a withheld document by text hash, source hash, else content. Its spans are placed
without a guess: sections in order, each at the nearest passage with its length and quote hash (a tie:
not placed); every other span with the section holding it; a claim with its source and attribution spans.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import store
from .model import LAYERS, Annotation, Claim, dump_json
from .publish import STANDOFF, quote_hash
from .report import Problem
from .text import DecodeError, canonicalize, decode, sha256
from .tokenize import tokenize
from .validator import check_writes

MATCH = 0.5  # the share of a document's section characters a copy must hold to be taken for it


@dataclass
class Restored:
    """What rehydrating one copy gives: its document, how it went, and the files to write (root-relative)."""

    doc_id: str
    source: str
    kind: str  # exact, re-anchored, partial, present (the root holds the text already: nothing written)
    spans: int = 0
    moved: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    writes: list[tuple[str, bytes]] = field(default_factory=list)


class _Passages:
    """The passages of a copy that start and end at token boundaries, found by length and hash."""

    def __init__(self, text: str):
        tokens = tokenize(text)
        self.text, self.starts, self.ends = text, [t.start for t in tokens], {t.end for t in tokens}

    def find(self, length: int, digest: str, lo: int = 0) -> list[int]:
        text, ends = self.text, self.ends
        return [
            p
            for p in self.starts[bisect.bisect_left(self.starts, lo) :]
            if p + length in ends and quote_hash(text[p : p + length]) == digest
        ]


def standoffs(root: store.Root) -> dict[str, dict]:
    """The withheld documents of a root (``standoff/<id>.json``), by id."""
    out = {}
    for path in sorted((root.path / STANDOFF).glob("*.json")):
        try:
            form = json.loads(root.read_bytes(path))
            out[store.check_id(form["id"])] = form
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise store.StoreError(f"{root.rel(path)}: not a standoff file newsspan wrote ({e})") from None
    return out


def sources(paths: list[str]) -> tuple[list[tuple[str, bytes, str]], list[Problem]]:
    """(file as named, its bytes, its canonical text) of each file the paths name (a folder: every
    file below it but hidden ones), and a problem for each that cannot be a copy of an article."""
    out, problems = [], []
    for given in map(Path, paths):
        folder = (given if given.is_dir() else given.absolute().parent).resolve()
        found = given.rglob("*") if given.is_dir() else [given]
        for f in sorted(f for f in found if not f.name.startswith(".") and (f.is_file() or f.is_symlink())):
            try:
                if f.is_symlink() and not f.resolve().is_relative_to(folder):
                    raise OSError(f"a link out of its folder (to {os.readlink(f)}); copy the file itself here")
                data = f.read_bytes()
                text = canonicalize(decode(data))
                if not text.strip():
                    raise OSError("is empty; save the article's text into it")
                out.append((str(f), data, text))
            except DecodeError as e:
                problems.append(Problem("rehydrate", f"not UTF-8 text ({e})", path=str(f)))
            except OSError as e:
                problems.append(Problem("rehydrate", e.strerror or str(e), path=str(f)))
        if not (given.exists() or given.is_symlink()):
            problems.append(Problem("rehydrate", "no such file or folder", path=str(given)))
    return out, problems


def share(form: dict, passages: _Passages) -> float:
    """The share of a document's section characters whose quote hash a passage of the copy has."""
    sections = form["annotation"].get("sections", [])
    total = sum(s["end"] - s["start"] for s in sections)
    found = sum(s["end"] - s["start"] for s in sections if passages.find(s["end"] - s["start"], s["quote_sha256"]))
    return found / total if total else 0.0


def match(data: bytes, text: str, forms: dict[str, dict]) -> tuple[list[str], str]:
    """The withheld documents a copy matches, and how (or the best share found when none)."""
    digest = sha256(text)
    for key, value, how in (("text_sha256", digest, "text hash equal"), ("source_sha256", sha256(data), "source hash")):
        ids = [d for d, f in forms.items() if f["meta"].get(key) == value]
        if ids:
            return ids, how
    passages = _Passages(text)
    shares = {d: share(f, passages) for d, f in forms.items()}
    ids = [d for d, x in shares.items() if x >= MATCH]
    best = max(shares, key=lambda d: shares[d], default=None)
    return ids, (
        "content" if ids else f"the closest, {best}, shares {shares[best]:.0%} of its sections" if best else "none"
    )


def place(form: dict, text: str) -> tuple[Annotation, list[str], list[str]]:
    """The annotation of a withheld document placed on text: (the annotation, spans moved, spans not placed)."""

    def unhashed(span: dict) -> dict:  # each quote hash where the quote stands, to read it as an Annotation
        return {"text" if k == "quote_sha256" else k: v for k, v in span.items()}

    ann = Annotation.from_json(json.loads(json.dumps(form["annotation"]), object_hook=unhashed))
    passages = _Passages(text)
    shifts: dict[int, int] = {}  # index of a placed section -> its shift
    unplaced: dict[str, str] = {}  # pointer -> why
    floor = shift = 0
    for k, sec in enumerate(ann.sections):
        hint = sec.start + shift
        near = sorted(passages.find(sec.end - sec.start, sec.text, floor), key=lambda p: abs(p - hint))
        if not near or (len(near) > 1 and abs(near[0] - hint) == abs(near[1] - hint)):
            reason = (
                "two passages of the copy quote it, equally near its place" if near else "its text differs in the copy"
            )
            unplaced[f"/sections/{k}"] = reason
            continue
        shifts[k] = shift = near[0] - sec.start
        floor = near[0] + sec.end - sec.start
    starts, places = [sec.start for sec in ann.sections], {}
    mention = {e.id: f"/entities/{i}" for i, e in enumerate(ann.entities)}
    for ptr, x in ann.spans():  # each span with the section that holds it (a claim's parts right after it)
        k = bisect.bisect_right(starts, x.start) - 1
        a, b = (x.start + shifts[k], x.end + shifts[k]) if k in shifts else (0, 0)
        why = (
            "it lies in no section"
            if k < 0 or x.end > ann.sections[k].end
            else f"its section {ann.sections[k].id} was not placed"
            if k not in shifts
            else "its text differs in the copy"
            if quote_hash(text[a:b]) != x.text
            else None
        )
        if isinstance(x, Claim) and mention.get(x.attribution.source or "") in unplaced:
            why = why or f"its source {x.attribution.source} was not placed"
        claim = ptr.split("/attribution/")[0]  # a claim is placed with its attribution's spans, or not at all
        if why and ptr not in unplaced:
            unplaced[claim] = unplaced.get(claim) or (why if claim == ptr else f"its {ptr.rsplit('/', 1)[1]}: {why}")
        places[ptr] = (a, b, text[a:b])
    moved = ann.moved({p: at for p, at in places.items() if p.split("/attribution/")[0] not in unplaced})
    kept: dict[str, Any] = {
        name: tuple(x for i, x in enumerate(moved.layer(name)) if f"/{name}/{i}" not in unplaced) for name in LAYERS
    }
    new = replace(moved, **kept, text_sha256=sha256(text), status="draft" if unplaced else ann.status)
    old: dict[str, Any] = {p: x for p, x in ann.spans() if "/attribution/" not in p}
    return (
        new,
        [
            f"{p} {x.id} [{x.start}, {x.end}) moved by {places[p][0] - x.start:+d}"
            for p, x in old.items()
            if p not in unplaced and places[p][0] != x.start
        ],
        [f"{p} {old[p].id} {old[p].label} [{old[p].start}, {old[p].end}): {why}" for p, why in unplaced.items()],
    )


def rehydrate(root: store.Root, paths: list[str]) -> tuple[list[Restored], list[Problem]]:
    """What restoring the withheld documents of root from the copies at paths gives (nothing is written)."""
    forms = standoffs(root)
    if not forms:
        raise store.StoreError(
            f"{root.path} withholds no document ({STANDOFF}/ holds no standoff file): nothing to restore"
        )
    copies, problems = sources(paths)
    done: list[Restored] = []
    for name, data, text in copies:
        ids, how = match(data, text, forms)
        if len(ids) != 1:
            why = (
                f"matches {len(ids)} withheld documents ({', '.join(ids)}); give a copy of one article"
                if ids
                else (f"is no copy of a withheld document ({how}; {MATCH:.0%} needed); nothing of it is used")
            )
            problems.append(Problem("rehydrate", why, path=name))
            continue
        form = forms[ids[0]]
        if root.text_path(ids[0]).is_file():
            done.append(Restored(ids[0], name, "present"))
            continue
        new, moved, unplaced = place(form, text)
        exact = sha256(text) == form["meta"]["text_sha256"] and not unplaced
        meta = form["meta"] if exact else {**form["meta"], "text_sha256": sha256(text), "source_sha256": sha256(data)}
        kind = "exact" if exact else "partial" if unplaced else "re-anchored"
        writes = [
            (f"corpus/{ids[0]}.txt", text.encode("utf-8")),
            (f"corpus/{ids[0]}.meta.json", dump_json(meta)),
            (f"annotations/{ids[0]}.json", new.dumps()),
        ]
        spans = sum(len(form["annotation"][n]) for n in LAYERS)
        done.append(Restored(ids[0], name, kind, spans, moved, unplaced, writes))
        problems += [p for p in check_writes(root, [(root.path / r, b) for r, b in writes]) if p.severity == "error"]
    twice = Counter(r.doc_id for r in done)
    problems += [
        Problem("rehydrate", f"one of {twice[r.doc_id]} copies of {r.doc_id}: give one", path=r.source)
        for r in done
        if twice[r.doc_id] > 1
    ]
    return done, problems


def write(root: store.Root, done: list[Restored], on_wait=None) -> store.Root:
    """Write what rehydrate() gave into root, under its lock; for the corpus a wheel carries (read-only),
    into :func:`newsspan.store.user_root`, made first as a copy of it. The root written to."""
    writes = [w for r in done for w in r.writes]
    if not writes:
        return root
    if root.is_shipped and (user := store.user_root()) is not None:
        staged = store.staging_folder(user)
        shutil.copytree(root.path, staged, dirs_exist_ok=True)
        for name in ("corpus", "annotations"):
            (staged / name).mkdir(exist_ok=True)
        try:
            os.rename(staged, user)
        except OSError:  # another process made it first
            shutil.rmtree(staged, ignore_errors=True)
        root = store.Root(user)
    with root.lock(on_wait=on_wait):
        root.write_all((root.path / rel, data) for rel, data in writes)
    return root
