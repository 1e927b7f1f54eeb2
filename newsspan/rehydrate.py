"""``newsspan rehydrate``: withheld texts restored from the user's own copies, their spans placed on them.

A published release carries a text whose license keeps it from travelling as standoff only
(:mod:`newsspan.publish`: offsets, labels, ids and a hash of each quote). Each copy given (the raw
bytes as saved from the site, or a canonical text; nothing is fetched) is put in canonical form
and matched to a withheld document: by the text's hash, else the source's, else by content: the
share of the document's section characters whose quote hash some passage of the copy has, at
least ``MATCH``. Its spans are then placed without a guess, so that every placed span quotes
exactly what it quoted:

- sections first, in order: each at the passage of the copy with its length and quote hash
  nearest its old place as moved by the section before it (two passages equally near: not placed);
- every other span moves with the section that holds it (its hash checked); one whose section was
  not placed is not placed, nor a claim whose source mention or attribution span was not.

A document is ``exact`` (same text: text and annotation restored as they were), ``re-anchored``
(every span placed; those moved are listed) or ``partial`` (the spans not placed are left out and
listed, and the layer drops to ``draft``). Every result is checked by the validator before it is
written; an unrelated text is refused.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import store
from .model import Annotation, dump_json
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
    for given in paths:
        base = Path(given)
        if not (base.exists() or base.is_symlink()):
            problems.append(Problem("rehydrate", "no such file or folder", path=given))
            continue
        files = (
            sorted(f for f in base.rglob("*") if not f.name.startswith(".") and (f.is_file() or f.is_symlink()))
            if base.is_dir()
            else [base]
        )
        folder = (base if base.is_dir() else base.absolute().parent).resolve()
        for f in files:
            problem = None
            if f.is_symlink() and not f.resolve().is_relative_to(folder):
                problem = f"a link out of its folder (to {os.readlink(f)}); copy the file itself here"
            else:
                try:
                    data = f.read_bytes()
                    text = canonicalize(decode(data))
                    problem = None if text.strip() else "is empty; save the article's text into it"
                except DecodeError as e:
                    problem = f"not UTF-8 text ({e})"
                except OSError as e:
                    problem = f"cannot be read ({e.strerror or e})"
            if problem:
                problems.append(Problem("rehydrate", problem, path=str(f)))
            else:
                out.append((str(f), data, text))
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


def place(form: dict, text: str) -> tuple[dict, list[str], list[str]]:
    """The annotation of a withheld document placed on text: (its JSON with quotes, moved, not placed)."""
    ann, passages = form["annotation"], _Passages(text)
    placed: dict[str, int] = {}  # pointer -> shift of a placed span
    unplaced: dict[str, str] = {}  # pointer -> why
    floor = shift = 0
    for k, s in enumerate(ann["sections"]):
        hint = s["start"] + shift
        near = sorted(passages.find(s["end"] - s["start"], s["quote_sha256"], floor), key=lambda p: abs(p - hint))
        if not near or (len(near) > 1 and abs(near[0] - hint) == abs(near[1] - hint)):
            unplaced[f"/sections/{k}"] = (
                "two passages of the copy quote it, equally near its place" if near else "its text differs in the copy"
            )
            continue
        placed[f"/sections/{k}"] = shift = near[0] - s["start"]
        floor = near[0] + s["end"] - s["start"]
    starts = [s["start"] for s in ann["sections"]]

    def by_section(ptr: str, span: dict) -> str | None:
        """Place a span with the section that holds it; why not, when it cannot be."""
        k = bisect.bisect_right(starts, span["start"]) - 1
        if k < 0 or span["end"] > ann["sections"][k]["end"]:
            return "it lies in no section"
        if f"/sections/{k}" not in placed:
            return f"its section {ann['sections'][k]['id']} was not placed"
        d = placed[f"/sections/{k}"]
        if quote_hash(text[span["start"] + d : span["end"] + d]) != span["quote_sha256"]:
            return "its text differs in the copy"
        placed[ptr] = d
        return None

    for k, e in enumerate(ann["entities"]):
        if gone := by_section(f"/entities/{k}", e):
            unplaced[f"/entities/{k}"] = gone
    entities = {e["id"]: f"/entities/{k}" for k, e in enumerate(ann["entities"])}
    for k, c in enumerate(ann["claims"]):
        ptr, a = f"/claims/{k}", c["attribution"]
        why = by_section(ptr, c) or next(
            (
                f"its attribution's {x} was not placed"
                for x in ("source_span", "cue")
                if x in a and by_section(f"{ptr}/attribution/{x}", a[x])
            ),
            None,
        )
        if not why and a.get("source") in entities and entities[a["source"]] in unplaced:
            why = f"its source {a['source']} was not placed"
        if why:
            unplaced[ptr] = why
            placed.pop(ptr, None)

    def quoted(ptr: str, span: dict) -> dict:
        d = placed[ptr]
        out: dict[str, Any] = {}
        for key, v in span.items():
            if key == "quote_sha256":
                out["text"] = text[span["start"] + d : span["end"] + d]
            elif key == "attribution":
                out[key] = {x: quoted(f"{ptr}/attribution/{x}", y) if isinstance(y, dict) else y for x, y in v.items()}
            else:
                out[key] = v + d if key in ("start", "end") else v
        return out

    layers = {
        name: [quoted(f"/{name}/{k}", s) for k, s in enumerate(ann[name]) if f"/{name}/{k}" not in unplaced]
        for name in ("sections", "entities", "claims")
    }
    spans = {f"/{name}/{k}": s for name in layers for k, s in enumerate(ann[name])}
    moved = [
        f"{p} {spans[p]['id']} [{spans[p]['start']}, {spans[p]['end']}) moved by {d:+d}"
        for p, d in placed.items()
        if d and p in spans
    ]
    missing = [
        f"{p} {spans[p]['id']} {spans[p].get('label', 'claim')} [{spans[p]['start']}, {spans[p]['end']}): {why}"
        for p, why in unplaced.items()
    ]
    status = "draft" if unplaced else ann["status"]
    return {**ann, "text_sha256": sha256(text), "status": status, **layers}, moved, missing


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
        ann, moved, unplaced = place(form, text)
        exact = sha256(text) == form["meta"]["text_sha256"] and not unplaced
        meta = form["meta"] if exact else {**form["meta"], "text_sha256": sha256(text), "source_sha256": sha256(data)}
        kind = "exact" if exact else "partial" if unplaced else "re-anchored"
        writes = [
            (f"corpus/{ids[0]}.txt", text.encode("utf-8")),
            (f"corpus/{ids[0]}.meta.json", dump_json(meta)),
            (f"annotations/{ids[0]}.json", Annotation.from_json(ann).dumps()),
        ]
        spans = sum(len(form["annotation"][n]) for n in ("sections", "entities", "claims"))
        done.append(Restored(ids[0], name, kind, spans, moved, unplaced, writes))
        problems += [p for p in check_writes(root, [(root.path / r, b) for r, b in writes]) if p.severity == "error"]
    twice = {r.doc_id for r in done if sum(x.doc_id == r.doc_id for x in done) > 1}
    problems += [
        Problem("rehydrate", f"copies more than one file of {d}: give one", path=r.source)
        for r in done
        for d in [r.doc_id]
        if d in twice
    ]
    return done, problems


def write(root: store.Root, done: list[Restored], on_wait=None) -> store.Root:
    """Write what rehydrate() gave into root, under its lock; for the corpus a wheel carries (read-only),
    into :func:`newsspan.store.user_root`, made first as a copy of it. The root written to."""
    writes = [w for r in done for w in r.writes]
    user = store.user_root()
    if writes and root.is_shipped and user is not None:
        staged = store.staging_folder(user)
        shutil.copytree(root.path, staged, dirs_exist_ok=True)
        for name in ("corpus", "annotations"):
            (staged / name).mkdir(exist_ok=True)
        try:
            os.rename(staged, user)
        except OSError:  # another process made it first
            shutil.rmtree(staged, ignore_errors=True)
        root = store.Root(user)
    if writes:
        with root.lock(on_wait=on_wait):
            root.write_all((root.path / rel, data) for rel, data in writes)
    return root
