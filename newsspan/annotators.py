"""Annotator sets: the layers one annotator made, read and checked for comparing and merging.

An annotator set is named on the command line by an annotator's name (the folder
``annotations/annotators/<name>/`` of the root) or by a folder path holding ``<id>.json``
annotation files. Its layers are annotations of the root's texts; each one is checked with
the validator's annotation checks when it is read, so that agreement figures and adjudicated
layers are never computed from a file with errors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from . import checks, store
from .adjudicate import Adjudication
from .adjudicate import adjudicate as merge
from .agreement import Agreement, agreement
from .files import decode_file
from .model import Annotation
from .report import ERROR, Problem
from .validator import check_layer


class UnknownAnnotator(store.StoreError):
    """A name that is neither an annotator of the root nor a folder (a usage error: exit 2)."""


@dataclass(frozen=True)
class AnnotatorSet:
    """One annotator's layers: ``name`` as given, ``folder`` holding ``<id>.json`` files."""

    name: str
    folder: Path
    root: store.Root

    @classmethod
    def resolve(cls, root: store.Root, name: str) -> AnnotatorSet:
        """An annotator of the root by name, else a folder path; UnknownAnnotator otherwise."""
        folder = root.annotations / store.ANNOTATORS / name
        if store.is_valid_id(name) and folder.is_dir():
            return cls(name, folder, root)
        path = Path(name)
        if path.is_dir():
            return cls(name, path, root)
        from .corpus import Corpus

        known = Corpus(root).annotators
        raise UnknownAnnotator(
            f"{name!r} is neither an annotator of {root.path} nor a folder; "
            + (f"annotators: {', '.join(known)}" if known else "the root has no annotations/annotators/ folders yet")
        )

    @property
    def ids(self) -> list[str]:
        """The ids of the documents this set annotates (its ``<id>.json`` files), sorted."""
        return sorted(
            p.name[: -len(store.JSON_SUFFIX)]
            for p in self.folder.iterdir()
            if p.name.endswith(store.JSON_SUFFIX) and store.is_valid_id(p.name[: -len(store.JSON_SUFFIX)])
        )

    def path(self, doc_id: str) -> Path:
        return self.folder / (store.check_id(doc_id) + store.JSON_SUFFIX)

    def display(self, doc_id: str) -> str:
        """The file's path as messages show it: relative to the root when inside it."""
        path = self.path(doc_id).absolute()
        rel = self.root.rel(path)
        return rel if not os.path.isabs(rel) else str(path)

    def load(self, doc_id: str, text: str) -> tuple[Annotation | None, list[Problem]]:
        """The layer of a document, checked against its text as the validator checks it.

        Returns (annotation, problems); the annotation is None when the file has errors.
        """
        shown = self.display(doc_id)
        try:
            data = _read(self.root, self.path(doc_id))
        except OSError as e:
            return None, [_problem(shown, doc_id, "file-unreadable", f"cannot read the file: {e.strerror or e}")]
        return check_layer(data, doc_id, self.name if store.is_valid_id(self.name) else None, text, shown)


def _read(root: store.Root, path: Path) -> bytes:
    if root.inside(path):
        return root.read_bytes(path)
    with open(path, "rb") as f:  # a folder outside the root: the user named it
        data = f.read(store.MAX_FILE_BYTES + 1)
    if len(data) > store.MAX_FILE_BYTES:
        raise store.FileTooLarge(f"{path} is larger than {store.MAX_FILE_BYTES} bytes")
    return data


def _problem(path: str, doc_id: str, check: str, message: str, hint: str | None = None) -> Problem:
    return Problem(check, message, hint=hint, path=path, severity=checks.get(check).severity, document_id=doc_id)


def shared_ids(a: AnnotatorSet, b: AnnotatorSet) -> list[str]:
    """The documents both sets annotated, sorted."""
    return sorted(set(a.ids) & set(b.ids))


def load_pairs(root: store.Root, a: AnnotatorSet, b: AnnotatorSet, ids: Iterable[str]):
    """(id, text, A's layer, B's layer) for each document, and the problems of the files read.

    A document whose text or either layer has an error is left out (its problems say why).
    """
    out, problems = [], []
    for doc_id in ids:
        text, text_problems = read_text(root, doc_id)
        problems += text_problems
        if text is None:
            continue
        la, pa = a.load(doc_id, text)
        lb, pb = b.load(doc_id, text)
        problems += pa + pb
        if la is not None and lb is not None:
            out.append((doc_id, text, la, lb))
    return out, problems


