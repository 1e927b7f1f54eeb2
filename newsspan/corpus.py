"""``newsspan.Corpus``: the documents of a corpus root as :class:`~newsspan.model.Document` objects.

    corpus = newsspan.Corpus()            # the corpus shipped with the installed package
    corpus = newsspan.Corpus("path/to/root")
    len(corpus), corpus.ids, corpus["<id>"], [d.id for d in corpus], corpus.released()

Documents are read from disk when asked for, never all kept in memory. The corpus is read as it
stands: check a root you edit with ``newsspan.validate()`` first (``newsspan build`` does).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from . import schema, store
from .model import Annotation, Document
from .text import decode


class Corpus:
    """The documents of a corpus root, in id order.

    ``root=None`` means the corpus shipped with the installed package (the released documents a
    wheel carries, or the checkout of an editable install), as in ``newsspan.load_dataset``.
    """

    def __init__(self, root: str | os.PathLike | store.Root | None = None):
        self.root = store.Root.of(root)
        self.root.check()

    def __repr__(self) -> str:
        return f"Corpus({str(self.root.path)!r})"

    @property
    def ids(self) -> list[str]:
        """The id of every document that has a text in corpus/, sorted."""
        return [s for s in self.root.text_stems() if store.is_valid_id(s)]

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Document]:
        for doc_id in self.ids:
            yield self[doc_id]

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and store.is_valid_id(doc_id) and self.root.text_path(doc_id).is_file()

    def __getitem__(self, doc_id: str) -> Document:
        if doc_id not in self:
            raise KeyError(f"no document {doc_id!r} in {self.root.path}")
        text = decode(self._read(self.root.text_path(doc_id)))
        meta_path = self.root.meta_path(doc_id)
        meta = json.loads(decode(self._read(meta_path))) if meta_path.is_file() else {}
        return Document.of(doc_id, text, meta, self.annotation(doc_id))

    def annotation(self, doc_id: str, annotator: str | None = None) -> Annotation | None:
        """A document's released layer, or one annotator's layer; None when there is none."""
        path = self.root.annotation_path(doc_id, annotator)
        if not path.is_file():
            return None
        try:
            return Annotation.loads(self._read(path))
        except ValueError as e:
            raise ValueError(f"{self.root.rel(path)}: {e}") from None

    @property
    def annotators(self) -> list[str]:
        """The names under annotations/annotators/, sorted."""
        folder = self.root.annotations / store.ANNOTATORS
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and store.is_valid_id(p.name))

    def released(self, include_drafts: bool = False) -> Iterator[Document]:
        """The documents a release carries (``newsspan build``), in id order, read one at a time:
        those whose released layer has a status of the schema's releasedStatus (complete, gold);
        with include_drafts, every text."""
        statuses = schema.released_statuses()
        for doc in self:
            if include_drafts or doc.status in statuses:
                yield doc

    def _read(self, path) -> bytes:
        return self.root.read_bytes(path)


def read_json(root: store.Root, path) -> dict:
    """A JSON object file of the root, read as the validator reads it (UTF-8 without BOM, strict
    JSON); ValueError saying what is wrong with it, never a crash of the command that met it."""
    return read_json_source(root, path)[0]


def read_json_source(root: store.Root, path) -> tuple[dict, str, bool]:
    """:func:`read_json`, with the file's text and whether it holds a float (what
    :func:`checked_annotation` needs to pass a valid file at once)."""
    from .jsonfile import parse_bounded
    from .validator import decode_file

    try:
        data = root.read_bytes(path)
    except OSError as e:
        raise ValueError(f"cannot be read ({e.strerror or e}); fix it (`newsspan validate`) first") from None
    json_text, problems = decode_file(data, is_json=True)
    if json_text is None:
        raise ValueError(f"cannot be read ({problems[0].message}); fix it (`newsspan validate`) first")
    value, found, floats = parse_bounded(json_text)
    if found:
        raise ValueError(f"cannot be read as JSON ({found[0].message}); fix it (`newsspan validate`) first")
    if not isinstance(value, dict):
        raise ValueError("is not a JSON object; fix it (`newsspan validate`) first")
    return value, json_text, floats


def checked_annotation(value: dict, source: str | None = None, floats: bool = True) -> Annotation:
    """The annotation a parsed file holds, once it passes the annotation schema; else ValueError
    naming the first problem. With the file's text and float flag (:func:`read_json_source`),
    jsonschema-rs passes a valid file at once, as in `newsspan validate`; jsonschema explains the rest."""
    from .schema_errors import findings, passes

    if source is not None and passes("annotation", value, source, floats):
        return Annotation.from_json(value)
    found = findings("annotation", value)
    if found:
        first = found[0]
        raise ValueError(
            f"does not follow the annotation schema ({first.pointer or '/'}: {first.message}"
            + (f"; and {len(found) - 1} more problem(s)" if len(found) > 1 else "")
            + "); fix it (`newsspan validate`) first"
        )
    return Annotation.from_json(value)


def read_annotation(root: store.Root, path) -> Annotation:
    """An annotation file of the root that a command builds on (import, repair, fix): strict JSON
    that passes the annotation schema; ValueError saying what is wrong with it otherwise."""
    return checked_annotation(*read_json_source(root, path))
