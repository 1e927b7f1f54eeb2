"""Which documents a release holds, read from a validated root.

Released: documents whose released layer (``annotations/<id>.json``) has status ``complete``
or ``gold``. Drafts, and texts with no released layer yet, are left out unless drafts are
asked for; the counts of what was left out go into the build summary and the card.

A selection keeps only ids, splits and the card's statistics (gathered in the same pass by
:func:`newsspan.stats.Stats.add`, the one function behind ``newsspan stats``), never the
documents: they are read again, one batch at a time, when rows are written, so a build's
memory does not grow with the corpus.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import model, schema, store
from ..stats import Stats
from .splits import split_of

RELEASED_STATUSES = schema.released_statuses()


@dataclass
class Document:
    id: str
    text: str
    meta: dict
    annotation: dict | None  # None: a text without a released layer (only with include_drafts)
    split: str

    @property
    def status(self) -> str | None:
        return self.annotation["status"] if self.annotation else None

    def layer(self, name: str) -> list[dict]:
        return self.annotation[name] if self.annotation else []


class Documents(Sequence):
    """The released documents in id order, read from disk when asked for (not kept)."""

    def __init__(self, root: store.Root, ids: list[str]):
        self.root, self.ids = root, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [load(self.root, d) for d in self.ids[i]]
        return load(self.root, self.ids[i])

    def __iter__(self):
        for d in self.ids:
            yield load(self.root, d)


@dataclass
class Selection:
    ids: list[str] = field(default_factory=list)
    splits: dict[str, str] = field(default_factory=dict)  # id -> split
    drafts_left_out: list[str] = field(default_factory=list)
    unannotated_left_out: list[str] = field(default_factory=list)
    include_drafts: bool = False
    stats: Stats = field(default_factory=Stats)
    root: store.Root | None = None

    @property
    def documents(self) -> Documents:
        return Documents(self.root, self.ids)

    def ids_in_split(self, split: str) -> list[str]:
        return [d for d in self.ids if self.splits[d] == split]

    def left_out_note(self, limit: int = 10) -> str | None:
        """The documents left out by id (the first `limit`, then how many more), and how to
        include them; None when nothing was left out."""
        out = sorted([(d, "draft") for d in self.drafts_left_out] + [(d, "no released layer") for d in self.unannotated_left_out])
        if not out:
            return None
        shown = ", ".join(f"{d} ({why})" for d, why in out[:limit]) + (f" and {len(out) - limit} more" if len(out) > limit else "")
        return (f"not released: {shown}; --include-drafts includes them (a layer is released once its status is "
                f"{' or '.join(RELEASED_STATUSES)})")


def _json(root: store.Root, path) -> dict:
    return json.loads(root.read_bytes(path).decode("utf-8"))


def _annotation(root: store.Root, doc_id: str) -> dict | None:
    try:
        return _json(root, root.annotation_path(doc_id))
    except FileNotFoundError:
        return None


def load(root: store.Root, doc_id: str, annotation: dict | None = None) -> Document:
    """One document of a validated root, read from disk (its annotation too, unless given)."""
    meta = _json(root, root.meta_path(doc_id))
    text = root.read_bytes(root.text_path(doc_id)).decode("utf-8")
    annotation = annotation if annotation is not None else _annotation(root, doc_id)
    return Document(doc_id, text, meta, annotation, split_of(doc_id, meta.get("split")))


def select(root: store.Root, include_drafts: bool = False) -> Selection:
    """The documents of a root (that validated without errors) that a release holds, by id."""
    sel = Selection(include_drafts=include_drafts, root=root)
    for doc_id in sorted(set(root.text_stems())):
        annotation = _annotation(root, doc_id)
        if annotation is None and not include_drafts:
            sel.unannotated_left_out.append(doc_id)
            continue
        if annotation is not None and annotation["status"] not in RELEASED_STATUSES and not include_drafts:
            sel.drafts_left_out.append(doc_id)
            continue
        doc = load(root, doc_id, annotation)
        sel.ids.append(doc_id)
        sel.splits[doc_id] = doc.split
        # tokens are counted from the built token configs (release._tokens), not tokenized twice
        sel.stats.add(model.Document.of(doc_id, doc.text, doc.meta, annotation and model.Annotation.from_json(annotation)),
                      count_tokens=False)
    return sel
