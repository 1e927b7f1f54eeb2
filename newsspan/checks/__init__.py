"""The check registry: every problem the validator can report has a check here, with a stable id (never
renamed, never reused), a severity, a scope, a one-line description and a failing fixture under
``tests/fixtures/invalid/<id>/``. A check with a function is pure and yields problems; one without is raised
by the readers. ``docs/checks.md`` is generated from it (``newsspan checks --markdown``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..report import ERROR, Problem

# Scopes, in the order the validator runs them.
FILE = "file"  # any file: encoding, JSON syntax, schema
DOCUMENT = "document"  # one document's text and metadata
ANNOTATION = "annotation"  # one annotation file against its text
CORPUS = "corpus"  # across files of the root


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    scope: str
    description: str
    func: Callable[..., Iterable[Problem]] | None = None


REGISTRY: dict[str, Check] = {}


def register(id: str, severity: str, scope: str, description: str | None = None):
    """Register a check: bare, with its description, for a check the readers raise; else as the decorator
    of a check function, whose docstring (its lines joined) is the description."""
    if id in REGISTRY:
        raise ValueError(f"duplicate check id {id}")
    if description is not None:
        REGISTRY[id] = Check(id, severity, scope, description)

    def deco(func):
        REGISTRY[id] = Check(id, severity, scope, description or " ".join((func.__doc__ or "").split()), func)
        return func

    return deco


def get(check_id: str) -> Check:
    return REGISTRY[check_id]


def by_scope(scope: str) -> list[Check]:
    return [c for c in REGISTRY.values() if c.scope == scope and c.func is not None]


# The errors the readers raise for any file.
for _id, _description in {
    "internal-error": "A check failed inside the validator; the file is reported, never passed (please report it as a bug).",
    "file-unreadable": "The file cannot be read (permissions, a folder in its place).",
    "file-too-large": "The file is larger than the configured limit (default 50 MB).",
    "path-outside-root": "A symbolic link in corpus/ or annotations/ points outside the root.",
    "file-empty": "The file is empty or holds only whitespace.",
    "file-encoding": "A JSON file is not UTF-8 (UTF-16, a BOM, other encodings, binary data).",
    "json-syntax": "The file is not syntactically valid JSON.",
    "json-duplicate-key": "An object holds the same key twice (JSON readers silently keep one).",
    "json-nonfinite": "NaN or Infinity stands where JSON allows only finite numbers.",
    "json-too-deep": "Nesting is deeper than 64 levels (an annotation file needs 5), a sign of a broken or hostile file.",
    "json-number-too-large": "A number has thousands of digits (no offset or count needs that).",
    "json-lone-surrogate": "A string holds a lone UTF-16 surrogate escape such as \\ud800, which is no character.",
    "id-invalid": "A file or annotator folder is named with an invalid id (ids are 1-64 of a-z 0-9 _ -, never a path).",
    "schema": "The file does not match its JSON Schema (schema/annotation.schema.json or schema/document.schema.json).",
}.items():
    register(_id, ERROR, FILE, _description)

from . import agreement, annotation, consistency, corpus  # noqa: E402,F401  (registers the check functions)
