"""The check registry: every problem the validator can report has a check here.

A check has a stable id (never renamed; a retired id is never reused), a severity, a scope
and a one-line description. Checks with a function are pure: they take what they check (an
annotation file's model and its Context, a document's text and metadata, the summaries of the
corpus) and yield problems. Checks without one are raised by the readers (encoding, JSON, schema).
``docs/checks.md`` is generated from this registry (``newsspan checks --markdown``), and
``tests/fixtures/invalid/<id>/`` holds each check's failing fixture.
"""

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


def register(id: str, severity: str, scope: str, description: str):
    """Register a check; used bare for reader checks or as a decorator for check functions."""
    if id in REGISTRY:
        raise ValueError(f"duplicate check id {id}")
    REGISTRY[id] = Check(id, severity, scope, description)

    def deco(func):
        REGISTRY[id] = Check(id, severity, scope, description, func)
        return func

    return deco


def get(check_id: str) -> Check:
    return REGISTRY[check_id]


def by_scope(scope: str) -> list[Check]:
    return [c for c in REGISTRY.values() if c.scope == scope and c.func is not None]


register(
    "internal-error",
    ERROR,
    FILE,
    "A check failed inside the validator; the file is reported, never passed (please report it as a bug).",
)
register("file-unreadable", ERROR, FILE, "The file cannot be read (permissions, a folder in its place).")
register("file-too-large", ERROR, FILE, "The file is larger than the configured limit (default 50 MB).")
register("path-outside-root", ERROR, FILE, "A symbolic link in corpus/ or annotations/ points outside the root.")
register("file-empty", ERROR, FILE, "The file is empty or holds only whitespace.")
register("file-encoding", ERROR, FILE, "A JSON file is not UTF-8 (UTF-16, a BOM, other encodings, binary data).")
register("json-syntax", ERROR, FILE, "The file is not syntactically valid JSON.")
register("json-duplicate-key", ERROR, FILE, "An object holds the same key twice (JSON readers silently keep one).")
register("json-nonfinite", ERROR, FILE, "NaN or Infinity stands where JSON allows only finite numbers.")
register(
    "json-too-deep",
    ERROR,
    FILE,
    "Nesting is deeper than 64 levels (an annotation file needs 5), a sign of a broken or hostile file.",
)
register("json-number-too-large", ERROR, FILE, "A number has thousands of digits (no offset or count needs that).")
register(
    "json-lone-surrogate",
    ERROR,
    FILE,
    "A string holds a lone UTF-16 surrogate escape such as \\ud800, which is no character.",
)
register(
    "id-invalid",
    ERROR,
    FILE,
    "A file or annotator folder is named with an invalid id (ids are 1-64 of a-z 0-9 _ -, never a path).",
)
register(
    "schema",
    ERROR,
    FILE,
    "The file does not match its JSON Schema (schema/annotation.schema.json or schema/document.schema.json).",
)

from . import agreement, annotation, consistency, corpus  # noqa: E402,F401  (registers the check functions)
