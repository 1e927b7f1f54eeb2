"""`newsspan export`: the release, as `newsspan build` selects it, in an annotation tool's format.

The documents are those a build releases (``Corpus.released``: layers whose status is
complete or gold; with ``include_drafts`` also drafts and texts without a layer), from a root
that validates without errors (the build's own check, ``hf.release.checked_selection``): an
export never carries a shifted span. ``split`` keeps one split. The output is written
atomically, with the user's usual file modes: a folder is staged beside its target and swapped
in whole (`store.replace_folder`); a file is written with `store.write_atomic`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import store
from .formats import FormatError, exporters
from .model import Document
from .plan import Plan
from .progress import bar

FOLDER_FORMATS = ("brat",)


def released_documents(
    root: store.Root, plan: Plan, include_drafts: bool = False, split: str | None = None, progress: bool = False
) -> list[Document]:
    """The documents a build of the root releases (of one split), in id order; the root's errors
    go to plan.errors instead (then nothing is returned)."""
    from .corpus import Corpus
    from .hf import BuildError
    from .hf.release import checked_selection

    try:
        selection, _ = checked_selection(root, include_drafts, progress=progress)
    except BuildError as e:
        if e.report is None:
            raise
        plan.errors += [p.headline() for p in e.report.errors]
        plan.errors.append(
            "the corpus has errors (`newsspan validate` lists them with their fixes); nothing was exported"
        )
        return []
    note = selection.left_out_note()
    if note:
        plan.notes.append(note)
    ids = selection.ids_in_split(split) if split else selection.ids
    corpus = Corpus(root)
    return [corpus[i] for i in bar(ids, desc="exporting", enabled=progress)]


def plan_export(
    root: store.Root,
    fmt: str,
    out: str,
    force: bool = False,
    *,
    include_drafts: bool = False,
    split: str | None = None,
    progress: bool = False,
) -> tuple[Plan, dict[str, bytes]]:
    plan = Plan()
    target = Path(out)
    if target.exists() and not force and (target.is_file() or any(target.iterdir())):
        plan.errors.append(f"{out}: already exists; choose another path or pass --force to replace it")
        return plan, {}
    if fmt in FOLDER_FORMATS and target.is_file():
        plan.errors.append(f"{out}: is a file; {fmt} export writes a folder")
        return plan, {}
    if fmt not in FOLDER_FORMATS and target.is_dir() and any(target.iterdir()):
        plan.errors.append(f"{out}: is a folder; {fmt} export writes one file")
        return plan, {}
    docs = released_documents(root, plan, include_drafts, split, progress)
    if not docs and not plan.errors:
        what = f"in the {split} split" if split else "in the corpus"
        plan.errors.append(f"nothing to export: no released document {what}")
    if plan.errors:
        return plan, {}
    try:
        files = exporters()[fmt](docs)
    except FormatError as e:  # a document the format cannot hold as it is (an entity in no section for CoNLL)
        plan.errors.append(str(e))
        return plan, {}
    n_ents = sum(len(doc.entities) for doc in docs)
    plan.summary.append(
        f"exported {len(docs)} document(s)"
        + (f" of the {split} split" if split else "")
        + f", {n_ents} entity mention(s) as {fmt} -> {out}"
    )
    return plan, files


def write_output(fmt: str, out: str, files: dict[str, bytes]) -> None:
    """Write the export: one file atomically, or a folder staged beside the target and swapped in whole."""
    target = Path(out)
    if fmt not in FOLDER_FORMATS:
        store.write_atomic(target, files[""])
        return
    work = store.staging_folder(target)
    try:
        for name, data in files.items():
            (work / name).write_bytes(data)
        store.replace_folder(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