class Refused(Exception):
    """Two annotators' layers that are not compared or merged: why, and the problems of the files read."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()):
        super().__init__(message)
        self.problems = list(problems)


def _errors(n: int) -> str:
    return f"{n} error{'s' * (n != 1)}"


def _checked_pairs(root: store.Root, a: AnnotatorSet, b: AnnotatorSet, ids: list[str], what: str) -> list:
    """load_pairs(), refused when any file read has an error (nothing is computed from such a file)."""
    pairs, problems = load_pairs(root, a, b, ids)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise Refused(f"{_errors(len(errors))} in {what}", errors)
    return pairs


def agree(root: store.Root, a_name: str, b_name: str) -> Agreement:
    """``newsspan agree A B``: B scored against A on the documents both annotated.

    UnknownAnnotator (a usage error) for a name that is no annotator nor folder; Refused when
    they annotated no document in common, or when a layer compared has an error.
    """
    a, b = AnnotatorSet.resolve(root, a_name), AnnotatorSet.resolve(root, b_name)
    ids = shared_ids(a, b)
    if not ids:
        raise Refused(f"{a_name} and {b_name} annotated no document in common; nothing to compare")
    pairs = _checked_pairs(
        root, a, b, ids, "the layers compared; fix them (`newsspan validate`) and run it again; nothing was compared"
    )
    return agreement(a_name, b_name, pairs)


def adjudicate(root: store.Root, doc_id: str, a_name: str, b_name: str, force: bool = False) -> Adjudication:
    """``newsspan adjudicate ID A B``: the draft of what A and B agree on, checked as `newsspan
    validate` checks it, to be written as the document's released layer.

    StoreError (a usage error) for a document, annotator or layer that does not exist; Refused
    when a layer read has an error, or when the released layer is more than a draft and force
    is not given (run it under the root's lock, where the write follows).
    """
    root.require_document(doc_id)
    a, b = AnnotatorSet.resolve(root, a_name), AnnotatorSet.resolve(root, b_name)
    for s in (a, b):
        if not s.path(doc_id).is_file():
            raise store.StoreError(f"{s.name} has no layer for {doc_id} (no {s.display(doc_id)})")
    _, text, la, lb = _checked_pairs(root, a, b, [doc_id], f"the layers of {doc_id}; nothing was written")[0]
    adj = merge(doc_id, la, lb, a_name, b_name)
    _, problems = check_layer(adj.annotation.dumps(), doc_id, None, text, f"annotations/{doc_id}.json")
    problems = [p for p in problems if p.severity == ERROR]
    if problems:  # never expected: the draft holds spans of two valid layers
        raise Refused("the draft would not validate; nothing was written", problems)
    path = root.annotation_path(doc_id)
    status = _status(root, path) if path.exists() and not force else "draft"
    if status != "draft":
        what = f"a {status} layer" if isinstance(status, str) else "a layer whose status cannot be read"
        raise Refused(
            f"{root.rel(path)} is {what}, which adjudication never replaces without --force; nothing was written"
        )
    return adj


def _status(root: store.Root, path: Path):
    """The status a layer file states, read before its schema (a broken draft is still a draft); None if unreadable."""
    try:
        value = json.loads(root.read_bytes(path))
    except (OSError, ValueError):
        return None
    return value.get("status") if isinstance(value, dict) else None


def read_text(root: store.Root, doc_id: str) -> tuple[str | None, list[Problem]]:
    """A document's corpus text, or None and the problem that stops reading it."""
    path = root.text_path(doc_id)
    shown = root.rel(path)
    try:
        data = root.read_bytes(path)
    except FileNotFoundError:
        return None, [
            _problem(
                shown,
                doc_id,
                "document-missing",
                f"there is no corpus/{doc_id}.txt for this annotation",
                "add the article with `newsspan add`",
            )
        ]
    except OSError as e:
        return None, [_problem(shown, doc_id, "file-unreadable", f"cannot read the file: {e}")]
    text, found = decode_file(data, is_json=False)  # as `newsspan validate` reads a text
    return text, [replace(p, path=shown, document_id=doc_id, severity=checks.get(p.check).severity) for p in found]
