"""`newsspan export`: every document with a released layer (drafts included) into a tool's format.

Documents are checked first (schema, spans against the text): an export never carries a
shifted span. The output is written atomically, with the user's usual file modes: a folder is
staged beside its target and swapped in whole (`store.replace_folder`); a file is written with
`store.write_atomic`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import store
from .formats import FormatError, exporters
from .importer import Plan
from .validate import check_annotation_data

FOLDER_FORMATS = ("brat",)


def released_documents(root: store.Root, plan: Plan) -> list[tuple[str, str, dict]]:
    docs = []
    for af in root.annotation_files():
        if af.annotator is not None or not store.is_valid_id(af.stem):
            continue
        rel = root.rel(af.path)
        try:
            text = root.read_bytes(root.text_path(af.stem)).decode("utf-8")
            ann = json.loads(root.read_bytes(af.path).decode("utf-8"))
        except FileNotFoundError:
            plan.errors.append(f"{rel}: there is no corpus/{af.stem}.txt")
            continue
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            plan.errors.append(f"{rel}: cannot read it ({e}); run `newsspan validate`")
            continue
        errors = [p for p in check_annotation_data(ann, text, af.stem) if p.severity == "error"] if isinstance(ann, dict) else None
        if errors is None:
            plan.errors.append(f"{rel}: not a JSON object")
            continue
        if errors:
            plan.errors += [f"{rel} {p.pointer}: error[{p.check}] {p.message}" for p in errors]
            continue
        docs.append((af.stem, text, ann))
    return docs


def plan_export(root: store.Root, fmt: str, out: str, force: bool = False) -> tuple[Plan, dict[str, bytes]]:
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
    docs = released_documents(root, plan)
    if not docs and not plan.errors:
        plan.errors.append("no document has a released annotation layer (annotations/<id>.json); nothing to export")
    if plan.errors:
        return plan, {}
    try:
        files = exporters()[fmt](docs)
    except FormatError as e:  # a document the format cannot hold as it is (an entity in no section for CoNLL)
        plan.errors.append(str(e))
        return plan, {}
    n_ents = sum(len(a.get("entities", [])) for _, _, a in docs)
    plan.summary.append(f"exported {len(docs)} document(s), {n_ents} entity mention(s) as {fmt} -> {out}")
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
