"""`newsspan remove` and `newsspan rename`: all of a document's files, never one of them left behind."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from .. import store
from ..corpus import load_annotation, load_json
from ..model import dump_json, split_of
from ..schema import invalid_id
from .plan import Plan


def files_of(root: store.Root, doc_id: str, named: bool = True) -> list[Path]:
    """Every file of a document on disk; a StoreError (a usage error) if a named document has none."""
    found = []
    if store.is_valid_id(doc_id):
        paths = [root.text_path(doc_id), root.meta_path(doc_id)] + [af.path for af in root.annotation_files(doc_id)]
        found = [p for p in paths if os.path.lexists(p)]
    if named and not found:
        raise store.StoreError(f"{doc_id!r} names no document of {root.path} (no corpus/{doc_id}.txt, meta or layer)")
    return found


def plan_remove(root: store.Root, ids: list[str], dry_run: bool = False) -> Plan:
    """What `newsspan remove` deletes: every file of each document (with dry_run, only said)."""
    plan = Plan("remove")
    for doc_id in dict.fromkeys(ids):
        found = files_of(root, doc_id)
        plan.summary += [f"{'would remove' if dry_run else 'removed'} {root.rel(p)}" for p in found]
        plan.removes += [] if dry_run else found
    return plan


def plan_rename(root: store.Root, old: str, new: str) -> Plan:
    """What `newsspan rename` writes: every file of old under the id new, checked, and the old files removed."""
    plan, found = Plan("rename"), files_of(root, old)
    if not store.is_valid_id(new):
        plan.error("", f"NEW {invalid_id(new)}")
        return plan
    taken = f"already exists: {new!r} is the id of another document; remove it first or choose another"
    for p in files_of(root, new, named=False):
        plan.error(root.rel(p), taken)
    writes = []
    for path in found:
        target = path.with_name(new + path.name[len(old) :])
        try:
            if path.name.endswith(store.META_SUFFIX):
                meta = load_json(root, path, "document")
                data = dump_json({**meta, "id": new})
                if "split" not in meta and split_of(old) != split_of(new):
                    why = f"the split is derived from the id: {new!r} is in {split_of(new)}, {old!r} was in {split_of(old)}"
                    plan.warn(root.rel(target), f'{why}; add "split": "{split_of(old)}" to the meta to keep it there')
            elif path.name.endswith(store.JSON_SUFFIX):
                data = replace(load_annotation(root, path), document_id=new).dumps()
            else:
                data = root.read_bytes(path)
        except (OSError, ValueError) as e:
            plan.error(root.rel(path), f"it {e}" if isinstance(e, ValueError) else f"cannot be read: {e}")
            continue
        writes.append((target, data))
        plan.summary.append(f"renamed {root.rel(path)} -> {root.rel(target)}")
    if plan.ok and plan.check_writes(root, writes):
        plan.writes, plan.removes = writes, found
    return plan
