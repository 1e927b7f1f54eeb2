"""Which documents a release holds, read from a validated root.

Released: documents whose released layer (``annotations/<id>.json``) has status ``complete``
or ``gold``. Drafts, and texts with no released layer yet, are left out unless drafts are
asked for; the counts of what was left out go into the build summary and the card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .. import store
from .splits import split_of

RELEASED_STATUSES = ("complete", "gold")


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


@dataclass
class Selection:
    documents: list[Document] = field(default_factory=list)
    drafts_left_out: list[str] = field(default_factory=list)
    unannotated_left_out: list[str] = field(default_factory=list)
    include_drafts: bool = False

    def in_split(self, split: str) -> list[Document]:
        return [d for d in self.documents if d.split == split]


def _json(root: store.Root, path) -> dict:
    return json.loads(root.read_bytes(path).decode("utf-8"))


def select(root: store.Root, include_drafts: bool = False) -> Selection:
    """The documents of a root (that validated without errors) that a release holds, by id."""
    sel = Selection(include_drafts=include_drafts)
    for doc_id in sorted(set(root.text_stems())):
        ann_path = root.annotation_path(doc_id)
        annotation = _json(root, ann_path) if ann_path.exists() else None
        if annotation is None and not include_drafts:
            sel.unannotated_left_out.append(doc_id)
            continue
        if annotation is not None and annotation["status"] not in RELEASED_STATUSES and not include_drafts:
            sel.drafts_left_out.append(doc_id)
            continue
        meta = _json(root, root.meta_path(doc_id))
        text = root.read_bytes(root.text_path(doc_id)).decode("utf-8")
        sel.documents.append(Document(doc_id, text, meta, annotation, split_of(doc_id, meta.get("split"))))
    return sel
