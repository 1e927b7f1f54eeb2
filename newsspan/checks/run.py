"""Running checks (a check that crashes is an ``internal-error``, never raised, never a pass), and the
checks of one annotation file against its text: for the validator, and for ``agree``, ``adjudicate``
and ``show``, so that nothing is computed from a file with errors."""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .. import schema, store
from ..files import locate, read_json
from ..model import Annotation, well_formed
from ..report import ERROR, Problem
from ..text import sha256
from . import ANNOTATION, Check, by_scope, get
from .annotation import Context


def annotation_rel(stem: str, annotator: str | None) -> str:
    if annotator is None:
        return f"annotations/{stem}.json"
    return f"annotations/{store.ANNOTATORS}/{annotator}/{stem}.json"


def run(check: Check, *args) -> list[Problem]:
    """One check's problems; an exception inside it is reported, never raised or passed."""
    assert check.func is not None, f"{check.id} is raised by the readers: it has no function to run"
    try:
        return list(check.func(*args))
    except Exception as e:  # noqa: BLE001 - fail closed: a crashing check is a reported error
        return [internal(f"check {check.id} failed", e)]


def internal(what: str, e: Exception) -> Problem:
    where = traceback.extract_tb(e.__traceback__)[-1]
    return Problem(
        "internal-error",
        f"{what}: {type(e).__name__}: {e} (at {Path(where.filename).name}:{where.lineno})",
        hint="the file is not known to be valid; please report this as a newsspan bug",
    )


def placed(problems: Iterable[Problem], path: str, doc_id: str | None) -> list[Problem]:
    """Problems of the file at path (unless one names another file), with its document and their severities."""
    return [replace(p, path=p.path or path, document_id=doc_id, severity=get(p.check).severity) for p in problems]


def check_annotation_file(
    data: bytes | Problem, stem: str, annotator: str | None, text: str | None, text_sha: str | None, text_exists: bool
) -> list[Problem]:
    """The problems of one annotation file against its text (None: the checks that read it wait), not yet placed."""
    problems: list[Problem] = []
    if not store.is_valid_id(stem):
        problems.append(Problem("id-invalid", schema.invalid_id(stem), hint="name the file <document_id>.json"))
    if annotator is not None and not store.is_valid_id(annotator):
        message = "annotator folder: " + schema.invalid_id(annotator, "annotator name")
        problems.append(Problem("id-invalid", message, hint="rename the folder"))
    if isinstance(data, Problem):
        return problems + [data]
    value, found, valid = read_json(data, "annotation")
    problems += found
    if value is not None:
        ann, places = well_formed(value, valid)
        # made on another text: its spans are checked once `newsspan reanchor` has moved them onto this one,
        # else one word changed in the text would be an error at every span after it
        if ann.text_sha256 is not None and text_sha is not None and ann.text_sha256 != text_sha:
            text = None
        found = _annotation_checks(ann, Context.of(ann, places, stem, text, text_sha, text_exists))
        problems += locate(data.decode("utf-8"), found) if found else []
    return problems


def check_layer(
    data: bytes, stem: str, annotator: str | None, text: str, path: str
) -> tuple[Annotation | None, list[Problem]]:
    """An annotation file a command computes from, checked as `newsspan validate` does: (its model, or None
    when it has an error; its problems at path)."""
    problems = placed(check_annotation_file(data, stem, annotator, text, sha256(text), True), path, stem)
    if any(p.severity == ERROR for p in problems):
        return None, problems
    return Annotation.from_json(json.loads(data)), problems


def check_annotation_model(
    model: Annotation, text: str, stem: str, annotator: str | None = None, text_sha256: str | None = None
) -> list[Problem]:
    """The annotation checks of a schema-valid model not yet written (``validate --fix`` trying its moves)."""
    sha = text_sha256 if text_sha256 is not None else sha256(text)
    found = _annotation_checks(model, Context.of(model, None, stem, text, sha))
    return placed(found, annotation_rel(stem, annotator), stem)


def _annotation_checks(ann: Annotation, ctx: Context) -> list[Problem]:
    return [p for check in by_scope(ANNOTATION) for p in run(check, ann, ctx)]
