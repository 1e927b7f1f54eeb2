"""``newsspan.Corpus``: the documents of a corpus root as :class:`~newsspan.model.Document` objects, read
from disk when asked for. The corpus is read as it stands: check a root you edit with ``newsspan.validate()``."""

from __future__ import annotations

import os
from collections.abc import Iterator

from . import files, schema, store
from .model import Annotation, Document
from .text import decode


class Corpus:
    """The documents of a corpus root, in id order (``root=None``: the corpus shipped with the package).

    corpus = newsspan.Corpus("path/to/root")
    len(corpus), corpus.ids, corpus["<id>"], [d.id for d in corpus], corpus.released()
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
        text = self._bytes(self.root.text_path(doc_id)) or b""
        meta, annotation = self._bytes(self.root.meta_path(doc_id)), self._bytes(self.root.annotation_path(doc_id))
        return document_of(doc_id, text, meta, annotation)

    def annotation(self, doc_id: str, annotator: str | None = None) -> Annotation | None:
        """A document's released layer, or one annotator's layer; None when there is none."""
        path = self.root.annotation_path(doc_id, annotator)
        data = self._bytes(path)
        return None if data is None else Annotation.from_json(_loaded(data, self.root.rel(path), "annotation"))

    @property
    def annotators(self) -> list[str]:
        """The names under annotations/annotators/, sorted."""
        folder = self.root.annotations / store.ANNOTATORS
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and store.is_valid_id(p.name))

    def released(self, include_drafts: bool = False) -> Iterator[Document]:
        """The documents a release carries (``newsspan build``), as :func:`is_released` chooses them."""
        return (doc for doc in self if is_released(doc, include_drafts))

    def _bytes(self, path) -> bytes | None:
        try:
            return self.root.read_bytes(path) if path.is_file() else None
        except OSError as e:
            raise _unreadable(e.strerror or e, self.root.rel(path)) from None


def _unreadable(why: object, rel: str | None = None) -> ValueError:
    """What a command says of a file it builds on and cannot read (rel: the file it names)."""
    message = f"cannot be read ({why}); fix it (`newsspan validate`) first"
    return ValueError(message if rel is None else f"{rel}: {message}")


def document_of(doc_id: str, text: bytes, meta: bytes | None, annotation: bytes | None) -> Document:
    """A document from the contents of its files (None: no such file), read as the validator reads them; pure,
    so that a build runs it wherever the bytes are. ValueError naming a file that cannot be read."""
    try:
        body = decode(text)
    except ValueError as e:
        raise _unreadable(e, f"corpus/{doc_id}.txt") from None
    fields = _loaded(meta, f"corpus/{doc_id}.meta.json", "document") if meta is not None else {}
    layer = _loaded(annotation, f"annotations/{doc_id}.json", "annotation") if annotation is not None else None
    return Document.of(doc_id, body, fields, None if layer is None else Annotation.from_json(layer))


def _loaded(data: bytes, rel: str, schema_name: str) -> dict:
    try:
        return files.load_json(data, schema_name)
    except ValueError as e:
        raise ValueError(f"{rel}: {e}") from None


def load_json(root: store.Root, path, schema_name: str) -> dict:
    """A JSON file of the root that a command builds on, strict and valid against its schema; else ValueError."""
    try:
        data = root.read_bytes(path)
    except OSError as e:
        raise _unreadable(e.strerror or e) from None
    return files.load_json(data, schema_name)


def load_annotation(root: store.Root, path) -> Annotation:
    """An annotation file of the root that a command builds on (see load_json)."""
    return Annotation.from_json(load_json(root, path, "annotation"))


def is_released(doc: Document, include_drafts: bool = False) -> bool:
    """Whether a release (a build, an export, Ray) carries doc: its released layer is complete or gold (the
    schema's releasedStatus); with include_drafts, every text."""
    return include_drafts or doc.status in schema.released_statuses()
