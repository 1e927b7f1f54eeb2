"""Plans for `newsspan canonicalize` and `newsspan reanchor` over a root (read, check, then write).

Per document, either every span is placed and the text, meta and annotation files are
written together, or nothing of that document is written and each span that could not be
placed is listed.
"""

from __future__ import annotations

import json
from dataclasses import replace

from . import anchor, store
from .corpus import load_annotation, load_json
from .model import dump_json
from .plan import Plan
from .text import DecodeError, canonical_map, decode, is_canonical, sha256


def _ids(root: store.Root, ids: list[str] | None, plan: Plan) -> list[str]:
    if not ids:
        return [s for s in root.text_stems() if store.is_valid_id(s)]
    unknown = [i for i in ids if not store.is_valid_id(i) or not root.text_path(i).exists()]
    if unknown:  # an ID that names nothing is a usage error (exit 2), never "nothing to do"
        raise store.StoreError(
            f"no such document{'s' * (len(unknown) > 1)} in {root.path}: "
            + ", ".join(f"{i} (no corpus/{i}.txt)" for i in unknown)
        )
    return list(dict.fromkeys(ids))


def _load(root, path, plan, annotation: bool = False):
    """A metadata file (dict) or an annotation file (Annotation) to rewrite; None, and the problem in plan.errors, if it cannot be."""
    try:
        return load_annotation(root, path) if annotation else load_json(root, path, "document")
    except ValueError as e:
        plan.errors.append(f"{root.rel(path)}: {e}")
    return None


def _finish(root, writes, anns, plan, what) -> None:
    """Validate the document's rewritten files as `newsspan validate` would; queue them only if all are clean."""
    writes = writes + [(af.path, ann.dumps()) for af, ann in anns]
    check = Plan()
    if check.check_writes(root, writes, prefix=f"after {what}: "):
        plan.writes += writes
    plan.errors += check.errors


def plan_reanchor(root: store.Root, ids: list[str] | None = None) -> Plan:
    plan = Plan()
    for doc_id in _ids(root, ids, plan):
        try:
            data = root.read_bytes(root.text_path(doc_id))
            text = decode(data)
        except (OSError, DecodeError) as e:
            plan.errors.append(
                f"corpus/{doc_id}.txt: cannot read it as UTF-8 ({e}); convert it, then run `newsspan canonicalize`"
            )
            continue
        sha = sha256(data)
        meta = _load(root, root.meta_path(doc_id), plan) if root.meta_path(doc_id).exists() else None
        stale = []
        for af in root.annotation_files(doc_id):
            try:
                value = json.loads(root.read_bytes(af.path))
                # a file made on this text is not re-anchored (nor checked here: `newsspan validate` does)
                if not isinstance(value, dict) or value.get("text_sha256") != sha:
                    stale.append((af, load_annotation(root, af.path)))
            except (OSError, ValueError) as e:
                plan.errors.append(f"{root.rel(af.path)}: {e}")
        stale_meta = meta if meta is not None and meta.get("text_sha256") != sha else None
        if not stale and stale_meta is None:
            continue
        out, failed = [], False
        for af, ann in stale:
            new, moved, unplaced = anchor.reanchor(ann, text)
            for u in unplaced:
                plan.errors.append(f"{root.rel(af.path)} {u}")
            failed |= bool(unplaced)
            out.append((af, replace(new, text_sha256=sha)))
            updated = [ptr for (ptr, s), (_, t) in zip(ann.spans(), new.spans(), strict=True) if s.text != t.text]
            plan.summary.append(
                f"{root.rel(af.path)}: {moved} span(s) moved"
                + (
                    f", {len(updated)} quote(s) updated (the edit is inside them: review {', '.join(updated)})"
                    if updated
                    else ""
                )
                + (f", {len(unplaced)} not placed" if unplaced else "")
            )
        if failed:
            plan.summary.append(f"{doc_id}: nothing written (spans could not be placed)")
            continue
        writes = []
        if stale_meta is not None:
            stale_meta["text_sha256"] = sha
            writes.append((root.meta_path(doc_id), dump_json(stale_meta)))
            plan.summary.append(f"{root.rel(root.meta_path(doc_id))}: text_sha256 updated")
        _finish(root, writes, out, plan, "re-anchoring")
    return plan


def plan_canonicalize(root: store.Root, ids: list[str] | None = None) -> Plan:
    plan = Plan()
    for doc_id in _ids(root, ids, plan):
        try:
            data = root.read_bytes(root.text_path(doc_id))
            source = decode(data, utf16=True)
        except (OSError, DecodeError) as e:
            plan.errors.append(f"corpus/{doc_id}.txt: {e}")
            continue
        if is_canonical(source) and source.encode("utf-8") == data:
            continue
        try:
            cmap = canonical_map(source)
        except ValueError as e:
            plan.errors.append(f"corpus/{doc_id}.txt: {e}")
            continue
        old_sha, new_sha = sha256(data), sha256(cmap.text)
        out, failed = [], False
        for af in root.annotation_files(doc_id):
            ann = _load(root, af.path, plan, annotation=True)
            if ann is None:
                failed = True
                continue
            if ann.text_sha256 == new_sha:
                out.append((af, ann))  # made on the canonical text already: offsets stand
                continue
            if ann.text_sha256 != old_sha:
                plan.errors.append(
                    f"{root.rel(af.path)}: made on another version of the text; run `newsspan reanchor {doc_id}` "
                    "after canonicalising"
                )
                failed = True
                continue
            new, problems = anchor.through_map(ann, cmap)
            for u in problems:
                plan.errors.append(f"{root.rel(af.path)} {u}")
            failed |= bool(problems)
            out.append((af, replace(new, text_sha256=new_sha)))
        if failed:
            plan.summary.append(f"{doc_id}: nothing written")
            continue
        writes = [(root.text_path(doc_id), cmap.text.encode("utf-8"))]
        meta = _load(root, root.meta_path(doc_id), plan) if root.meta_path(doc_id).exists() else None
        if meta is not None:
            meta["text_sha256"] = new_sha
            writes.append((root.meta_path(doc_id), dump_json(meta)))
        plan.summary.append(
            f"{doc_id}: text canonicalised ({len(source)} -> {len(cmap.text)} code points), "
            f"{len(out)} annotation file(s) re-anchored"
        )
        _finish(root, writes, out, plan, "canonicalising")
    return plan
