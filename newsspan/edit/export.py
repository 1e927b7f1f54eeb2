"""`newsspan export`: the documents a build releases, from a root without errors, in a tool's format,
written atomically (a folder staged beside its target and swapped in whole)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tqdm import tqdm

from .. import schema, store
from ..corpus import Corpus, is_released
from ..formats import FOLDER_FORMATS, FormatError, exporters
from ..validator import default_jobs, validate_root
from .plan import Plan


def export(
    root: store.Root, fmt: str, out: str, force=False, *, include_drafts=False, split=None, progress=False
) -> Plan:
    """Write the released documents of root (of one split) in format fmt to out, unless the plan has errors."""
    plan, target = Plan("export"), Path(out)
    if target.exists() and not force and (target.is_file() or any(target.iterdir())):
        plan.error(out, "already exists; choose another path or pass --force to replace it")
    elif fmt in FOLDER_FORMATS and target.is_file():
        plan.error(out, f"is a file; {fmt} export writes a folder")
    elif fmt not in FOLDER_FORMATS and target.is_dir() and any(target.iterdir()):
        plan.error(out, f"is a folder; {fmt} export writes one file")
    if not plan.ok:
        return plan
    report = validate_root(root, jobs=default_jobs(), progress=progress)
    if not report.ok:
        plan.add(report.errors)
        plan.error("", "the corpus has errors (`newsspan validate` lists them with their fixes); nothing was exported")
        return plan
    docs, left_out = [], []
    for doc in tqdm(Corpus(root), desc="exporting", unit="doc", leave=False, disable=not progress):
        if is_released(doc, include_drafts):
            docs += [doc] if split is None or doc.split == split else []
        else:
            left_out.append(f"{doc.id} ({'no released layer' if doc.status is None else 'draft'})")
    if left_out:
        shown = ", ".join(left_out[:10]) + (f" and {len(left_out) - 10} more" if len(left_out) > 10 else "")
        statuses = " or ".join(schema.released_statuses())
        why = (
            f"not released: {shown}; --include-drafts includes them (a layer is released once its status is {statuses})"
        )
        plan.note("", why)
    if not docs:
        where = f"in the {split} split" if split else "in the corpus"
        plan.error("", f"nothing to export: no released document {where}")
        return plan
    try:
        files = exporters()[fmt](docs)
    except FormatError as e:  # a document the format cannot hold as it is (an entity in no section for CoNLL)
        plan.error("", str(e))
        return plan
    if fmt not in FOLDER_FORMATS:
        store.write_atomic(target, files[""])
    else:
        work = store.staging_folder(target)
        try:
            for name, data in files.items():
                (work / name).write_bytes(data)
            store.replace_folder(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    n_ents = sum(len(doc.entities) for doc in docs)
    of_split = f" of the {split} split" if split else ""
    plan.summary.append(f"exported {len(docs)} document(s){of_split}, {n_ents} entity mention(s) as {fmt} -> {out}")
    return plan
